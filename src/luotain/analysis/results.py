"""Typed analysis results. ``model_dump(mode="json", exclude_none=True)`` gives the JSON contract of
docs/analysis.md."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Interval = tuple[float, float]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Change(_Result):
    """A share's change from the compared wave, in percentage points, with Newcombe's 95 % interval and a
    two-proportion test (docs/analysis.md, "Comparing waves")."""

    before: float  # the share in the compared wave, percent
    pp: float  # now − before
    ci95: Interval
    p_value: float
    test: str  # z_test | fisher_exact | none
    significant: bool  # the interval leaves out 0
    n_before: int
    n_now: int


class ScoreChange(_Result):
    """NPS or a mean, changed from the compared wave (NPS points or the scale's units)."""

    before: float
    difference: float  # now − before
    ci95: Interval
    p_value: float
    test: str  # normal (NPS) | welch (means)
    significant: bool
    n_before: int
    n_now: int


class Shares(_Result):
    """Counts and shares of options among the ``n`` who answered (a question, or a matrix row)."""

    n: int
    counts: dict[str, int]
    percent: dict[str, float]
    ci95: dict[str, Interval]
    change: dict[str, Change] | None = None
    not_asked_before: bool | None = None


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
    # With a compared wave: the change next to each share and figure, or why there is none.
    change: dict[str, Change] | None = None
    agree_change: Change | None = None
    nps_change: ScoreChange | None = None
    mean_change: ScoreChange | None = None
    not_asked_before: bool | None = None
    not_comparable: str | None = None


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
    change: dict[str, Change | None] | None = None  # None where a cell is suppressed in either wave
    nps_change: ScoreChange | None = None
    mean_change: ScoreChange | None = None


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


class Comparison(_Result):
    """The wave the ``change`` figures compare with, and what of it could not be compared."""

    wave: str
    questionnaire: str
    n_responses: int
    not_asked_before: list[str]  # questions (and matrix rows, QUESTION/ROW) the compared wave did not ask
    not_asked_now: list[str]  # questions the compared wave asked and this one does not
    not_comparable: dict[str, str]  # question -> why (its type or scale changed)
    mapped: dict[str, dict[str, list[str]]]  # question -> option -> the compared wave's options in it
    unmapped: dict[str, list[str]]  # question -> the compared wave's options with no counterpart (left out)


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
    comparison: Comparison | None = None
    # The filters ask for a group whose figures may not be published (docs/privacy.md): nothing is shown.
    withheld: bool | None = None
