"""Every figure of a report from a response frame: shares with intervals, means, NPS, rankings, coverage and
breakdowns with disclosure control.

Counting is done on the integer codes of polars' Enum columns with ``numpy.bincount``, so a figure over a
million responses costs a few milliseconds; a breakdown is one more bincount over (group, option) pairs.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from luotain.questionnaire import (
    QuestionBase,
    Questionnaire,
)
from luotain.registry import ORGANISATION_KINDS
from luotain.text.codebook import Codebook, RankedTheme, code_answers, rank_themes

from .breakdown import (
    DISTRICT,
    AnalysisError,
    background_question,
    background_questions,
    breakdown,
    district_column,
)
from .codes import CodedColumns, coded_columns
from .disclosure import Coded, Publication, cell_key, coded, publication
from .frame import ResponseFrame
from .kinds import ANALYSES
from .results import (
    AnalysisResult,
    Coverage,
    QuestionResult,
    RankedRow,
    Theme,
    Themes,
)


def _question_result(question: QuestionBase, columns: CodedColumns) -> QuestionResult:
    result: QuestionResult = ANALYSES.of(question).result(question, columns, columns.df.height)
    return result


def _enum_columns(questionnaire: Questionnaire) -> dict[str, int]:
    """Single-valued Enum columns and their number of options (the organisation column is not one)."""
    wanted: dict[str, int] = {}
    for question in questionnaire.questions():
        wanted.update(ANALYSES.of(question).enum_columns(question))
    return wanted


def _overall(questionnaire: Questionnaire, columns: CodedColumns) -> dict[str, QuestionResult]:
    columns.prefetch(_enum_columns(questionnaire))
    return {q.id: _question_result(q, columns) for q in questionnaire.questions()}


def _themes(codebook: Codebook, df: pl.DataFrame, stored: Mapping[str, Sequence[str]] | None) -> Themes:
    """Rank an open question's themes (top ten, then the rest): as stored for each answer when ``stored``
    is given (response id -> codes), otherwise coded now by the codebook's rules."""
    ids = df["response_id"].to_list() if "response_id" in df.columns else list(range(df.height))
    texts = {str(i): t for i, t in zip(ids, df[codebook.question].to_list(), strict=True) if t and t.strip()}
    if stored is not None:
        coded = {rid: list(stored.get(rid, ())) for rid in texts}
    else:
        coded = code_answers(codebook, texts)
    top, tail = rank_themes(codebook, coded)
    names = {c.id: c.name.fi for c in codebook.codes}

    def theme(t: RankedTheme) -> Theme:
        return Theme(code=t.code, name=names[t.code], n=t.count, percent=t.percent)

    return Themes(answered=len(texts), top=[theme(t) for t in top], other_mentions=[theme(t) for t in tail])


def question_result(question: QuestionBase, frame: ResponseFrame) -> QuestionResult:
    """The figures of one question over the whole frame."""
    return _question_result(question, coded_columns(frame, frame.df))


# ----------------------------------------------------------------------------------------------- groups


def _background(frame: ResponseFrame) -> dict[str, Coded]:
    """The background variables in the order their groups are considered for publication: the district
    first (the survey is sent, followed and reported by district), then the background questions."""
    variables: dict[str, Coded] = {}
    if any(ANALYSES.of(q).organisation for q in frame.questionnaire.questions()):
        variables[DISTRICT] = coded(district_column(frame, frame.df))
    variables.update({q.id: coded(frame.df[q.id]) for q in background_questions(frame.questionnaire)})
    return variables


_PUBLICATIONS: OrderedDict[tuple[int, str], Publication] = OrderedDict()


def publication_of(frame: ResponseFrame, k: int | None = None) -> Publication:
    """The groups of the frame's respondents whose figures may be published (``analysis.disclosure``),
    kept for the last few frames asked about: the same answers give the same family."""
    k = k if k is not None else frame.questionnaire.disclosure_threshold
    memo = ("publication", k)
    if memo in frame.memo:
        return frame.memo[memo]  # type: ignore[return-value]
    variables = _background(frame)
    digest = hashlib.sha256()
    for name, (_values, labels) in variables.items():
        digest.update(f"{name}\x1e{chr(31).join(labels)}\x1e".encode())
    digest.update(cell_key(variables).tobytes())
    key = (k, digest.hexdigest())
    if key not in _PUBLICATIONS:
        _PUBLICATIONS[key] = publication(variables, k)
        while len(_PUBLICATIONS) > 16:
            _PUBLICATIONS.popitem(last=False)
    _PUBLICATIONS.move_to_end(key)
    frame.memo[memo] = _PUBLICATIONS[key]
    return _PUBLICATIONS[key]


