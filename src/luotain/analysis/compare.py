"""Comparing waves of a questionnaire family, and trends over all of them.

An earlier wave is first *folded* into the later questionnaire: its answers are put in the later wave's
columns, each old option under the option that keeps or replaces it (``previous`` in the questionnaire file),
and a question or matrix row the earlier wave did not ask is an empty column that is marked "not asked". The
folded wave is then analysed by the same engine as the current one (same filters, same breakdown, same
disclosure control), so that both sets of figures have the same questions and options, and each share gets a
``change`` from the difference of the two (``luotain.analysis.difference``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from luotain.questionnaire import (
    Column,
    QuestionBase,
    Questionnaire,
)
from luotain.questionnaire.waves import not_comparable, option_ids, option_map
from luotain.responses import META_COLUMNS

from .difference import Difference, Moments, mean_difference, nps_difference, proportion_difference
from .disclosure import Publication
from .engine import analyse, apply_filters, publication_of, question_result
from .frame import ResponseFrame
from .kinds import ANALYSES
from .results import (
    AnalysisResult,
    Breakdown,
    Change,
    Comparison,
    GroupCell,
    QuestionBreakdown,
    QuestionResult,
    ScoreChange,
    Shares,
)
from .stats import shown_p


@dataclass
class Folding:
    """What folding an earlier wave into a later questionnaire found."""

    not_asked: list[str] = field(default_factory=list)  # later questions and QUESTION/ROW the earlier lacks
    not_asked_now: list[str] = field(default_factory=list)  # earlier questions (and rows) the later lacks
    not_comparable: dict[str, str] = field(default_factory=dict)
    mapped: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    unmapped: dict[str, list[str]] = field(default_factory=dict)

    def missing(self) -> set[str]:
        """Questions and rows without comparable answers in the earlier wave."""
        return {*self.not_asked, *self.not_comparable}


def fold(earlier: ResponseFrame, into: Questionnaire) -> tuple[ResponseFrame, Folding]:
    """The earlier wave's responses in the columns and options of the later questionnaire ``into``."""
    df = earlier.df
    organisations = pl.Enum(sorted(earlier.registry.organisations))
    older = {q.id: q for q in earlier.questionnaire.questions()}
    how = Folding()
    series: list[pl.Series] = [df[c] for c in META_COLUMNS if c in df.columns]
    for question in into.questions():
        old = older.get(question.id)
        reason = None if old is None else not_comparable(question, old)
        mapping: dict[str, str] = {}
        if old is None:
            how.not_asked.append(question.id)
        elif reason is not None:
            how.not_comparable[question.id] = reason
        else:
            mapping = option_map(question, old)
            _note_mapping(question, old, mapping, how)
        for column in question.columns():
            if old is None or reason is not None or column.name not in df.columns:
                if old is not None and reason is None and column.row_id is not None:
                    how.not_asked.append(column.name)  # a matrix row the earlier wave did not have
                series.append(pl.Series(column.name, [None] * df.height, dtype=_dtype(column, organisations)))
            else:
                series.append(_folded(column, df[column.name], mapping, organisations))
    later = {q.id: q for q in into.questions()}
    for old in earlier.questionnaire.questions():
        new = later.get(old.id)
        if new is None:
            how.not_asked_now.append(old.id)
        elif hasattr(old, "rows") and hasattr(new, "rows"):  # a question of rows: rows may come and go
            rows: Any = old
            kept = {r.id for r in getattr(new, "rows")}  # noqa: B009
            how.not_asked_now += [rows.row_column(r.id) for r in rows.rows if r.id not in kept]
    return ResponseFrame(into, pl.DataFrame(series), earlier.registry, earlier.report), how


def _note_mapping(
    question: QuestionBase, old: QuestionBase, mapping: Mapping[str, str], how: Folding
) -> None:
    renamed: dict[str, list[str]] = {}
    for old_id, new_id in mapping.items():
        if old_id != new_id or len([o for o, n in mapping.items() if n == new_id]) > 1:
            renamed.setdefault(new_id, []).append(old_id)
    if renamed:
        how.mapped[question.id] = renamed
    lost = [o for o in option_ids(old) if o not in mapping]
    if lost:
        how.unmapped[question.id] = lost


