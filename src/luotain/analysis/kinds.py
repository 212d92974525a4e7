"""What the analysis does with each question type's answers (the layer "analysis"): its figures over a set of
respondents, and what the rest of the analysis may do with it (filter and break down by it, take a mean of
it, find the respondents' organisations in it).

Counting is done on the integer codes of polars' Enum columns with ``numpy.bincount`` (``codes.py``), so a
figure over a million responses costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from luotain.questionnaire import (
    Matrix,
    MultipleChoice,
    Number,
    OpenText,
    OrganisationPicker,
    QuestionBase,
    Rating,
    Recommendation,
    SingleChoice,
)
from luotain.questionnaire.layers import TypeLayer
from luotain.registry import ORGANISATION_KINDS, kind_of_code

from .codes import Coded, CodedColumns
from .results import QuestionResult, Shares
from .stats import mean_ci, nps, wilson


def shares(counts: np.ndarray, labels: Sequence[str], n: int) -> Shares:
    return Shares(
        n=n,
        counts={label: int(c) for label, c in zip(labels, counts, strict=True)},
        percent={label: 100.0 * c / n if n else 0.0 for label, c in zip(labels, counts, strict=True)},
        ci95={label: wilson(int(c), n) for label, c in zip(labels, counts, strict=True)} if n else {},
    )


def _no_columns(question: Any) -> dict[str, int]:
    return {}


@dataclass(frozen=True)
class QuestionAnalysis:
    """The analysis of one question type.

    ``result``: its figures over the columns' respondents. ``codes``: its answers as one coded column, for
    the types whose answers are one option each (a breakdown crosses it with the groups). ``enum_columns``:
    the Enum columns to extract at once with their number of options. ``scale``: the points of a scale, whose
    mean and median are figures; ``headline``: a scale's headline figure ("agree": the agreeing share, "nps":
    the net promoter score). ``numeric``: a number, whose mean is a figure. ``groups``: respondents can be
    filtered and broken down by it. ``organisation``: its answers are the registry's organisations.
    ``written``: its answers are written text, which codebooks code and reports quote."""

    result: Callable[[Any, CodedColumns, int], QuestionResult]
    codes: Callable[[Any, CodedColumns], Coded] | None = None
    enum_columns: Callable[[Any], dict[str, int]] = _no_columns
    scale: Callable[[Any], list[int]] | None = None
    headline: Literal["agree", "nps"] | None = None
    numeric: bool = False
    groups: bool = False
    organisation: bool = False
    written: bool = False


ANALYSES = TypeLayer[QuestionAnalysis]("analysis")


def _coded_result(question: QuestionBase, coded: Coded, total: int) -> QuestionResult:
    counts = coded.counts()
    n = int(counts.sum())
    s = shares(counts, coded.labels, n)
    extra = scale_figures(question, counts) if ANALYSES.of(question).scale else {}
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        counts=s.counts,
        percent=s.percent,
        ci95=s.ci95,
        **extra,
    )


def _choice_codes(question: SingleChoice, columns: CodedColumns) -> Coded:
    return columns.coded(question.id, question.option_ids())


def _choice(question: SingleChoice, columns: CodedColumns, total: int) -> QuestionResult:
    return _coded_result(question, _choice_codes(question, columns), total)


def _choice_columns(question: SingleChoice) -> dict[str, int]:
    return {question.id: len(question.options)}


def _rating_points(question: Rating) -> list[int]:
    return [p.value for p in question.points]


def _rating_codes(question: Rating, columns: CodedColumns) -> Coded:
    return columns.scale(question.id, _rating_points(question))


def _rating(question: Rating, columns: CodedColumns, total: int) -> QuestionResult:
    return _coded_result(question, _rating_codes(question, columns), total)


def _recommendation_points(question: Recommendation) -> list[int]:
    return list(range(11))


def _recommendation_codes(question: Recommendation, columns: CodedColumns) -> Coded:
    return columns.scale(question.id, _recommendation_points(question))


def _recommendation(question: Recommendation, columns: CodedColumns, total: int) -> QuestionResult:
    return _coded_result(question, _recommendation_codes(question, columns), total)


def _multi(question: MultipleChoice, columns: CodedColumns, total: int) -> QuestionResult:
    multi = columns.multi(question.id, question.option_ids())
    n = int(multi.answered.sum())
    counts = multi.counts()
    s = shares(counts, multi.labels, n)
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        counts=s.counts,
        percent=s.percent,
        ci95=s.ci95,
        multiple=True,
    )


def _matrix(question: Matrix, columns: CodedColumns, total: int) -> QuestionResult:
    labels = list(question.option_ids())
    rows: dict[str, Shares] = {}
    answered_any = np.zeros(total, dtype=bool)
    for row in question.rows:
        coded = columns.coded(question.row_column(row.id), labels)
        answered_any |= coded.answered()
        counts = coded.counts()
        rows[row.id] = shares(counts, labels, int(counts.sum()))
    n = int(answered_any.sum())
    return QuestionResult(type=question.type_name, n=n, skipped=total - n, rows=rows)


def _matrix_columns(question: Matrix) -> dict[str, int]:
    return {question.row_column(r.id): len(question.options) for r in question.rows}


def _number(question: Number, columns: CodedColumns, total: int) -> QuestionResult:
    values = columns.df[question.id].drop_nulls().cast(pl.Float64).to_numpy()
    n = len(values)
    if n == 0:
        return QuestionResult(type=question.type_name, n=0, skipped=total)
    bounds = None
    if question.minimum is not None and question.maximum is not None:
        bounds = (float(question.minimum), float(question.maximum))
    mean, interval = mean_ci(float(values.sum()), float((values**2).sum()), n, bounds)
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        mean=mean,
        mean_ci95=interval,
        median=float(np.median(values)),
        minimum=float(values.min()),
        maximum=float(values.max()),
    )


def _organisation(question: OrganisationPicker, columns: CodedColumns, total: int) -> QuestionResult:
    labels = list(columns.df[question.id].dtype.categories)  # type: ignore[attr-defined]
    coded = columns.coded(question.id, labels)
    present = [labels[i] for i in np.flatnonzero(coded.counts())]
    n = int(coded.answered().sum())
    kinds = [kind_of_code(code) for code in present]
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        organisations={kind: kinds.count(kind) for kind in ORGANISATION_KINDS},
    )


def _text(question: OpenText, columns: CodedColumns, total: int) -> QuestionResult:
    n = int(columns.df[question.id].is_not_null().sum())
    return QuestionResult(type=question.type_name, n=n, skipped=total - n)


ANALYSES.register(SingleChoice)(
    QuestionAnalysis(_choice, codes=_choice_codes, enum_columns=_choice_columns, groups=True)
)
ANALYSES.register(MultipleChoice)(QuestionAnalysis(_multi))
ANALYSES.register(Matrix)(QuestionAnalysis(_matrix, enum_columns=_matrix_columns))
ANALYSES.register(Rating)(
    QuestionAnalysis(_rating, codes=_rating_codes, scale=_rating_points, headline="agree")
)
ANALYSES.register(Recommendation)(
    QuestionAnalysis(
        _recommendation, codes=_recommendation_codes, scale=_recommendation_points, headline="nps"
    )
)
ANALYSES.register(Number)(QuestionAnalysis(_number, numeric=True))
ANALYSES.register(OrganisationPicker)(QuestionAnalysis(_organisation, organisation=True))
ANALYSES.register(OpenText)(QuestionAnalysis(_text, written=True))


def is_written(question: QuestionBase) -> bool:
    """Whether the question's answers are written text (an open question, coded by codebooks)."""
    return ANALYSES.of(question).written