def filter_mask(frame: ResponseFrame, filters: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Which rows of the frame match every filter (key: a single choice question or 'district')."""
    df = frame.df
    mask = pl.Series([True] * df.height) if df.height else pl.Series([], dtype=pl.Boolean)
    for key, values in filters.items():
        if key == DISTRICT:
            slugs = {d.slug for d in frame.registry.districts}
            unknown = [v for v in values if v not in slugs]
            if unknown:
                raise AnalysisError(f"cannot filter by district={','.join(unknown)}: no such district")
            column = district_column(frame, df).cast(pl.String)
        else:
            question = background_question(frame, key, "filter by")
            unknown = [v for v in values if v not in question.option_ids()]
            if unknown:
                raise AnalysisError(f"cannot filter by {key}={','.join(unknown)}: not an option of '{key}'")
            column = df[key].cast(pl.String)
        mask = mask & column.is_in(list(values)).fill_null(False)
    return mask.to_numpy().astype(bool)


def apply_filters(
    frame: ResponseFrame,
    filters: Mapping[str, Sequence[str]],
    k: int | None = None,
    family: Publication | None = None,
) -> pl.DataFrame:
    """The rows of the frame that match every filter; none when they are not a group whose figures may be
    published (k: the disclosure threshold, the questionnaire's by default; ``family``: the published
    family to check against, the frame's own by default — an earlier wave folded into a later
    questionnaire is checked against the family of the wave as it was)."""
    mask = filter_mask(frame, filters)
    if not (family or publication_of(frame, k)).allows(mask):
        mask[:] = False
    return frame.df.filter(pl.Series(mask))


# -------------------------------------------------------------------------------------- derived figures


def rankings(
    questionnaire: Questionnaire, results: Mapping[str, QuestionResult]
) -> dict[str, dict[str, list[RankedRow]]]:
    """Matrix rows ranked by the share choosing each option; ties keep the questionnaire's order."""
    ranked: dict[str, dict[str, list[RankedRow]]] = {}
    for question in questionnaire.questions():
        rows = results[question.id].rows
        if rows is None:
            continue  # only a question of rows (a matrix) has its rows ranked
        order = [r.id for r in question.rows]  # type: ignore[attr-defined]
        ranked[question.id] = {}
        for option in question.option_ids():  # type: ignore[attr-defined]
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
    codebooks: Sequence[Codebook] = (),
    coded: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    tests: bool = True,
    family: Publication | None = None,
) -> AnalysisResult:
    """All figures of the questionnaire's questions, optionally for a subset and broken down by a group.

    ``codebooks`` rank the themes of open questions; ``coded`` (question -> response id -> codes) gives the
    codes as stored by an analyst, otherwise the codebooks' rules code the answers (an earlier wave's
    changes are added by ``analysis.compare.compare``). ``tests=False`` leaves out the breakdown's tests of
    independence."""
    questionnaire = frame.questionnaire
    filters = {key: list(values) for key, values in (filters or {}).items()}
    k = k if k is not None else questionnaire.disclosure_threshold
    withheld = False
    view = filter_mask(frame, filters) if filters else np.ones(frame.n, dtype=bool)
    if family is None and (filters or by):
        family = publication_of(frame, k)
    if family is not None and filters and not family.allows(view):
        withheld, view = True, np.zeros(frame.n, dtype=bool)
    df = frame.df.filter(pl.Series(view)) if filters else frame.df
    rows = np.flatnonzero(view)

    def publishable(members: np.ndarray) -> bool:
        """Whether a group of the view's rows may have its figures shown."""
        whole = np.zeros(frame.n, dtype=bool)
        whole[rows[members]] = True
        return family is None or family.allows(whole)

    columns = coded_columns(frame, df)
    results = columns.overall(lambda: _overall(questionnaire, columns))
    organisations: dict[str, int] = dict.fromkeys(ORGANISATION_KINDS, 0)
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
        breakdowns=breakdown(frame, columns, by, k, publishable, tests) if by else None,
        themes={
            cb.question: _themes(cb, df, (coded or {}).get(cb.question))
            for cb in codebooks
            if cb.question in df.columns
        }
        or None,
        skipped_cells=frame.report.skipped_cells,
        withheld=withheld or None,
    )
