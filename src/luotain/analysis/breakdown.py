"""Breakdowns: every question's figures per group (organisation type, district, role, ...), with
disclosure control and a test of independence per table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl

from luotain.errors import InvalidInput
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
from luotain.questionnaire.layers import TypeLayer

from .codes import Coded, CodedColumns, Multi
from .frame import ResponseFrame
from .kinds import ANALYSES, scale_figures
from .results import Breakdown, Group, GroupCell, QuestionBreakdown, Test
from .stats import independence_test, shown_p, wilson

DISTRICT = "district"


class AnalysisError(InvalidInput, ValueError):
    """A request the analysis cannot answer (an unknown breakdown or filter)."""


def district_column(frame: ResponseFrame, df: pl.DataFrame) -> pl.Series:
    orgs = [q for q in frame.questionnaire.questions() if ANALYSES.of(q).organisation]
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


def _groups(frame: ResponseFrame, columns: CodedColumns, by: str) -> tuple[Coded, list[str]]:
    """Codes of the grouping variable (its labels are the group ids) and the groups' names (Finnish)."""
    if by == DISTRICT:
        slugs = [d.slug for d in frame.registry.districts]
        coded = columns.derived(DISTRICT, lambda: district_column(frame, columns.df), slugs)
        return coded, [d.name_fi for d in frame.registry.districts]
    question = background_question(frame, by, "break down by")
    codes = ANALYSES.of(question).codes
    assert codes is not None  # a type that groups has its answers as one coded column
    return codes(question, columns), [o.label.fi for o in question.options]


def single_choice(frame: ResponseFrame, key: str, verb: str) -> SingleChoice:
    """The question a breakdown or a filter names, of a type that groups respondents (a single choice);
    a clear error for anything else."""
    try:
        question = frame.questionnaire.question(key)
    except KeyError:
        raise AnalysisError(f"cannot {verb} '{key}': not a question, nor 'district'") from None
    if not ANALYSES.of(question).groups:
        raise AnalysisError(f"cannot {verb} '{key}': only by a single choice question or 'district'")
    return question  # type: ignore[return-value]  # a type that groups has options as a single choice


def background_questions(questionnaire: Questionnaire) -> list[QuestionBase]:
    """The questions that say who a respondent is (the single choice ones of the first section): with the
    MLL district, what the results can be filtered and broken down by, and what disclosure control
    protects groups of."""
    first = questionnaire.sections[0].questions if questionnaire.sections else []
    return [q for q in first if ANALYSES.of(q).groups]


def background_question(frame: ResponseFrame, key: str, verb: str) -> SingleChoice:
    """The background question a filter or breakdown names; a clear error for any other question (groups
    by other answers are groups disclosure control does not know)."""
    question = single_choice(frame, key, verb)
    if question.id not in {q.id for q in background_questions(frame.questionnaire)}:
        raise AnalysisError(
            f"cannot {verb} '{key}': only by a background question (a single choice of the first section) "
            "or 'district'"
        )
    return question


def _crosstab(groups: Coded, codes: np.ndarray, size: int) -> np.ndarray:
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
) -> dict[str, GroupCell]:
    """Each group's counts, shares and intervals; a hidden group has none. A shown group is shown whole:
    disclosure control decides which groups may be shown (``analysis.disclosure``), and hiding some of a
    shown group's cells would protect nothing while its n, mean and NPS stood beside them."""
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
            if n == 0:
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
    return Test(
        method=result.method, statistic=result.statistic, df=result.df, p_value=shown_p(result.p_value)
    )


NO_TEST = "no test: fewer than two groups or options with answers above the disclosure threshold"


def _multi_crosstab(multi: Multi, groups: Coded) -> np.ndarray:
    """Groups × options counts of a multiple choice: each chosen option takes its respondent's group."""
    repeated = Coded(np.repeat(groups.codes, multi.lengths), groups.labels)
    return _crosstab(repeated, multi.flat, len(multi.labels))


TestOf = Callable[[np.ndarray, np.ndarray], "Test | None"]
QuestionBreaker = Callable[
    [Any, CodedColumns, Coded, Sequence[str], np.ndarray, int, TestOf, bool], "QuestionBreakdown | None"
]

# What a breakdown does with each question type: its figures per group (None: not broken down).
BREAKDOWNS = TypeLayer[QuestionBreaker]("analysis breakdown")


