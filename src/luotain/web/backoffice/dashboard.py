"""The results dashboard: the analysis of a survey as blocks a template draws (a chart and a table for each
question) and as the rows of the CSV download. Suppressed cells stay suppressed in both."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luotain.analysis import AnalysisResult, ResponseFrame, analyse
from luotain.analysis.breakdown import background_questions
from luotain.analysis.kinds import ANALYSES
from luotain.analysis.results import Change, GroupCell, QuestionResult, ScoreChange
from luotain.present.answers import answer_labels
from luotain.present.figures import rounding_note, shown, shown_shares
from luotain.present.numbers import number, percent
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
from luotain.registry import KINDS
from luotain.responses import neutralise

from .comparison import Shift, shift

DISTRICT = "district"


def option_labels(question: QuestionBase, lang: str) -> dict[str, str]:
    """The question's answers as the dashboard labels them (a scale's points with their numbers)."""
    return answer_labels(question, lang, numbered=True)


def filter_questions(questionnaire: Questionnaire) -> list[SingleChoice]:
    """The background questions, offered as filters and breakdowns (with the district)."""
    return background_questions(questionnaire)  # type: ignore[return-value]  # single choices


@dataclass(frozen=True)
class DashboardKind:
    """How the results dashboard shows a question type beside its figures (the layer "dashboard"):
    ``note``, a line under its figures (a function, so that it is worded in the page's language)."""

    note: Callable[[], str] = lambda: ""


DASHBOARD = TypeLayer[DashboardKind]("dashboard")
DASHBOARD.register(OpenText)(DashboardKind(lambda: _("Open answers are read and coded on the coding page.")))
DASHBOARD.register(MultipleChoice)(
    DashboardKind(lambda: _("Several options could be chosen: the shares may add up to over 100 %."))
)
DASHBOARD.register(SingleChoice, Matrix, Rating, Recommendation, Number, OrganisationPicker)(DashboardKind())


@dataclass
class Bar:
    label: str
    count: int | None
    percent: float | None
    low: float | None = None
    high: float | None = None
    change: Shift | None = None  # from the compared wave

    @property
    def width(self) -> str:
        return f"{self.percent or 0:.1f}"

    @property
    def shown(self) -> str:
        return "–" if self.percent is None else percent(self.percent)

    @property
    def interval(self) -> str:
        if self.low is None or self.high is None:
            return ""
        return f"{number(self.low)}–{number(self.high)} %"


@dataclass
class MatrixRowBars:
    label: str
    n: int
    bars: list[Bar]


@dataclass
class GroupColumn:
    label: str
    n: int | None
    suppressed: bool


@dataclass
class BreakdownTable:
    title: str  # the question, or a matrix row
    columns: list[GroupColumn]
    rows: list[tuple[str, list[str]]]  # option or figure label, a shown value per group


@dataclass
class Block:
    question: QuestionBase
    title: str
    kind: str
    n: int
    skipped: int
    bars: list[Bar] = field(default_factory=list)
    matrix: list[MatrixRowBars] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)  # headline figures: NPS, mean, ...
    note: str = ""
    breakdown: list[BreakdownTable] = field(default_factory=list)
    not_asked_before: bool = False  # the compared wave did not ask it
    not_comparable: bool = False


def _bars(labels: Mapping[str, str], shares: Any) -> list[Bar]:
    return [
        Bar(
            label,
            (shares.counts or {}).get(key),
            (shares.percent or {}).get(key),
            *_interval_of((shares.ci95 or {}).get(key)),
            change=shift((shares.change or {}).get(key)),
        )
        for key, label in labels.items()
    ]


def _interval_of(interval: tuple[float, float] | None) -> tuple[float | None, float | None]:
    return (interval[0], interval[1]) if interval else (None, None)


def _cell(value: float | None, suppressed_text: str, unit: str = "%", change: Shift | None = None) -> str:
    if value is None:
        return suppressed_text
    shown = percent(value) if unit == "%" else number(value, 1)
    return f"{shown} ({change.text}{'*' if change.significant else ''})" if change else shown


