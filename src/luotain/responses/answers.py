"""Checking one respondent's answers to a question, whatever they came from (a web form, an API).

Problems are returned as codes with parameters, not sentences: the web layer words them in the
respondent's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

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
from luotain.registry import kind_of_code

from .table import CellError, parse_value, visible_questions

# Organisation code -> its kind (luotain.registry.KINDS), or None for an unknown code.
OrgKindLookup = Callable[[str], str | None]


@dataclass(frozen=True)
class AnswerProblem:
    column: str
    code: str  # required | required_row | invalid | other_missing | too_many | wrong_org_type | unknown_org
    detail: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def check_question(
    question: QuestionBase,
    raw: Mapping[str, Any],
    org_kind: OrgKindLookup | None = None,
    earlier: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """Parse and check the raw values of one question's columns.

    ``raw`` maps column names to what was given (a string, or a list for a multiple choice). Returns the
    clean values (no answer left out) and the problems found; a value with a problem is not returned.
    """
    values: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for column in question.columns():
        try:
            value = parse_value(column, raw.get(column.name))
        except CellError as exc:
            problems.append(AnswerProblem(column.name, "invalid", str(exc)))
            continue
        if value is not None:
            values[column.name] = value
    rules = ANSWER_RULES.of(question)
    rules.check(question, values, problems, org_kind, earlier or {})
    if question.required and not any(p.column.startswith(question.id) for p in problems):
        problems += rules.required(question, values)
    return values, problems


Check = Callable[[Any, dict[str, Any], list[AnswerProblem], OrgKindLookup | None, Mapping[str, Any]], None]


def _nothing_more(
    question: Any,
    values: dict[str, Any],
    problems: list[AnswerProblem],
    org_kind: OrgKindLookup | None,
    earlier: Mapping[str, Any],
) -> None:
    """No check beyond parsing the question's columns."""


def _an_answer(question: Any, values: dict[str, Any]) -> list[AnswerProblem]:
    return [] if question.id in values else [AnswerProblem(question.id, "required")]


def _every_row(question: Any, values: dict[str, Any]) -> list[AnswerProblem]:
    return [
        AnswerProblem(column.name, "required_row", params={"row": column.row_id})
        for column in question.columns()
        if column.name not in values
    ]


@dataclass(frozen=True)
class AnswerRules:
    """What checking an answer of a question type does beyond parsing its columns (``check``: more checks,
    which may take a value out; ``required``: what a required question's missing answer is)."""

    check: Check = _nothing_more
    required: Callable[[Any, dict[str, Any]], list[AnswerProblem]] = _an_answer


ANSWER_RULES = TypeLayer[AnswerRules]("answer checks")


def _check_choice(
    question: SingleChoice | MultipleChoice,
    values: dict[str, Any],
    problems: list[AnswerProblem],
    org_kind: OrgKindLookup | None,
    earlier: Mapping[str, Any],
) -> None:
    """The text of an "other" option chosen, dropped when it is not; at most ``max_choices`` chosen."""
    other = question.other_option()
    if other is not None:
        chosen = values.get(question.id)
        selected = other.id in chosen if isinstance(chosen, list) else chosen == other.id
        text_column = question.other_column()
        if selected and not values.get(text_column):
            problems.append(AnswerProblem(text_column, "other_missing"))
        if not selected:
            values.pop(text_column, None)  # text typed beside an unchosen "other" is not an answer
    limit = getattr(question, "max_choices", None)
    if limit and len(values.get(question.id) or []) > limit:
        problems.append(AnswerProblem(question.id, "too_many", params={"max": limit}))


def _check_organisation(
    question: OrganisationPicker,
    values: dict[str, Any],
    problems: list[AnswerProblem],
    org_kind: OrgKindLookup | None,
    earlier: Mapping[str, Any],
) -> None:
    """An organisation of the registry, of a kind the question takes and the earlier answer named."""
    if question.id not in values:
        return
    code = values[question.id]
    kind = org_kind(code) if org_kind else kind_of_code(code)
    if kind is None or kind not in question.types:
        problems.append(AnswerProblem(question.id, "unknown_org"))
        del values[question.id]
        return
    wanted = earlier.get(question.type_question) if question.type_question else None
    if wanted and kind != wanted:
        problems.append(AnswerProblem(question.id, "wrong_org_type", params={"kind": wanted}))
        del values[question.id]


ANSWER_RULES.register(SingleChoice, MultipleChoice)(AnswerRules(check=_check_choice))
ANSWER_RULES.register(Matrix)(AnswerRules(required=_every_row))
ANSWER_RULES.register(OrganisationPicker)(AnswerRules(check=_check_organisation))
ANSWER_RULES.register(Rating, Recommendation, OpenText, Number)(AnswerRules())


def check_complete(
    questionnaire: Questionnaire, answers: Mapping[str, Any], org_kind: OrgKindLookup | None = None
) -> tuple[dict[str, Any], list[AnswerProblem]]:
    """Check a whole response: every shown question again, answers to hidden questions dropped."""
    shown = set(visible_questions(questionnaire, answers))
    clean: dict[str, Any] = {}
    problems: list[AnswerProblem] = []
    for question in questionnaire.questions():
        if question.id not in shown:
            continue
        raw = {c.name: answers.get(c.name) for c in question.columns()}
        values, found = check_question(question, raw, org_kind, clean)
        clean.update(values)
        problems += found
    return clean, problems


def is_long_text(question: QuestionBase) -> bool:
    return bool(getattr(question, "long", False))
