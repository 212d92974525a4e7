"""Every figure of a report from a response frame: shares with intervals, means, NPS, rankings, coverage and
breakdowns with disclosure control.

Counting is done on the integer codes of polars' Enum columns with ``numpy.bincount``, so a figure over a
million responses costs a few milliseconds; a breakdown is one more bincount over (group, option) pairs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

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

from . import disclosure
from .frame import ResponseFrame
from .results import (
    AnalysisResult,
    Breakdown,
    Coverage,
    Group,
    GroupCell,
    QuestionBreakdown,
    QuestionResult,
    RankedRow,
    Shares,
    Test,
)
from .stats import independence_test, mean_ci, nps, wilson

DISTRICT = "district"


class AnalysisError(ValueError):
    """A request the analysis cannot answer (an unknown breakdown or filter)."""


# ---------------------------------------------------------------------------------------------- extraction


@dataclass
class _Coded:
    """A single-valued column as integer codes; ``size`` (the number of options) marks no answer."""

    codes: np.ndarray
    labels: list[str]

    @property
    def size(self) -> int:
        return len(self.labels)

    def answered(self) -> np.ndarray:
        return self.codes < self.size

    def counts(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.size + 1)[: self.size]


@dataclass
class _Multi:
    """A multiple choice: the chosen option codes of all respondents in a row, and how many each chose."""

    flat: np.ndarray
    lengths: np.ndarray
    labels: list[str]

    @property
    def answered(self) -> np.ndarray:
        return self.lengths > 0

    def counts(self) -> np.ndarray:
        counted = pl.Series(self.flat).value_counts()
        counts = np.zeros(len(self.labels), dtype=np.int64)
        counts[counted[:, 0].to_numpy().astype(np.intp)] = counted[:, 1].to_numpy()
        return counts


class _Columns:
    """Columns of one frame as numpy codes, each extracted once (a frame keeps this between analyses)."""

    def __init__(self, df: pl.DataFrame):
        self.df = df
        self._cache: dict[tuple[str, str], object] = {}

    def prefetch(self, wanted: Mapping[str, int]) -> None:
        """Extract many Enum columns (name -> number of options) as small unsigned codes in one pass."""
        missing = {name: size for name, size in wanted.items() if ("codes", name) not in self._cache}
        if not missing:
            return
        out = self.df.select(
            [pl.col(n).to_physical().fill_null(size).alias(n) for n, size in missing.items()]
        )
        for name in missing:
            self._cache[("codes", name)] = out[name].to_numpy()

    def coded(self, name: str, labels: Sequence[str]) -> _Coded:
        size = len(labels)
        self.prefetch({name: size})
        return _Coded(self._cache[("codes", name)], list(labels))  # type: ignore[arg-type]

    def scale(self, name: str, values: Sequence[int]) -> _Coded:
        """An integer scale (rating, 0–10) as codes of its points in order."""
        key = ("scale", name)
        if key not in self._cache:
            low, high = min(values), max(values)
            table = np.full(high - low + 2, len(values), dtype=np.intp)
            for i, v in enumerate(values):
                table[v - low] = i
            raw = self.df[name].fill_null(high + 1).to_numpy()
            self._cache[key] = table[raw - low]
        return _Coded(self._cache[key], [str(v) for v in values])  # type: ignore[arg-type]

    def multi(self, name: str, labels: Sequence[str]) -> _Multi:
        key = ("multi", name)
        if key not in self._cache:
            series = self.df[name]
            lengths = series.list.len().fill_null(0).to_numpy()
            flat = series.explode().drop_nulls().to_physical().to_numpy()
            self._cache[key] = _Multi(flat, lengths, list(labels))
        return self._cache[key]  # type: ignore[return-value]

    def overall(self, compute: Callable[[], dict[str, QuestionResult]]) -> dict[str, QuestionResult]:
        """The figures of every question, computed once per frame."""
        key = ("overall", "")
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]  # type: ignore[return-value]

    def derived(self, name: str, make: Callable[[], pl.Series], labels: Sequence[str]) -> _Coded:
        """A column computed from others (the district) as codes."""
        key = ("derived", name)
        if key not in self._cache:
            self._cache[key] = make().to_physical().fill_null(len(labels)).to_numpy()
        return _Coded(self._cache[key], list(labels))  # type: ignore[arg-type]


def _columns(frame: ResponseFrame, df: pl.DataFrame) -> _Columns:
    """The frame's own cache when the whole frame is analysed; a fresh one for a filtered subset."""
    if df is not frame.df:
        return _Columns(df)
    cache = frame.__dict__.get("_columns")
    if cache is None or cache.df is not df:
        cache = _Columns(df)
        frame.__dict__["_columns"] = cache
    return cache