# -------------------------------------------------------------------------------------------------- scales


def point_values(question: QuestionBase) -> np.ndarray:
    """A scale's points as numbers."""
    points = ANALYSES.of(question).scale
    if points is None:
        raise ValueError(f"'{question.id}' ({question.type_name}) is not a scale")
    return np.array(points(question), dtype=np.float64)


def scale_figures(question: QuestionBase, counts: np.ndarray) -> dict[str, object]:
    """A scale's mean with its interval, its median, and its headline: the agreeing share (a rating) or NPS
    (the recommendation)."""
    n = int(counts.sum())
    if n == 0:
        return {}
    values = point_values(question)
    scale = (float(values.min()), float(values.max()))
    mean, interval = mean_ci(float((counts * values).sum()), float((counts * values**2).sum()), n, scale)
    fields: dict[str, object] = {"mean": mean, "mean_ci95": interval, "median": median(counts, values)}
    headline = ANALYSES.of(question).headline
    if headline == "agree":
        agree = np.isin(values, question.agree_values())  # type: ignore[attr-defined]
        x = int(counts[agree].sum())
        fields.update(agree_percent=100.0 * x / n, agree_ci95=wilson(x, n))
    elif headline == "nps":
        result = nps(int(counts[9:].sum()), int(counts[7:9].sum()), int(counts[:7].sum()))
        fields.update(
            nps=result.nps,
            nps_ci95=result.ci95,
            promoters=result.promoters,
            passives=result.passives,
            detractors=result.detractors,
        )
    return fields


def median(counts: np.ndarray, values: np.ndarray) -> float:
    n = counts.sum()
    cumulative = np.cumsum(counts)
    lower = values[np.searchsorted(cumulative, (n + 1) // 2)]
    upper = values[np.searchsorted(cumulative, n // 2 + 1)]
    return float((lower + upper) / 2)