def _breakdown_tables(
    question: QuestionBase, result: AnalysisResult, labels: Mapping[str, str], lang: str
) -> list[BreakdownTable]:
    breakdown = result.breakdowns
    if breakdown is None or question.id not in breakdown.questions:
        return []
    figures = breakdown.questions[question.id]
    columns = [GroupColumn(g.label, g.n, g.suppressed) for g in breakdown.groups]
    hidden = _("suppressed")

    def table(title: str, cells: Mapping[str, GroupCell]) -> BreakdownTable:
        ids = [g.id for g in breakdown.groups]
        rows: list[tuple[str, list[str]]] = [
            (
                label,
                [
                    _cell(
                        (cells[g].percent or {}).get(key), "–", change=shift((cells[g].change or {}).get(key))
                    )
                    for g in ids
                ],
            )
            for key, label in labels.items()
        ]
        headline = ANALYSES.of(question).headline
        if headline == "agree":
            rows.append((_("mean"), [_cell(cells[g].mean, "–", "") for g in ids]))
        if headline == "nps":  # the recommendation: NPS and the mean in place of its eleven shares
            rows = [(_("NPS"), [_cell(cells[g].nps, "–", "") for g in ids])]
            rows.append((_("mean"), [_cell(cells[g].mean, "–", "") for g in ids]))
        rows.insert(0, (_("n"), [hidden if cells[g].suppressed else str(cells[g].n) for g in ids]))
        return BreakdownTable(title, columns, rows)

    if figures.rows:  # a question of rows (a matrix): a table a row
        row_labels = {r.id: r.text.get(lang) for r in getattr(question, "rows", ())}
        return [table(row_labels.get(row, row), cells) for row, cells in figures.rows.items()]
    if figures.groups:
        return [table(question.text.get(lang), figures.groups)]
    return []


def build_blocks(questionnaire: Questionnaire, result: AnalysisResult, lang: str) -> list[Block]:
    blocks = []
    for question in questionnaire.questions():
        figures: QuestionResult = result.questions[question.id]
        labels = option_labels(question, lang)
        block = Block(question, question.text.get(lang), question.type_name, figures.n, figures.skipped)
        if figures.rows:  # a question of rows (a matrix)
            block.matrix = [
                MatrixRowBars(r.text.get(lang), figures.rows[r.id].n, _bars(labels, figures.rows[r.id]))
                for r in getattr(question, "rows", ())
                if r.id in figures.rows
            ]
        elif labels and figures.percent is not None:
            block.bars = _bars(labels, figures)
        if figures.nps is not None:
            low, high = figures.nps_ci95 or (None, None)
            block.figures = [
                (_("NPS"), f"{number(figures.nps)}{_interval(low, high, 0)}"),
                (_("promoters"), percent(figures.promoters or 0)),
                (_("passives"), percent(figures.passives or 0)),
                (_("detractors"), percent(figures.detractors or 0)),
            ]
        if ANALYSES.of(question).scale is not None and figures.mean is not None:
            low, high = figures.mean_ci95 or (None, None)
            block.figures.append((_("mean"), f"{number(figures.mean, 2)}{_interval(low, high, 2)}"))
        if figures.agree_percent is not None:
            block.figures.append((_("agree"), percent(figures.agree_percent)))
        block.figures += _changes(figures, result)
        block.not_asked_before = bool(figures.not_asked_before)
        block.not_comparable = figures.not_comparable is not None
        if figures.organisations:
            block.figures = [
                (
                    KINDS[kind].name(lang, plural=True) if kind in KINDS else kind,
                    _("%(answered)s of %(total)s")
                    % {"answered": result.coverage[kind].answered, "total": result.coverage[kind].total},
                )
                for kind in figures.organisations
                if kind in result.coverage
            ]
        block.note = " ".join(n for n in (DASHBOARD.of(question).note(), _rounding(block, figures)) if n)
        block.breakdown = _breakdown_tables(question, result, labels, lang)
        blocks.append(block)
    return blocks


def _rounding(block: Block, figures: QuestionResult) -> str:
    """The note under a distribution (a row of a matrix) whose shares as shown do not add up to 100."""
    if figures.multiple:
        return ""
    for bars in [block.bars, *(row.bars for row in block.matrix)]:
        note = rounding_note(shown_shares(b.percent or 0.0 for b in bars), get_language() or "fi")
        if note:
            return note
    return ""


def _changes(figures: QuestionResult, result: AnalysisResult) -> list[tuple[str, str]]:
    """Headline figures' changes from the compared wave: '−3 (−18…+11)', starred when beyond the noise."""
    if result.comparison is None:
        return []
    wave = result.comparison.wave
    shown = []
    for label, change, digits in (
        (_("NPS change since %(wave)s"), figures.nps_change, 0),
        (_("agree, change since %(wave)s (percentage points)"), figures.agree_change, 0),
        (_("mean, change since %(wave)s"), figures.mean_change, 2),
    ):
        moved = shift(change, digits)
        if moved is not None:
            star = "*" if moved.significant else ""
            shown.append((label % {"wave": wave}, f"{moved.text}{star} ({moved.interval})"))
    return shown


def run(frame: ResponseFrame, filters: Mapping[str, Sequence[str]], by: str | None, k: int) -> AnalysisResult:
    return analyse(frame, by=by or None, filters=filters, k=k)


