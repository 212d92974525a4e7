"""Typed analysis results. ``model_dump(mode="json", exclude_none=True)`` gives the JSON contract of
docs/analysis.md."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Interval = tuple[float, float]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Shares(_Result):
    """Counts and shares of options among the ``n`` who answered (a question, or a matrix row)."""

    n: int
    counts: dict[str, int]
    percent: dict[str, float]
    ci95: dict[str, Interval]


class QuestionResult(_Result):
    type: str
    n: int
    skipped: int
    counts: dict[str, int] | None = None
    percent: dict[str, float] | None = None
    ci95: dict[str, Interval] | None = None
    multiple: bool | None = None  # a multiple choice: shares may add up to over 100 %
    rows: dict[str, Shares] | None = None
    mean: float | None = None
    mean_ci95: Interval | None = None
    median: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    agree_percent: float | None = None
    agree_ci95: Interval | None = None
    nps: float | None = None
    nps_ci95: Interval | None = None
    promoters: float | None = None
    passives: float | None = None
    detractors: float | None = None
    organisations: dict[str, int] | None = None


class RankedRow(_Result):
    row: str
    n: int
    percent: float


class Coverage(_Result):
    answered: int
    total: int


class Test(_Result):
    method: str
    statistic: float | None = None
    df: int | None = None
    p_value: float


class GroupCell(_Result):
    """One group's figures in a breakdown; None where suppressed."""

    n: int | None
    suppressed: bool = False
    counts: dict[str, int | None] | None = None
    percent: dict[str, float | None] | None = None
    ci95: dict[str, Interval | None] | None = None
    mean: float | None = None
    nps: float | None = None


class QuestionBreakdown(_Result):
    groups: dict[str, GroupCell] | None = None
    rows: dict[str, dict[str, GroupCell]] | None = None
    test: Test | None = None
    tests: dict[str, Test | None] | None = None  # per option (multiple choice) or per row (matrix)
    warning: str | None = None


class Group(_Result):
    id: str
    label: str
    n: int | None
    suppressed: bool


class Breakdown(_Result):
    by: str
    k: int
    groups: list[Group]
    ungrouped: int  # respondents without a group (no answer, or an organisation no district covers)
    questions: dict[str, QuestionBreakdown]


class Theme(_Result):
    code: str
    name: str
    n: int
    percent: float  # of those who answered the question


class Themes(_Result):
    """An open question's themes as its codebook codes them: the top ones and the rest."""

    answered: int
    top: list[Theme]
    other_mentions: list[Theme]


class AnalysisResult(_Result):
    questionnaire: str
    n_responses: int
    filters: dict[str, list[str]]
    questions: dict[str, QuestionResult]
    organisations: dict[str, int]
    coverage: dict[str, Coverage]
    rankings: dict[str, dict[str, list[RankedRow]]]
    breakdowns: Breakdown | None = None
    themes: dict[str, Themes] | None = None
    skipped_cells: int = 0
