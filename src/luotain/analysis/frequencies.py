"""Counts and shares per question: the figures of the first report.

Shares are of those who answered the question (or the matrix row), never of all respondents, and each comes
with its n. This is the plain-Python first cut; the full engine (intervals, breakdowns, disclosure control)
replaces it behind the same names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import mean, median

from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    QuestionBase,
    Questionnaire,
    Rating,
    Recommendation,
    SingleChoice,
)
from luotain.responses import ResponseRecord


@dataclass
class Distribution:
    n: int
    counts: dict[str, int]

    def percent(self, key: str) -> float:
        return 100.0 * self.counts.get(key, 0) / self.n if self.n else 0.0


@dataclass
class QuestionFigures:
    question: QuestionBase
    n: int
    skipped: int
    distribution: Distribution | None = None
    rows: dict[str, Distribution] = field(default_factory=dict)
    mean: float | None = None
    median: float | None = None
    nps: float | None = None
    promoters: float | None = None
    passives: float | None = None
    detractors: float | None = None
    agree_percent: float | None = None
    organisations: dict[str, int] = field(default_factory=dict)


def nps(scores: Sequence[int]) -> tuple[float, float, float, float]:
    """(NPS, % promoters, % passives, % detractors) of 0–10 scores; promoters 9–10, detractors 0–6."""
    n = len(scores)
    if n == 0:
        raise ValueError("NPS of no answers")
    promoters = 100.0 * sum(s >= 9 for s in scores) / n
    detractors = 100.0 * sum(s <= 6 for s in scores) / n
    return promoters - detractors, promoters, 100.0 - promoters - detractors, detractors


def question_figures(question: QuestionBase, records: Sequence[ResponseRecord]) -> QuestionFigures:
    total = len(records)
    if isinstance(question, Matrix):
        rows: dict[str, Distribution] = {}
        answered_any = 0
        for r in records:
            if any(question.row_column(row.id) in r.answers for row in question.rows):
                answered_any += 1
        for row in question.rows:
            values = [
                r.answers[question.row_column(row.id)]
                for r in records
                if question.row_column(row.id) in r.answers
            ]
            rows[row.id] = Distribution(len(values), dict(Counter(values)))
        return QuestionFigures(question, answered_any, total - answered_any, rows=rows)
    values = [r.answers[question.id] for r in records if question.id in r.answers]
    figures = QuestionFigures(question, len(values), total - len(values))
    if isinstance(question, MultipleChoice):
        figures.distribution = Distribution(len(values), dict(Counter(o for v in values for o in v)))
    elif isinstance(question, SingleChoice):
        figures.distribution = Distribution(len(values), dict(Counter(values)))
    elif isinstance(question, Rating | Recommendation):
        figures.distribution = Distribution(len(values), dict(Counter(str(v) for v in values)))
        if values:
            figures.mean = mean(values)
            figures.median = median(values)
        if isinstance(question, Rating) and values:
            agree = set(question.agree_values())
            figures.agree_percent = 100.0 * sum(v in agree for v in values) / len(values)
        if isinstance(question, Recommendation) and values:
            figures.nps, figures.promoters, figures.passives, figures.detractors = nps(values)
    elif isinstance(question, Number) and values:
        figures.mean = mean(values)
        figures.median = median(values)
    elif isinstance(question, OrganisationPicker):
        kinds = Counter(code.split(":", 1)[0] for code in set(values))
        figures.organisations = {"hyvinvointialue": kinds.get("hva", 0), "kunta": kinds.get("kunta", 0)}
    elif isinstance(question, OpenText):
        pass
    return figures


def all_figures(
    questionnaire: Questionnaire, records: Sequence[ResponseRecord]
) -> dict[str, QuestionFigures]:
    return {q.id: question_figures(q, records) for q in questionnaire.questions()}