def csv_text(questionnaire: Questionnaire, result: AnalysisResult, lang: str) -> str:
    """The figures of the current view, one line a figure; suppressed cells are empty and marked. Each share
    (or score) twice: as computed (two decimals) and as every page, deck and table shows it. Compared
    with an earlier wave, each line also has the change (percentage points, or NPS points) with its interval
    and p-value."""
    out = io.StringIO()
    writer = csv.writer(out)
    compared = result.comparison is not None

    def write(cells: list[Any], change: Change | ScoreChange | None = None) -> None:
        if len(cells) == 10:  # a figure: its share (or score) as computed and as shown, its interval
            share, low, high = cells[6:9]
            cells = [*cells[:6], _r(share), _shown(share), _r(low), _r(high), cells[9]]
            if compared:
                cells += _change_cells(change)
        # Text cells (question, row, option, group) neutralised for spreadsheets; the figures stay numbers.
        writer.writerow([neutralise(c) if i < 4 and isinstance(c, str) else c for i, c in enumerate(cells)])

    header = [
        "question",
        "row",
        "option",
        "group",
        "n",
        "count",
        "percent",
        "percent_shown",
        "ci95_low",
        "ci95_high",
    ]
    changes = ["change", "change_ci95_low", "change_ci95_high", "change_p_value"] if compared else []
    writer.writerow([*header, "suppressed", *changes])
    filters = "; ".join(f"{key}={','.join(values)}" for key, values in result.filters.items())
    for question in questionnaire.questions():
        figures = result.questions[question.id]
        labels = option_labels(question, lang)
        if figures.rows:
            for row_id, shares in figures.rows.items():
                for key in labels:
                    low, high = shares.ci95.get(key) or (None, None)
                    write(
                        [
                            question.id,
                            row_id,
                            key,
                            "",
                            shares.n,
                            shares.counts.get(key),
                            (shares.percent.get(key)),
                            (low),
                            (high),
                            "",
                        ],
                        (shares.change or {}).get(key),
                    )
        elif labels and figures.percent is not None:
            for key in labels:
                low, high = (figures.ci95 or {}).get(key) or (None, None)
                write(
                    [
                        question.id,
                        "",
                        key,
                        "",
                        figures.n,
                        (figures.counts or {}).get(key),
                        (figures.percent.get(key)),
                        (low),
                        (high),
                        "",
                    ],
                    (figures.change or {}).get(key),
                )
        else:
            write([question.id, "", "", "", figures.n, "", "", "", "", ""])
        if figures.nps is not None:
            low, high = figures.nps_ci95 or (None, None)
            write(
                [question.id, "", "NPS", "", figures.n, "", (figures.nps), (low), (high), ""],
                figures.nps_change,
            )
        breakdown = result.breakdowns
        if breakdown is None or question.id not in breakdown.questions:
            continue
        per_question = breakdown.questions[question.id]
        tables = per_question.rows.items() if per_question.rows else [("", per_question.groups or {})]
        for row_id, cells in tables:
            for group, cell in cells.items():
                for key in labels:
                    count = (cell.counts or {}).get(key)
                    share = (cell.percent or {}).get(key)
                    low, high = (cell.ci95 or {}).get(key) or (None, None)
                    hidden = (
                        cell.suppressed or (count is None and cell.counts is not None) or cell.counts is None
                    )
                    write(
                        [
                            question.id,
                            row_id,
                            key,
                            f"{breakdown.by}={group}",
                            "" if cell.suppressed else cell.n,
                            "" if count is None else count,
                            (share),
                            (low),
                            (high),
                            "yes" if hidden else "",
                        ],
                        (cell.change or {}).get(key),
                    )
    if filters:
        write([])
        write([f"filters: {filters}"])
    return out.getvalue()


def _change_cells(change: Change | ScoreChange | None) -> list[str]:
    if change is None:
        return ["", "", "", ""]
    low, high = change.ci95
    difference = change.pp if isinstance(change, Change) else change.difference
    return [
        _r(difference),
        _r(low),
        _r(high),
        "<0.001" if change.p_value < 0.001 else f"{change.p_value:.2g}",
    ]


def _interval(low: float | None, high: float | None, digits: int) -> str:
    if low is None or high is None:
        return ""
    return (
        " ("
        + _("95 %% interval %(low)s–%(high)s") % {"low": number(low, digits), "high": number(high, digits)}
        + ")"
    )


def _r(value: float | str | None) -> str:
    return "" if value is None or value == "" else f"{float(value):.2f}"


def _shown(value: float | str | None) -> str:
    return "" if value is None or value == "" else f"{shown(float(value)):.0f}"