# ------------------------------------------------------------------------------------------------ figures


def _shares(counts: np.ndarray, labels: Sequence[str], n: int) -> Shares:
    return Shares(
        n=n,
        counts={label: int(c) for label, c in zip(labels, counts, strict=True)},
        percent={label: 100.0 * c / n if n else 0.0 for label, c in zip(labels, counts, strict=True)},
        ci95={label: wilson(int(c), n) for label, c in zip(labels, counts, strict=True)} if n else {},
    )


def _choice_result(question: QuestionBase, coded: _Coded, total: int) -> QuestionResult:
    counts = coded.counts()
    n = int(counts.sum())
    s = _shares(counts, coded.labels, n)
    return QuestionResult(
        type=question.type_name, n=n, skipped=total - n, counts=s.counts, percent=s.percent, ci95=s.ci95
    )


def _scale_figures(question: Rating | Recommendation, counts: np.ndarray) -> dict[str, object]:
    """Mean with its interval, median, and the agreeing share (rating) or NPS (recommendation)."""
    n = int(counts.sum())
    if n == 0:
        return {}
    values = _point_values(question)
    mean, interval = mean_ci(float((counts * values).sum()), float((counts * values**2).sum()), n)
    fields: dict[str, object] = {"mean": mean, "mean_ci95": interval, "median": _median(counts, values)}
    if isinstance(question, Rating):
        agree = np.isin(values, question.agree_values())
        x = int(counts[agree].sum())
        fields.update(agree_percent=100.0 * x / n, agree_ci95=wilson(x, n))
    else:
        result = nps(int(counts[9:].sum()), int(counts[7:9].sum()), int(counts[:7].sum()))
        fields.update(
            nps=result.nps,
            nps_ci95=result.ci95,
            promoters=result.promoters,
            passives=result.passives,
            detractors=result.detractors,
        )
    return fields


def _point_values(question: Rating | Recommendation) -> np.ndarray:
    points = [p.value for p in question.points] if isinstance(question, Rating) else list(range(11))
    return np.array(points, dtype=np.float64)


def _scale_result(question: Rating | Recommendation, coded: _Coded, total: int) -> QuestionResult:
    counts = coded.counts()
    n = int(counts.sum())
    s = _shares(counts, coded.labels, n)
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        counts=s.counts,
        percent=s.percent,
        ci95=s.ci95,
        **_scale_figures(question, counts),
    )


