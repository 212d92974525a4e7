"""The respondent's form: questions of one section turned into what the templates show, and POST data back
into answers. Checking the answers is ``luotain.responses.answers``'s job; this module only words the
problems in the respondent's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

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
    Section,
    SingleChoice,
)
from luotain.questionnaire.layers import TypeLayer
from luotain.registry import KINDS, MUNICIPALITY
from luotain.responses import visible_questions
from luotain.responses.answers import AnswerProblem, OrgKindLookup, check_question
from luotain.web.partners.services import organisations_for_picker


def html_id(name: str) -> str:
    return "q-" + name.replace("/", "--")


@dataclass
class Choice:
    value: str
    label: str
    input_id: str
    checked: bool = False
    other: bool = False


@dataclass
class Row:
    id: str
    label: str
    name: str
    input_id: str
    choices: list[Choice]
    error: str | None = None


@dataclass
class Field:
    question: QuestionBase
    kind: str
    label: str
    help: str
    required: bool
    name: str
    input_id: str
    value: str = ""
    choices: list[Choice] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    column_labels: list[str] = field(default_factory=list)
    groups: list[tuple[str, list[Choice]]] = field(default_factory=list)
    other_name: str = ""
    other_id: str = ""
    other_value: str = ""
    other_error: str | None = None
    error: str | None = None
    low_label: str = ""
    high_label: str = ""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    unit: str = ""

    @property
    def has_error(self) -> bool:
        return bool(self.error or self.other_error or any(r.error for r in self.rows))

    @property
    def describedby(self) -> str:
        ids = []
        if self.help:
            ids.append(f"{self.input_id}-help")
        if self.error:
            ids.append(f"{self.input_id}-error")
        return " ".join(ids)


def raw_values(section: Section, post: QueryDict) -> dict[str, Any]:
    """What the respondent typed or chose on this page, by column."""
    raw: dict[str, Any] = {}
    for question in section.questions:
        for column in question.columns():
            if column.kind == "choices":
                raw[column.name] = post.getlist(column.name)
            else:
                raw[column.name] = post.get(column.name, "")
    return raw


def check_section(
    questionnaire: Questionnaire,
    section: Section,
    raw: dict[str, Any],
    earlier: dict[str, Any],
    org_kind: OrgKindLookup,
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """Clean values of the section's shown questions and the problems found."""
    shown = set(visible_questions(questionnaire, earlier))
    values: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for question in section.questions:
        if question.id not in shown:
            continue
        q_values, q_problems = check_question(question, raw, org_kind, earlier)
        values.update(q_values)
        problems += q_problems
    return values, problems


def display_values(answers: dict[str, Any]) -> dict[str, Any]:
    """Stored answers in the shape of raw form values (strings, or lists of strings)."""
    return {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in answers.items()}


def build_fields(
    questionnaire: Questionnaire,
    section: Section,
    shown_values: dict[str, Any],
    earlier: dict[str, Any],
    problems: list[AnswerProblem],
    lang: str,
) -> list[Field]:
    shown = set(visible_questions(questionnaire, earlier))
    messages = {p.column: problem_message(p, questionnaire) for p in problems}
    return [_field(q, shown_values, earlier, messages, lang) for q in section.questions if q.id in shown]


def _field(
    q: QuestionBase, values: dict[str, Any], earlier: dict[str, Any], messages: dict[str, str], lang: str
) -> Field:
    f = Field(
        question=q,
        kind=q.type_name,
        label=q.text.get(lang),
        help=q.help.get(lang) if q.help else "",
        required=q.required,
        name=q.id,
        input_id=html_id(q.id),
        error=messages.get(q.id),
    )
    WIDGETS.of(q)(f, q, values, earlier, messages, lang)
    return f


# How each question type is shown on the respondent's page (the layer "form widget"): what a widget adds to
# the field (its choices, rows, labels of a scale's ends, ...) from the values shown and the earlier answers;
# the template (collect/question.html) draws it by the field's ``kind``.
Widget = Callable[[Field, Any, dict[str, Any], dict[str, Any], dict[str, str], str], None]
WIDGETS = TypeLayer[Widget]("form widget")


@WIDGETS.register(SingleChoice, MultipleChoice)
def _choices(
    f: Field,
    q: SingleChoice | MultipleChoice,
    values: dict[str, Any],
    earlier: dict[str, Any],
    messages: dict[str, str],
    lang: str,
) -> None:
    value = values.get(q.id)
    picked = set(value) if isinstance(value, list) else {value}
    f.choices = [
        Choice(o.id, o.label.get(lang), f"{f.input_id}-{o.id}", o.id in picked, o.other) for o in q.options
    ]
    if q.other_option() is not None:
        f.other_name = q.other_column()
        f.other_id = html_id(q.other_column())
        f.other_value = values.get(q.other_column(), "")
        f.other_error = messages.get(q.other_column())


