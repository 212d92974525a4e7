"""XLSForm out: a Luotain questionnaire as an XLSForm workbook that pyxform converts to an XForm (for ODK
Collect, KoboToolbox, Enketo), and that ``xlsform_read`` reads back into the same questionnaire.

Each page is a group (``field-list``: one screen), each matrix a ``table-list`` group of ``select_one`` rows,
a rating a ``select_one`` with the ``likert`` appearance, a recommendation an ``integer`` from 0 to 10, an
"other" option a ``NAME_other`` text shown when it is chosen, an organisation picker a ``select_one`` of the
registry narrowed by the organisation type (``choice_filter``). What XLSForm has no column for (a rating's
agreeing points, a recommendation's end labels, a number's unit, the questionnaire's privacy notice, ...)
goes into the ``luotain`` column as YAML, which pyxform ignores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from luotain.questionnaire import (
    Condition,
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
    Text,
)
from luotain.questionnaire.layers import TypeLayer
from luotain.questionnaire.model import Option
from luotain.registry import default_registry

from .sheets import append_rows
from .xlsform import (
    EXTRA_COLUMN,
    LANGUAGE_NAMES,
    ORG_FILTER_COLUMN,
    TEXT_MAX_LENGTH_DEFAULT,
    XlsFormError,
    language_column,
    quote,
    unique_name,
)

# Fields of each model that the XLSForm columns carry; the rest (when not the default) go to EXTRA_COLUMN.
_EXPRESSED = {
    "id",
    "type",
    "text",
    "help",
    "required",
    "show_if",
    "options",
    "rows",
    "points",
    "minimum",
    "maximum",
    "integer",
    "long",
    "max_length",
    "max_choices",
    "type_question",
    "types",
    "label",
    "other",
}
_QUESTIONNAIRE_EXPRESSED = {"id", "languages", "sections", "intro", "thanks"}


class _Sheet:
    def __init__(self, columns: list[str]):
        self.columns = columns
        self.rows: list[dict[str, Any]] = []

    def add(self, **cells: Any) -> None:
        self.rows.append(cells)

    def table(self) -> list[list[Any]]:
        return [self.columns, *([row.get(c, "") for c in self.columns] for row in self.rows)]


class _Writer:
    def __init__(self, questionnaire: Questionnaire):
        self.q = questionnaire
        self.langs = list(questionnaire.languages)
        text_columns = [language_column(base, lang) for base in ("label", "hint") for lang in self.langs]
        self.survey = _Sheet(
            [
                "type",
                "name",
                *text_columns,
                "required",
                "relevant",
                "constraint",
                "appearance",
                "choice_filter",
                EXTRA_COLUMN,
            ]
        )
        self.choices = _Sheet(
            ["list_name", "name", *(language_column("label", lang) for lang in self.langs), ORG_FILTER_COLUMN]
        )
        self.names = {q.id for q in questionnaire.questions()}
        self.kinds = {q.id: q for q in questionnaire.questions()}
        self.lists: set[str] = set()

    def name(self, wanted: str) -> str:
        """A name for a row that no question has."""
        return unique_name(wanted, self.names)

    def texts(self, base: str, text: Text | None) -> dict[str, str]:
        if text is None:
            return {}
        return {language_column(base, lang): getattr(text, lang) or "" for lang in self.langs}

    def relevant(self, condition: Condition | None) -> str:
        if condition is None:
            return ""
        target = self.kinds[condition.question]
        kind = target.columns()[0].kind  # a condition names a question of one column of answers
        if kind == "choices":
            terms = [f"selected(${{{target.id}}}, {quote(str(v))})" for v in condition.values()]
        else:
            numeric = kind in ("integer", "number")
            terms = [f"${{{target.id}}} = {quote(v if numeric else str(v))}" for v in condition.values()]
        return " or ".join(terms)

    def choice_list(self, list_name: str, options: list[Option]) -> None:
        for option in options:
            extra = _extra(option.model_dump(mode="json", exclude_defaults=True), {"id", "label", "other"})
            self.choices.add(list_name=list_name, name=option.id, **self.texts("label", option.label))
            if extra:
                self.choices.rows[-1][EXTRA_COLUMN] = extra
                if EXTRA_COLUMN not in self.choices.columns:
                    self.choices.columns.append(EXTRA_COLUMN)

    def list_name(self, wanted: str) -> str:
        return unique_name(wanted, self.lists)

    def write(self) -> dict[str, list[list[Any]]]:
        q = self.q
        if q.intro:
            self.survey.add(type="note", name=self.name("intro"), **self.texts("label", q.intro))
        for section in q.sections:
            self.survey.add(
                type="begin_group",
                name=self.name(section.id),
                appearance="field-list",
                relevant=self.relevant(section.show_if),
                **self.texts("label", section.title),
            )
            if section.description:
                self.survey.add(
                    type="note",
                    name=self.name(f"{section.id}_description"),
                    **self.texts("label", section.description),
                )
            for question in section.questions:
                self.question(question)
            self.survey.add(type="end_group")
        if q.thanks:
            self.survey.add(type="note", name=self.name("thanks"), **self.texts("label", q.thanks))
        settings_extra = _extra(q.model_dump(mode="json", exclude_defaults=True), _QUESTIONNAIRE_EXPRESSED)
        settings = {
            "form_title": q.title.fi,
            "form_id": q.id,
            "default_language": f"{LANGUAGE_NAMES['fi']} (fi)",
            EXTRA_COLUMN: settings_extra,
        }
        return {
            "survey": self.survey.table(),
            "choices": self.choices.table(),
            "settings": [list(settings), list(settings.values())],
        }

    def question(self, question: QuestionBase) -> None:
        common: dict[str, Any] = {
            "name": question.id,
            "required": "yes" if question.required else "",
            "relevant": self.relevant(question.show_if),
            EXTRA_COLUMN: _extra(question.model_dump(mode="json", exclude_defaults=True), _EXPRESSED),
            **self.texts("label", question.text),
            **self.texts("hint", question.help),
        }
        XLSFORM_WRITERS.of(question)(self, question, common)

    def organisations(self, question: OrganisationPicker, common: dict[str, Any]) -> None:
        registry = default_registry()
        list_name = self.list_name(question.id)
        for kind in question.types:
            for org in registry.of_kind(kind):
                labels = {
                    language_column("label", lang): org.name_sv
                    if lang == "sv" and org.name_sv
                    else org.name_fi
                    for lang in self.langs
                }
                self.choices.add(list_name=list_name, name=org.code, **{ORG_FILTER_COLUMN: kind}, **labels)
        choice_filter = f"{ORG_FILTER_COLUMN}=${{{question.type_question}}}" if question.type_question else ""
        self.survey.add(
            type=f"select_one {list_name}", appearance="minimal", choice_filter=choice_filter, **common
        )


# How each question type is written as XLSForm rows (the layer "XLSForm out"): the writer, the question and
# the columns every question's row shares (name, required, relevant, labels, hints).
Write = Callable[[_Writer, Any, dict[str, Any]], None]
XLSFORM_WRITERS = TypeLayer[Write]("XLSForm out")


@XLSFORM_WRITERS.register(SingleChoice, MultipleChoice)
def _choice(w: _Writer, question: SingleChoice | MultipleChoice, common: dict[str, Any]) -> None:
    list_name = w.list_name(question.id)
    w.choice_list(list_name, question.options)
    limit = getattr(question, "max_choices", None)
    kind = "select_multiple" if question.columns()[0].kind == "choices" else "select_one"
    constraint = f"count-selected(.) <= {limit}" if limit else ""
    w.survey.add(type=f"{kind} {list_name}", constraint=constraint, **common)
    other = question.other_option()
    if other is not None:
        w.survey.add(
            type="text",
            name=w.name(f"{question.id}_other"),
            relevant=f"selected(${{{question.id}}}, {quote(other.id)})",
            **w.texts("label", other.label),
        )


@XLSFORM_WRITERS.register(Matrix)
def _matrix(w: _Writer, question: Matrix, common: dict[str, Any]) -> None:
    list_name = w.list_name(question.id)
    w.choice_list(list_name, question.options)
    required = common.pop("required")
    w.survey.add(type="begin_group", appearance="table-list", **common)
    for row in question.rows:
        w.survey.add(
            type=f"select_one {list_name}",
            name=w.name(f"{question.id}_{row.id}"),
            required=required,
            **w.texts("label", row.text),
        )
    w.survey.add(type="end_group")


@XLSFORM_WRITERS.register(Rating)
def _rating(w: _Writer, question: Rating, common: dict[str, Any]) -> None:
    list_name = w.list_name(question.id)
    for point in question.points:
        w.choices.add(list_name=list_name, name=str(point.value), **w.texts("label", point.label))
    w.survey.add(type=f"select_one {list_name}", appearance="likert", **common)


@XLSFORM_WRITERS.register(Recommendation)
def _recommendation(w: _Writer, question: Recommendation, common: dict[str, Any]) -> None:
    w.survey.add(type="integer", constraint=". >= 0 and . <= 10", **common)


@XLSFORM_WRITERS.register(Number)
def _number_question(w: _Writer, question: Number, common: dict[str, Any]) -> None:
    bounds = []
    if question.minimum is not None:
        bounds.append(f". >= {_number(question.minimum)}")
    if question.maximum is not None:
        bounds.append(f". <= {_number(question.maximum)}")
    kind = "integer" if question.integer else "decimal"
    w.survey.add(type=kind, constraint=" and ".join(bounds), **common)


@XLSFORM_WRITERS.register(OpenText)
def _text(w: _Writer, question: OpenText, common: dict[str, Any]) -> None:
    constraint = ""
    if question.max_length != TEXT_MAX_LENGTH_DEFAULT:
        constraint = f"string-length(.) <= {question.max_length}"
    w.survey.add(
        type="text", appearance="multiline" if question.long else "", constraint=constraint, **common
    )


@XLSFORM_WRITERS.register(OrganisationPicker)
def _organisation(w: _Writer, question: OrganisationPicker, common: dict[str, Any]) -> None:
    w.organisations(question, common)


def _extra(dumped: dict[str, Any], expressed: set[str]) -> str:
    rest = {k: v for k, v in dumped.items() if k not in expressed}
    if not rest:
        return ""
    return yaml.safe_dump(
        rest, default_flow_style=True, allow_unicode=True, sort_keys=False, width=10_000
    ).strip()


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def xlsform_tables(questionnaire: Questionnaire) -> dict[str, list[list[Any]]]:
    """The sheets of the XLSForm (survey, choices, settings) as rows of cells."""
    return _Writer(questionnaire).write()


def write_xlsform(questionnaire: Questionnaire, path: str | Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in xlsform_tables(questionnaire).items():
        append_rows(book.create_sheet(name), rows)
    book.save(path)


def check_xlsform(path: str | Path) -> list[str]:
    """Convert the XLSForm with pyxform (without ODK Validate, which needs Java): its warnings, or
    ``XlsFormError`` with pyxform's error."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    warnings: list[str] = []
    try:
        convert(str(path), warnings=warnings, validate=False)
    except PyXFormError as exc:
        raise XlsFormError(f"pyxform: {exc}") from None
    return warnings
