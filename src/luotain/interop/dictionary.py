"""The data dictionary of a questionnaire's response table (the "codebook" sheet of an Excel export, in survey
methods' sense; not a coding scheme of open answers, luotain.text.codebook): every variable an export writes,
with its label, its values and their labels, in one language.

One response-table column is one variable, except a multiple choice, which is one 0/1 variable per option
(a dichotomy) in SPSS. SPSS names are made from the column names (``responsibilities/premises`` becomes
``responsibilities_premises``) and are kept beside them, so a name in SPSS leads back to its column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from luotain.questionnaire import (
    Column,
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

VariableKind = Literal["code", "dichotomy", "integer", "number", "text", "time"]
Measure = Literal["nominal", "ordinal", "scale", "unknown"]

# SPSS: names of at most 64 bytes, starting with a letter, of letters, digits, '_' and '.', not ending in
# '.', unique without regard to case, none of the reserved words.
SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
SPSS_NAME_BYTES = 64
SPSS_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120
SPSS_NOTE_BYTES = 80

WORDS = {
    "response_id": {"fi": "Vastauksen tunnus", "sv": "Svarets id", "en": "Response id"},
    "submitted_at": {"fi": "Lähetetty (UTC)", "sv": "Skickat (UTC)", "en": "Submitted (UTC)"},
    "chosen": {"fi": "valittu", "sv": "vald", "en": "chosen"},
    "not_chosen": {"fi": "ei valittu", "sv": "inte vald", "en": "not chosen"},
    "other": {"fi": "muu, mikä", "sv": "annat, vad", "en": "other, please specify"},
    "organisation_name": {"fi": "nimi", "sv": "namn", "en": "name"},
}


@dataclass(frozen=True)
class Variable:
    """One variable of an export."""

    column: str  # the response-table column it comes from
    spss: str  # its SPSS name
    question: str | None
    question_type: str | None
    kind: VariableKind
    label: str
    # value -> label: option id -> label (kind "code": coded 1..k in this order), point -> label, 0/1.
    values: tuple[tuple[str, str], ...] = ()
    option: str | None = None  # a dichotomy's option id
    measure: Measure = "unknown"
    organisation_names: bool = False  # a string variable of organisation codes, with a *_name beside it

    def codes(self) -> dict[str, int]:
        """Option id -> its SPSS code (1..k in questionnaire order)."""
        return {value: i for i, (value, _label) in enumerate(self.values, start=1)}


@dataclass
class DataDictionary:
    questionnaire: Questionnaire
    lang: str
    variables: list[Variable] = field(default_factory=list)

    def by_column(self) -> dict[str, list[Variable]]:
        out: dict[str, list[Variable]] = {}
        for variable in self.variables:
            out.setdefault(variable.column, []).append(variable)
        return out


def data_dictionary(questionnaire: Questionnaire, lang: str = "fi") -> DataDictionary:
    book = DataDictionary(questionnaire, lang)
    used: set[str] = set()
    book.variables.append(
        Variable(
            "response_id", spss_name("response_id", used), None, None, "text", WORDS["response_id"][lang]
        )
    )
    book.variables.append(
        Variable(
            "submitted_at", spss_name("submitted_at", used), None, None, "time", WORDS["submitted_at"][lang]
        )
    )
    for question in questionnaire.questions():
        for column in question.columns():
            book.variables += _variables(question, column, lang, used)
    return book


def _variables(question: QuestionBase, column: Column, lang: str, used: set[str]) -> list[Variable]:
    text = question.text.get(lang)

    def var(
        label: str,
        kind: VariableKind,
        values: tuple[tuple[str, str], ...] = (),
        measure: Measure = "unknown",
        option: str | None = None,
    ) -> Variable:
        wanted = f"{question.id}_{option}" if option else column.name
        return Variable(
            column.name,
            spss_name(wanted, used),
            question.id,
            question.type_name,
            kind,
            label,
            values,
            option,
            measure,
            organisation_names=column.kind == "organisation",
        )

    if column.kind == "text" and column.name != question.id:  # the free text of an "other" option
        other_option = getattr(question, "other_option", None)
        other = other_option() if other_option else None
        return [var(f"{text}: {other.label.get(lang) if other else WORDS['other'][lang]}", "text")]
    return VARIABLES.of(question)(question, column, text, lang, var)


MakeVariable = Callable[..., Variable]
# The variables each question type's column is in the exports (the layer "export variables"): the question,
# the column, the question's text, the language and ``var`` (label, kind, values, measure, option).
Variables = Callable[[Any, Column, str, str, MakeVariable], list[Variable]]
VARIABLES = TypeLayer[Variables]("export variables")


@VARIABLES.register(MultipleChoice)
def _dichotomies(
    question: MultipleChoice, column: Column, text: str, lang: str, var: MakeVariable
) -> list[Variable]:
    chosen = (("0", WORDS["not_chosen"][lang]), ("1", WORDS["chosen"][lang]))
    return [
        var(f"{text}: {o.label.get(lang)}", "dichotomy", chosen, "nominal", option=o.id)
        for o in question.options
    ]


@VARIABLES.register(SingleChoice)
def _coded(question: SingleChoice, column: Column, text: str, lang: str, var: MakeVariable) -> list[Variable]:
    return [var(text, "code", tuple((o.id, o.label.get(lang)) for o in question.options), "nominal")]


@VARIABLES.register(Matrix)
def _row(question: Matrix, column: Column, text: str, lang: str, var: MakeVariable) -> list[Variable]:
    row = next(r for r in question.rows if r.id == column.row_id)
    values = tuple((o.id, o.label.get(lang)) for o in question.options)
    return [var(f"{text}: {row.text.get(lang)}", "code", values, "nominal")]


@VARIABLES.register(Rating)
def _points(question: Rating, column: Column, text: str, lang: str, var: MakeVariable) -> list[Variable]:
    points = tuple((str(p.value), p.label.get(lang)) for p in question.points)
    return [var(text, "integer", points, "ordinal")]


@VARIABLES.register(Recommendation)
def _zero_to_ten(
    question: Recommendation, column: Column, text: str, lang: str, var: MakeVariable
) -> list[Variable]:
    ends = (("0", question.low_label.get(lang)), ("10", question.high_label.get(lang)))
    return [var(text, "integer", ends, "ordinal")]


@VARIABLES.register(Number)
def _number(question: Number, column: Column, text: str, lang: str, var: MakeVariable) -> list[Variable]:
    unit = f" ({question.unit.get(lang)})" if question.unit else ""
    return [var(text + unit, "integer" if question.integer else "number", measure="scale")]


@VARIABLES.register(OrganisationPicker)
def _organisation(
    question: OrganisationPicker, column: Column, text: str, lang: str, var: MakeVariable
) -> list[Variable]:
    return [var(text, "text", measure="nominal")]


@VARIABLES.register(OpenText)
def _text(question: OpenText, column: Column, text: str, lang: str, var: MakeVariable) -> list[Variable]:
    return [var(text, "text")]


def spss_name(wanted: str, used: set[str]) -> str:
    """A valid SPSS variable name from ``wanted``, unique (without regard to case) in ``used``, which it
    joins: ``responsibilities/premises`` → ``responsibilities_premises``."""
    text = unicodedata.normalize("NFKD", wanted).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9_.]+", "_", text).strip("_.") or "v"
    if not text[0].isalpha():
        text = f"v_{text}"
    if text.upper() in SPSS_RESERVED:
        text = f"{text}_"
    text = text[:SPSS_NAME_BYTES]
    candidate, n = text, 2
    while candidate.upper() in {u.upper() for u in used}:
        suffix = f"_{n}"
        candidate, n = text[: SPSS_NAME_BYTES - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8 at a character, ending in '…' when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("…".encode())
    cut = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return cut.rstrip() + "…"