def _dtype(column: Column, organisations: pl.Enum) -> pl.DataType:
    enum = pl.Enum(list(column.options))
    return {
        "choice": enum,
        "choices": pl.List(enum),
        "integer": pl.Int64(),
        "number": pl.Float64(),
        "text": pl.String(),
        "organisation": organisations,
    }[column.kind]


def _folded(
    column: Column, values: pl.Series, mapping: Mapping[str, str], organisations: pl.Enum
) -> pl.Series:
    """One column of the earlier wave with its options renamed and merged as the later wave has them."""
    if column.kind == "choice":
        text = values.cast(pl.String).replace_strict(mapping, default=None, return_dtype=pl.String)
        return text.cast(pl.Enum(list(column.options))).alias(column.name)
    if column.kind == "choices":
        enum = pl.Enum(list(column.options))
        lists = values.list.eval(
            pl.element()
            .cast(pl.String)
            .replace_strict(mapping, default=None, return_dtype=pl.String)
            .drop_nulls()
            .cast(enum)
            .sort()
            .unique(maintain_order=True)
        )
        return pl.select(pl.when(lists.list.len() > 0).then(lists)).to_series().alias(column.name)
    if column.kind == "organisation":
        return values.cast(pl.String).cast(organisations, strict=False).alias(column.name)
    return values.cast(_dtype(column, organisations)).alias(column.name)


# --------------------------------------------------------------------------------------------- changes


def _shift(d: Difference) -> dict[str, object]:
    """What a share's change and a score's change have alike."""
    return {
        "before": d.before,
        "ci95": d.ci95,
        "p_value": shown_p(d.p_value),
        "test": d.test,
        "significant": d.significant,
        "n_before": d.n_before,
        "n_now": d.n_now,
    }


def _change(d: Difference) -> Change:
    return Change.model_validate({"pp": d.difference, **_shift(d)})


def _score_change(d: Difference | None) -> ScoreChange | None:
    return None if d is None else ScoreChange.model_validate({"difference": d.difference, **_shift(d)})


def _share_changes(
    now: Mapping[str, int | None], n_now: int, before: Mapping[str, int | None], n_before: int
) -> dict[str, Change] | None:
    if not n_now or not n_before:
        return None
    return {
        option: _change(proportion_difference(int(before[option] or 0), n_before, x, n_now))
        for option, x in now.items()
        if x is not None and before.get(option) is not None
    }


def _scale_moments(counts: Mapping[str, int]) -> Moments:
    n = sum(counts.values())
    total = sum(int(v) * c for v, c in counts.items())
    squares = sum(int(v) ** 2 * c for v, c in counts.items())
    return Moments.of(total, squares, n)


def _number_moments(df: pl.DataFrame, column: str) -> Moments | None:
    values = df[column].drop_nulls().cast(pl.Float64)
    if values.len() < 2:
        return None
    return Moments.of(float(values.sum()), float((values**2).sum()), values.len())


def _nps_counts(counts: Mapping[str, int]) -> tuple[int, int, int]:
    by_value = {int(v): c for v, c in counts.items()}
    return (
        sum(c for v, c in by_value.items() if v >= 9),
        sum(c for v, c in by_value.items() if v in (7, 8)),
        sum(c for v, c in by_value.items() if v <= 6),
    )