@WIDGETS.register(Matrix)
def _matrix(
    f: Field, q: Matrix, values: dict[str, Any], earlier: dict[str, Any], messages: dict[str, str], lang: str
) -> None:
    f.column_labels = [o.label.get(lang) for o in q.options]
    for r in q.rows:
        name = q.row_column(r.id)
        rid = html_id(name)
        choices = [
            Choice(o.id, o.label.get(lang), f"{rid}-{o.id}", values.get(name) == o.id) for o in q.options
        ]
        f.rows.append(Row(r.id, r.text.get(lang), name, rid, choices, messages.get(name)))


@WIDGETS.register(Rating)
def _rating(
    f: Field, q: Rating, values: dict[str, Any], earlier: dict[str, Any], messages: dict[str, str], lang: str
) -> None:
    value = str(values.get(q.id))
    f.choices = [
        Choice(str(p.value), p.label.get(lang), f"{f.input_id}-{p.value}", value == str(p.value))
        for p in q.points
    ]


@WIDGETS.register(Recommendation)
def _recommendation(
    f: Field,
    q: Recommendation,
    values: dict[str, Any],
    earlier: dict[str, Any],
    messages: dict[str, str],
    lang: str,
) -> None:
    value = str(values.get(q.id))
    f.choices = [Choice(str(v), str(v), f"{f.input_id}-{v}", value == str(v)) for v in range(11)]
    f.low_label = q.low_label.get(lang)
    f.high_label = q.high_label.get(lang)


@WIDGETS.register(OpenText)
def _text(
    f: Field,
    q: OpenText,
    values: dict[str, Any],
    earlier: dict[str, Any],
    messages: dict[str, str],
    lang: str,
) -> None:
    f.kind = "textarea" if q.long else "text"
    f.value = values.get(q.id) or ""
    f.max_length = q.max_length


@WIDGETS.register(Number)
def _number(
    f: Field, q: Number, values: dict[str, Any], earlier: dict[str, Any], messages: dict[str, str], lang: str
) -> None:
    f.value = values.get(q.id) or ""
    f.minimum, f.maximum = q.minimum, q.maximum
    f.unit = q.unit.get(lang) if q.unit else ""


@WIDGETS.register(OrganisationPicker)
def _organisation(
    f: Field,
    q: OrganisationPicker,
    values: dict[str, Any],
    earlier: dict[str, Any],
    messages: dict[str, str],
    lang: str,
) -> None:
    value = values.get(q.id)
    kind = earlier.get(q.type_question) if q.type_question else None
    orgs = organisations_for_picker(kind if kind in q.types else None)
    for group in q.types:
        members = [Choice(o.code, o.name(lang), "", o.code == value) for o in orgs if o.kind == group]
        if members:
            f.groups.append((KINDS[group].name(lang, plural=True), members))


def problem_message(problem: AnswerProblem, questionnaire: Questionnaire) -> str:
    code = problem.code
    if code == "required":
        return _("Please answer this question.")
    if code == "required_row":
        return _("Please choose an answer on this row.")
    if code == "other_missing":
        return _("Please tell us what you mean by “other”.")
    if code == "too_many":
        return _("Please choose at most %(max)s options.") % problem.params
    if code == "unknown_org":
        return _("Please choose your organisation from the list.")
    if code == "wrong_org_type":
        if problem.params.get("kind") == MUNICIPALITY:
            return _("You said you work in a municipality: please choose a municipality.")
        return _("You said you work in a wellbeing services county: please choose a county.")
    column = _column(questionnaire, problem.column)
    if column is not None and column.kind in ("integer", "number"):
        if column.minimum is not None and column.maximum is not None:
            return (
                _("Please enter a whole number from %(min)s to %(max)s.")
                % {
                    "min": _fmt(column.minimum),
                    "max": _fmt(column.maximum),
                }
                if column.kind == "integer"
                else _("Please enter a number from %(min)s to %(max)s.")
                % {
                    "min": _fmt(column.minimum),
                    "max": _fmt(column.maximum),
                }
            )
        return _("Please enter a number.")
    if column is not None and column.kind == "text":
        return _("The answer is too long: at most %(max)s characters.") % {"max": column.max_length}
    return _("Please choose one of the options given.")


def _column(questionnaire: Questionnaire, name: str) -> Column | None:
    return next((c for c in questionnaire.columns() if c.name == name), None)


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")