@BREAKDOWNS.register(Matrix)
def _matrix_breakdown(
    question: Matrix,
    columns: CodedColumns,
    groups: Coded,
    group_ids: Sequence[str],
    group_hidden: np.ndarray,
    k: int,
    test_of: TestOf,
    tests: bool,
) -> QuestionBreakdown | None:
    labels = list(question.option_ids())
    rows: dict[str, dict[str, GroupCell]] = {}
    row_tests: dict[str, Test | None] = {}
    for row in question.rows:
        coded = columns.coded(question.row_column(row.id), labels)
        table = _crosstab(groups, coded.codes, coded.size)
        rows[row.id] = _cells(table, table.sum(axis=1), labels, group_ids, group_hidden)
        row_tests[row.id] = test_of(table, group_hidden)
    return QuestionBreakdown(rows=rows, tests=row_tests if tests else None)


@BREAKDOWNS.register(MultipleChoice)
def _multi_breakdown(
    question: MultipleChoice,
    columns: CodedColumns,
    groups: Coded,
    group_ids: Sequence[str],
    group_hidden: np.ndarray,
    k: int,
    test_of: TestOf,
    tests: bool,
) -> QuestionBreakdown | None:
    multi = columns.multi(question.id, question.option_ids())
    table = _multi_crosstab(multi, groups)
    sizes = np.bincount(groups.codes[multi.answered], minlength=groups.size + 1)[: groups.size]
    cells = _cells(table, sizes, multi.labels, group_ids, group_hidden)
    option_tests = {
        label: test_of(np.stack([table[:, j], sizes - table[:, j]], axis=1), group_hidden)
        for j, label in enumerate(multi.labels)
    }
    return QuestionBreakdown(groups=cells, tests=option_tests if tests else None)


@BREAKDOWNS.register(SingleChoice, Rating, Recommendation)
def _coded_breakdown(
    question: QuestionBase,
    columns: CodedColumns,
    groups: Coded,
    group_ids: Sequence[str],
    group_hidden: np.ndarray,
    k: int,
    test_of: TestOf,
    tests: bool,
) -> QuestionBreakdown | None:
    """A question whose answers are one option each: its options per group, and a scale's mean and NPS."""
    analysis = ANALYSES.of(question)
    assert analysis.codes is not None
    coded = analysis.codes(question, columns)
    table = _crosstab(groups, coded.codes, coded.size)
    cells = _cells(table, table.sum(axis=1), coded.labels, group_ids, group_hidden)
    if analysis.scale is not None:
        for g, gid in enumerate(group_ids):
            n = cells[gid].n
            if n is None or n == 0:
                continue
            figures = scale_figures(question, table[g])
            extra = {"mean": figures["mean"]}
            if "nps" in figures:
                extra["nps"] = figures["nps"]
            cells[gid] = cells[gid].model_copy(update=extra)
    test = test_of(table, group_hidden)
    return QuestionBreakdown(groups=cells, test=test, warning=None if test or not tests else NO_TEST)


@BREAKDOWNS.register(OpenText, Number, OrganisationPicker)
def _not_broken_down(
    question: QuestionBase,
    columns: CodedColumns,
    groups: Coded,
    group_ids: Sequence[str],
    group_hidden: np.ndarray,
    k: int,
    test_of: TestOf,
    tests: bool,
) -> QuestionBreakdown | None:
    """Open answers, numbers and organisations are not broken down."""
    return None


def _no_test(table: np.ndarray, group_hidden: np.ndarray) -> Test | None:
    return None


def breakdown(
    frame: ResponseFrame,
    columns: CodedColumns,
    by: str,
    k: int,
    publishable: Callable[[np.ndarray], bool],
    tests: bool = True,
) -> Breakdown:
    """Every question's figures per group; a group is shown when ``publishable`` (given its rows of the
    view) says so. ``tests``: with a test of independence per table, over the shown groups only."""
    groups, labels = _groups(frame, columns, by)
    group_ids = groups.labels
    sizes = groups.counts()
    group_hidden = np.array([not publishable(groups.codes == g) for g in range(len(group_ids))], dtype=bool)
    questions: dict[str, QuestionBreakdown] = {}
    for question in frame.questionnaire.questions():
        if question.id == by:
            continue
        result = BREAKDOWNS.of(question)(
            question, columns, groups, group_ids, group_hidden, k, _test_of if tests else _no_test, tests
        )
        if result is not None:
            questions[question.id] = result
    return Breakdown(
        by=by,
        k=k,
        ungrouped=int(len(groups.codes) - sizes.sum()),
        groups=[
            Group(id=gid, label=label, n=None if hidden else int(n), suppressed=bool(hidden))
            for gid, label, n, hidden in zip(group_ids, labels, sizes, group_hidden, strict=True)
        ],
        questions=questions,
    )