def question_changes(
    question: QuestionBase,
    now: QuestionResult,
    before: QuestionResult,
    moments: tuple[Moments | None, Moments | None] = (None, None),
    missing: set[str] | frozenset[str] = frozenset(),
) -> dict[str, object]:
    """The fields a question's result gets from a comparison with the same question in the compared wave
    (``moments``: a number question's (before, now) moments, which its result does not hold)."""
    updates: dict[str, object] = {}
    analysis = ANALYSES.of(question)
    if now.rows is not None and before.rows is not None:
        rows: dict[str, Shares] = {}
        for row_id, shares in now.rows.items():
            if question.row_column(row_id) in missing:  # type: ignore[attr-defined]
                rows[row_id] = shares.model_copy(update={"not_asked_before": True})
                continue
            old = before.rows[row_id]
            rows[row_id] = shares.model_copy(
                update={"change": _share_changes(shares.counts, shares.n, old.counts, old.n)}
            )
        updates["rows"] = rows
    elif now.counts is not None and before.counts is not None:
        updates["change"] = _share_changes(now.counts, now.n, before.counts, before.n)
    if analysis.scale is not None and now.n and before.n and now.counts and before.counts:
        updates["mean_change"] = _score_change(
            mean_difference(_scale_moments(before.counts), _scale_moments(now.counts))
        )
        if analysis.headline == "agree":
            agree = {str(v) for v in question.agree_values()}  # type: ignore[attr-defined]
            x_now = sum(c for v, c in now.counts.items() if v in agree)
            x_before = sum(c for v, c in before.counts.items() if v in agree)
            updates["agree_change"] = _change(proportion_difference(x_before, before.n, x_now, now.n))
        elif analysis.headline == "nps":
            updates["nps_change"] = _score_change(
                nps_difference(_nps_counts(before.counts), _nps_counts(now.counts))
            )
    earlier, current = moments
    if analysis.numeric and earlier is not None and current is not None:
        updates["mean_change"] = _score_change(mean_difference(earlier, current))
    return {key: value for key, value in updates.items() if value is not None}


def compare(
    result: AnalysisResult, now: ResponseFrame, earlier: ResponseFrame, *, wave: str | None = None
) -> AnalysisResult:
    """``result`` (the analysis of ``now``) with a change from the wave ``earlier`` next to each share, NPS
    and mean, overall and in the breakdown (for groups published in both waves), with the same filters."""
    folded, how = fold(earlier, now.questionnaire)
    by = result.breakdowns.by if result.breakdowns else None
    k = max(
        result.breakdowns.k if result.breakdowns else now.questionnaire.disclosure_threshold,
        earlier.questionnaire.disclosure_threshold,
    )
    # The earlier wave's figures are protected by its own family, as its own page protects them: folding
    # can merge its options into groups that family never checked.
    family = publication_of(earlier, k)
    before = analyse(folded, by=by, filters=result.filters, k=k, tests=False, family=family)
    missing = how.missing()
    numbers = [q.id for q in now.questionnaire.questions() if ANALYSES.of(q).numeric]
    now_df = apply_filters(now, result.filters) if numbers else now.df
    before_df = apply_filters(folded, result.filters, family=family) if numbers else folded.df
    questions: dict[str, QuestionResult] = {}
    for question in now.questionnaire.questions():
        figures = result.questions[question.id]
        if question.id in how.not_comparable:
            questions[question.id] = figures.model_copy(
                update={"not_comparable": how.not_comparable[question.id]}
            )
        elif question.id in how.not_asked:
            questions[question.id] = figures.model_copy(update={"not_asked_before": True})
        else:
            moments = (
                (_number_moments(before_df, question.id), _number_moments(now_df, question.id))
                if ANALYSES.of(question).numeric
                else (None, None)
            )
            changes = question_changes(question, figures, before.questions[question.id], moments, missing)
            questions[question.id] = figures.model_copy(update=changes)
    breakdowns = result.breakdowns
    if breakdowns is not None and before.breakdowns is not None:
        breakdowns = _breakdown_changes(now, folded, result, breakdowns, before.breakdowns, missing, family)
    comparison = Comparison(
        wave=wave or earlier.questionnaire.wave or earlier.questionnaire.id,
        questionnaire=earlier.questionnaire.id,
        n_responses=before.n_responses,
        not_asked_before=how.not_asked,
        not_asked_now=how.not_asked_now,
        not_comparable=how.not_comparable,
        mapped=how.mapped,
        unmapped=how.unmapped,
    )
    return result.model_copy(
        update={"questions": questions, "breakdowns": breakdowns, "comparison": comparison}
    )