def _median(counts: np.ndarray, values: np.ndarray) -> float:
    n = counts.sum()
    cumulative = np.cumsum(counts)
    lower = values[np.searchsorted(cumulative, (n + 1) // 2)]
    upper = values[np.searchsorted(cumulative, n // 2 + 1)]
    return float((lower + upper) / 2)


def _multi_result(question: MultipleChoice, multi: _Multi, total: int) -> QuestionResult:
    n = int(multi.answered.sum())
    counts = multi.counts()
    s = _shares(counts, multi.labels, n)
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        counts=s.counts,
        percent=s.percent,
        ci95=s.ci95,
        multiple=True,
    )


def _matrix_result(question: Matrix, columns: _Columns, total: int) -> QuestionResult:
    labels = list(question.option_ids())
    rows: dict[str, Shares] = {}
    answered_any = np.zeros(total, dtype=bool)
    for row in question.rows:
        coded = columns.coded(question.row_column(row.id), labels)
        answered_any |= coded.answered()
        counts = coded.counts()
        rows[row.id] = _shares(counts, labels, int(counts.sum()))
    n = int(answered_any.sum())
    return QuestionResult(type=question.type_name, n=n, skipped=total - n, rows=rows)


def _number_result(question: Number, series: pl.Series, total: int) -> QuestionResult:
    values = series.drop_nulls().cast(pl.Float64).to_numpy()
    n = len(values)
    if n == 0:
        return QuestionResult(type=question.type_name, n=0, skipped=total)
    mean, interval = mean_ci(float(values.sum()), float((values**2).sum()), n)
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


def _organisation_result(question: OrganisationPicker, columns: _Columns, total: int) -> QuestionResult:
    labels = list(columns.df[question.id].dtype.categories)  # type: ignore[attr-defined]
    coded = columns.coded(question.id, labels)
    present = [labels[i] for i in np.flatnonzero(coded.counts())]
    n = int(coded.answered().sum())
    counties = sum(code.startswith("hva:") for code in present)
    return QuestionResult(
        type=question.type_name,
        n=n,
        skipped=total - n,
        organisations={"hyvinvointialue": counties, "kunta": len(present) - counties},
    )


def _text_result(question: OpenText, series: pl.Series, total: int) -> QuestionResult:
    n = int(series.is_not_null().sum())
    return QuestionResult(type=question.type_name, n=n, skipped=total - n)


def _question_result(question: QuestionBase, columns: _Columns) -> QuestionResult:
    df = columns.df
    total = df.height
    if isinstance(question, Matrix):
        return _matrix_result(question, columns, total)
    if isinstance(question, MultipleChoice):
        return _multi_result(question, columns.multi(question.id, question.option_ids()), total)
    if isinstance(question, SingleChoice):
        return _choice_result(question, columns.coded(question.id, question.option_ids()), total)
    if isinstance(question, Rating):
        return _scale_result(question, columns.scale(question.id, [p.value for p in question.points]), total)
    if isinstance(question, Recommendation):
        return _scale_result(question, columns.scale(question.id, list(range(11))), total)
    if isinstance(question, Number):
        return _number_result(question, df[question.id], total)
    if isinstance(question, OrganisationPicker):
        return _organisation_result(question, columns, total)
    if isinstance(question, OpenText):
        return _text_result(question, df[question.id], total)
    raise AnalysisError(f"no analysis for question type '{question.type_name}'")  # pragma: no cover


def _enum_columns(questionnaire: Questionnaire) -> dict[str, int]:
    """Single-valued Enum columns and their number of options (the organisation column is not one)."""
    wanted: dict[str, int] = {}
    for q in questionnaire.questions():
        if isinstance(q, SingleChoice):
            wanted[q.id] = len(q.options)
        elif isinstance(q, Matrix):
            wanted.update({q.row_column(r.id): len(q.options) for r in q.rows})
    return wanted


def _overall(questionnaire: Questionnaire, columns: _Columns) -> dict[str, QuestionResult]:
    columns.prefetch(_enum_columns(questionnaire))
    return {q.id: _question_result(q, columns) for q in questionnaire.questions()}


def question_result(question: QuestionBase, frame: ResponseFrame) -> QuestionResult:
    """The figures of one question over the whole frame."""
    return _question_result(question, _columns(frame, frame.df))


# ----------------------------------------------------------------------------------------------- groups


def _district_column(frame: ResponseFrame, df: pl.DataFrame) -> pl.Series:
    orgs = [q for q in frame.questionnaire.questions() if isinstance(q, OrganisationPicker)]
    if not orgs:
        raise AnalysisError(
            "a district is derived from the organisation, and this questionnaire has no organisation question"
        )
    series = df[orgs[0].id]
    slugs = [d.slug for d in frame.registry.districts]
    mapping = {}
    for code in series.dtype.categories:  # type: ignore[attr-defined]
        district = frame.registry.district_of(code)
        if district is not None:
            mapping[code] = district.slug
    return series.cast(pl.String).replace_strict(mapping, default=None).cast(pl.Enum(slugs)).alias(DISTRICT)


def _groups(frame: ResponseFrame, columns: _Columns, by: str) -> tuple[_Coded, list[str]]:
    """Codes of the grouping variable (its labels are the group ids) and the groups' names (Finnish)."""
    if by == DISTRICT:
        slugs = [d.slug for d in frame.registry.districts]
        coded = columns.derived(DISTRICT, lambda: _district_column(frame, columns.df), slugs)
        return coded, [d.name_fi for d in frame.registry.districts]
    try:
        question = frame.questionnaire.question(by)
    except KeyError:
        raise AnalysisError(f"cannot break down by '{by}': not a question, nor 'district'") from None
    if not isinstance(question, SingleChoice):
        raise AnalysisError(f"cannot break down by '{by}': only by a single choice question or 'district'")
    return columns.coded(by, question.option_ids()), [o.label.fi for o in question.options]


def apply_filters(frame: ResponseFrame, filters: Mapping[str, Sequence[str]]) -> pl.DataFrame:
    """The rows of the frame that match every filter (key: a single choice question or 'district')."""
    df = frame.df
    for key, values in filters.items():
        if key == DISTRICT:
            slugs = {d.slug for d in frame.registry.districts}
            unknown = [v for v in values if v not in slugs]
            if unknown:
                raise AnalysisError(f"cannot filter by district={','.join(unknown)}: no such district")
            df = df.filter(_district_column(frame, df).cast(pl.String).is_in(list(values)).fill_null(False))
            continue
        try:
            question = frame.questionnaire.question(key)
        except KeyError:
            raise AnalysisError(f"cannot filter by '{key}': not a question, nor 'district'") from None
        if not isinstance(question, SingleChoice):
            raise AnalysisError(f"cannot filter by '{key}': only by a single choice question or 'district'")
        unknown = [v for v in values if v not in question.option_ids()]
        if unknown:
            raise AnalysisError(f"cannot filter by {key}={','.join(unknown)}: not an option of '{key}'")
        df = df.filter(pl.col(key).cast(pl.String).is_in(list(values)).fill_null(False))
    return df


# ------------------------------------------------------------------------------------------- breakdowns


def _crosstab(groups: _Coded, codes: np.ndarray, size: int) -> np.ndarray:
    """Groups × options counts; a missing group or answer falls into a slot that is cut off."""
    width = size + 1
    key = np.uint16 if (groups.size + 1) * width < 2**16 else np.int64
    index = groups.codes.astype(key) * np.asarray(width, dtype=key) + codes.astype(key)
    table = np.bincount(index, minlength=(groups.size + 1) * width).reshape(groups.size + 1, width)
    return table[: groups.size, :size]


def _cells(
    table: np.ndarray,
    sizes: np.ndarray,
    labels: Sequence[str],
    group_ids: Sequence[str],
    group_hidden: np.ndarray,
    k: int,
    *,
    partition: bool = True,
) -> dict[str, GroupCell]:
    # A group may be large enough overall and still have fewer than k answers to this question or row.
    group_hidden = disclosure.suppress_groups(sizes, k, already=group_hidden)
    hidden = disclosure.suppress_cells(
        table, group_hidden, k, rows_are_partitions=partition, group_sizes=sizes
    )
    cells: dict[str, GroupCell] = {}
    for g, gid in enumerate(group_ids):
        n = int(sizes[g])
        if group_hidden[g]:
            cells[gid] = GroupCell(n=None, suppressed=True)
            continue
        counts: dict[str, int | None] = {}
        percent: dict[str, float | None] = {}
        ci95: dict[str, tuple[float, float] | None] = {}
        for j, label in enumerate(labels):
            if hidden[g, j] or n == 0:
                counts[label] = percent[label] = ci95[label] = None
            else:
                x = int(table[g, j])
                counts[label], percent[label], ci95[label] = x, 100.0 * x / n, wilson(x, n)
        cells[gid] = GroupCell(n=n, counts=counts, percent=percent, ci95=ci95)
    return cells


def _test_of(table: np.ndarray, group_hidden: np.ndarray) -> Test | None:
    result = independence_test(table[~group_hidden])
    if result is None:
        return None
    return Test(method=result.method, statistic=result.statistic, df=result.df, p_value=result.p_value)


NO_TEST = "no test: fewer than two groups or options with answers above the disclosure threshold"


def _multi_crosstab(multi: _Multi, groups: _Coded) -> np.ndarray:
    """Groups × options counts of a multiple choice: each chosen option takes its respondent's group."""
    repeated = _Coded(np.repeat(groups.codes, multi.lengths), groups.labels)
    return _crosstab(repeated, multi.flat, len(multi.labels))


def _question_breakdown(
    question: QuestionBase,
    columns: _Columns,
    groups: _Coded,
    group_ids: Sequence[str],
    group_hidden: np.ndarray,
    k: int,
) -> QuestionBreakdown | None:
    if isinstance(question, Matrix):
        labels = list(question.option_ids())
        rows: dict[str, dict[str, GroupCell]] = {}
        tests: dict[str, Test | None] = {}
        for row in question.rows:
            coded = columns.coded(question.row_column(row.id), labels)
            table = _crosstab(groups, coded.codes, coded.size)
            rows[row.id] = _cells(table, table.sum(axis=1), labels, group_ids, group_hidden, k)
            tests[row.id] = _test_of(table, group_hidden)
        return QuestionBreakdown(rows=rows, tests=tests)
    if isinstance(question, MultipleChoice):
        multi = columns.multi(question.id, question.option_ids())
        table = _multi_crosstab(multi, groups)
        sizes = np.bincount(groups.codes[multi.answered], minlength=groups.size + 1)[: groups.size]
        cells = _cells(table, sizes, multi.labels, group_ids, group_hidden, k, partition=False)
        tests = {
            label: _test_of(np.stack([table[:, j], sizes - table[:, j]], axis=1), group_hidden)
            for j, label in enumerate(multi.labels)
        }
        return QuestionBreakdown(groups=cells, tests=tests)
    if isinstance(question, SingleChoice):
        coded = columns.coded(question.id, question.option_ids())
    elif isinstance(question, Rating):
        coded = columns.scale(question.id, [p.value for p in question.points])
    elif isinstance(question, Recommendation):
        coded = columns.scale(question.id, list(range(11)))
    else:
        return None  # open text, numbers and organisations are not broken down
    table = _crosstab(groups, coded.codes, coded.size)
    cells = _cells(table, table.sum(axis=1), coded.labels, group_ids, group_hidden, k)
    if isinstance(question, Rating | Recommendation):
        for g, gid in enumerate(group_ids):
            if cells[gid].n is None or cells[gid].n < k:  # type: ignore[operator]
                continue
            figures = _scale_figures(question, table[g])
            extra = {"mean": figures["mean"]}
            if "nps" in figures:
                extra["nps"] = figures["nps"]
            cells[gid] = cells[gid].model_copy(update=extra)
    test = _test_of(table, group_hidden)
    return QuestionBreakdown(groups=cells, test=test, warning=None if test else NO_TEST)


def _breakdown(frame: ResponseFrame, columns: _Columns, by: str, k: int) -> Breakdown:
    groups, labels = _groups(frame, columns, by)
    group_ids = groups.labels
    sizes = groups.counts()
    group_hidden = disclosure.suppress_groups(sizes, k)
    questions: dict[str, QuestionBreakdown] = {}
    for question in frame.questionnaire.questions():
        if question.id == by:
            continue
        result = _question_breakdown(question, columns, groups, group_ids, group_hidden, k)
        if result is not None:
            questions[question.id] = result
    return Breakdown(
        by=by,
        k=k,
        groups=[
            Group(id=gid, label=label, n=None if hidden else int(n), suppressed=bool(hidden))
            for gid, label, n, hidden in zip(group_ids, labels, sizes, group_hidden, strict=True)
        ],
        questions=questions,
    )


# -------------------------------------------------------------------------------------- derived figures


def rankings(
    questionnaire: Questionnaire, results: Mapping[str, QuestionResult]
) -> dict[str, dict[str, list[RankedRow]]]:
    """Matrix rows ranked by the share choosing each option; ties keep the questionnaire's order."""
    ranked: dict[str, dict[str, list[RankedRow]]] = {}
    for question in questionnaire.questions():
        if not isinstance(question, Matrix):
            continue
        rows = results[question.id].rows or {}
        order = [r.id for r in question.rows]
        ranked[question.id] = {}
        for option in question.option_ids():
            share = {row: rows[row].percent.get(option, 0.0) for row in order}
            ranked[question.id][option] = [
                RankedRow(row=row, n=rows[row].n, percent=share[row])
                for row in sorted(order, key=lambda r: (-share[r], order.index(r)))
            ]
    return ranked


def analyse(
    frame: ResponseFrame,
    *,
    by: str | None = None,
    filters: Mapping[str, Sequence[str]] | None = None,
    k: int | None = None,
) -> AnalysisResult:
    """All figures of the questionnaire's questions, optionally for a subset and broken down by a group."""
    questionnaire = frame.questionnaire
    filters = {key: list(values) for key, values in (filters or {}).items()}
    k = k if k is not None else questionnaire.disclosure_threshold
    df = apply_filters(frame, filters) if filters else frame.df
    columns = _columns(frame, df)
    results = columns.overall(lambda: _overall(questionnaire, columns))
    organisations: dict[str, int] = {"hyvinvointialue": 0, "kunta": 0}
    for result in results.values():
        if result.organisations:
            organisations = result.organisations
            break
    totals = {kind: len(frame.registry.of_kind(kind)) for kind in organisations}
    return AnalysisResult(
        questionnaire=questionnaire.id,
        n_responses=df.height,
        filters=filters,
        questions=results,
        organisations=organisations,
        coverage={kind: Coverage(answered=organisations[kind], total=totals[kind]) for kind in organisations},
        rankings=rankings(questionnaire, results),
        breakdowns=_breakdown(frame, columns, by, k) if by else None,
        skipped_cells=frame.report.skipped_cells,
    )