def _breakdown_changes(
    now: ResponseFrame,
    folded: ResponseFrame,
    result: AnalysisResult,
    current: Breakdown,
    before: Breakdown,
    missing: set[str],
    family: Publication,
) -> Breakdown:
    """Each published cell's change, for the groups published in both waves. A share's change is taken
    from the two published cells; NPS and means need the group's whole scale, from the group's own
    analysis in each wave (published only where both waves publish the figure)."""
    published = {g.id for g in current.groups if not g.suppressed} & {
        g.id for g in before.groups if not g.suppressed
    }
    scales = [
        q
        for q in now.questionnaire.questions()
        if ANALYSES.of(q).scale is not None and q.id in current.questions and q.id not in missing
    ]
    subsets: dict[str, tuple[dict[str, QuestionResult], dict[str, QuestionResult]]] = {}
    if scales:
        for group in sorted(published):
            filters = {**result.filters, current.by: [group]}
            subsets[group] = (_figures(now, filters, scales), _figures(folded, filters, scales, family))

    def cells(
        question: QuestionBase, now_cells: Mapping[str, GroupCell], old_cells: Mapping[str, GroupCell]
    ) -> dict[str, GroupCell]:
        out = dict(now_cells)
        for group in published:
            cell, old = now_cells.get(group), old_cells.get(group)
            if cell is None or old is None or not cell.n or not old.n or cell.percent is None:
                continue
            change: dict[str, Change | None] = {}
            for option, count in (cell.counts or {}).items():
                earlier = (old.counts or {}).get(option)
                both = count is not None and earlier is not None
                change[option] = (
                    _change(proportion_difference(earlier, old.n, count, cell.n))  # type: ignore[arg-type]
                    if both
                    else None
                )
            update: dict[str, object] = {"change": change}
            if group in subsets and ANALYSES.of(question).scale is not None:
                whole = question_changes(
                    question, subsets[group][0][question.id], subsets[group][1][question.id]
                )
                if cell.mean is not None and old.mean is not None:
                    update["mean_change"] = whole.get("mean_change")
                if cell.nps is not None and old.nps is not None:
                    update["nps_change"] = whole.get("nps_change")
            out[group] = cell.model_copy(update=update)
        return out

    questions: dict[str, QuestionBreakdown] = {}
    for qid, figures in current.questions.items():
        question = now.questionnaire.question(qid)
        old = before.questions.get(qid)
        if old is None or qid in missing:
            questions[qid] = figures
        elif figures.rows is not None and old.rows is not None:
            rows = {
                row: cells(question, groups, old.rows[row]) if f"{qid}/{row}" not in missing else dict(groups)
                for row, groups in figures.rows.items()
            }
            questions[qid] = figures.model_copy(update={"rows": rows})
        elif figures.groups is not None and old.groups is not None:
            questions[qid] = figures.model_copy(
                update={"groups": cells(question, figures.groups, old.groups)}
            )
        else:
            questions[qid] = figures
    return current.model_copy(update={"questions": questions})


def _figures(
    frame: ResponseFrame,
    filters: Mapping[str, Sequence[str]],
    questions: Sequence[QuestionBase],
    family: Publication | None = None,
) -> dict[str, QuestionResult]:
    """Some questions' figures among the respondents that match the filters."""
    rows = apply_filters(frame, filters, family=family)
    subset = ResponseFrame(frame.questionnaire, rows, frame.registry)
    return {q.id: question_result(q, subset) for q in questions}


# ---------------------------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class WaveFigures:
    """One wave's figures in the questions and options of the newest wave."""

    label: str
    result: AnalysisResult
    not_asked: frozenset[str]  # questions and QUESTION/ROW without comparable answers in this wave

    def asked(self, question: str, row: str | None = None) -> bool:
        return question not in self.not_asked and (row is None or f"{question}/{row}" not in self.not_asked)


def trend(
    waves: Sequence[tuple[str, ResponseFrame]], *, filters: Mapping[str, Sequence[str]] | None = None
) -> list[WaveFigures]:
    """Every wave's figures, oldest first (``waves`` in that order), each folded wave by wave into the
    newest questionnaire. A question must be in every later wave to be carried forward."""
    out: list[WaveFigures] = []
    k = max(frame.questionnaire.disclosure_threshold for _, frame in waves) if waves else 5
    for i, (label, frame) in enumerate(waves):
        family = publication_of(frame, k)  # each wave protected as it was, before folding
        missing: set[str] = set()
        for _, later in waves[i + 1 :]:
            frame, how = fold(frame, later.questionnaire)
            missing |= how.missing()
        result = analyse(frame, filters=filters, k=k, family=family)
        out.append(WaveFigures(label, result, frozenset(missing)))
    return out
