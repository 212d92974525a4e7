"""Services a coding screen calls: install a codebook, code by its rules, assign and remove codes by hand,
rank the themes as coded. Manual codes are never overwritten by rules."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from luotain.text.codebook import Codebook, RankedTheme, code_answers, rank_themes
from luotain.web.collect.models import Response
from luotain.web.surveys.models import Survey

from .models import CodeAssignment, SurveyCodebook


class CodingError(ValueError):
    pass


def set_codebook(survey: Survey, codebook: Codebook) -> SurveyCodebook:
    try:
        survey.questionnaire.question(codebook.question)
    except KeyError:
        raise CodingError(f"no question '{codebook.question}' in the survey") from None
    stored, _ = SurveyCodebook.objects.update_or_create(
        survey=survey,
        question_id=codebook.question,
        defaults={"definition": codebook.model_dump(mode="json")},
    )
    return stored


def codebook_of(survey: Survey, question_id: str) -> Codebook:
    stored = SurveyCodebook.objects.filter(survey=survey, question_id=question_id).first()
    if stored is None:
        raise CodingError(f"no codebook for '{question_id}'")
    return Codebook.model_validate(stored.definition)


@transaction.atomic
def apply_rules(survey: Survey, question_id: str, user: Any = None) -> int:
    """Replace the rule-given codes of the question with the codebook's; manual codes stay. Returns how many
    codes the rules gave."""
    codebook = codebook_of(survey, question_id)
    responses = {r.public_id: r for r in survey.responses.all() if r.answers.get(question_id)}
    coded = code_answers(codebook, {rid: r.answers[question_id] for rid, r in responses.items()})
    CodeAssignment.objects.filter(
        response__survey=survey, question_id=question_id, source=CodeAssignment.Source.RULE
    ).delete()
    manual = set(
        CodeAssignment.objects.filter(response__survey=survey, question_id=question_id).values_list(
            "response_id", "code"
        )
    )
    new = [
        CodeAssignment(
            response=responses[rid],
            question_id=question_id,
            code=code,
            source=CodeAssignment.Source.RULE,
            coded_by=user,
        )
        for rid, codes in coded.items()
        for code in codes
        if (responses[rid].pk, code) not in manual
    ]
    CodeAssignment.objects.bulk_create(new)
    return len(new)


def assign(response: Response, question_id: str, code: str, user: Any = None) -> CodeAssignment:
    codebook = codebook_of(response.survey, question_id)
    if code not in {c.id for c in codebook.codes}:
        raise CodingError(f"'{code}' is not a code of '{question_id}'")
    assignment, _ = CodeAssignment.objects.update_or_create(
        response=response,
        question_id=question_id,
        code=code,
        defaults={"source": CodeAssignment.Source.MANUAL, "coded_by": user},
    )
    return assignment


def remove(response: Response, question_id: str, code: str) -> None:
    CodeAssignment.objects.filter(response=response, question_id=question_id, code=code).delete()


def ranked(survey: Survey, question_id: str, top: int = 10) -> tuple[list[RankedTheme], list[RankedTheme]]:
    """The themes as coded (by rules and by hand), of those who answered the question."""
    codebook = codebook_of(survey, question_id)
    answered = {r.pk: [] for r in survey.responses.all() if r.answers.get(question_id)}  # type: ignore[var-annotated]
    for response_id, code in CodeAssignment.objects.filter(
        response__survey=survey, question_id=question_id
    ).values_list("response_id", "code"):
        if response_id in answered:
            answered[response_id].append(code)
    return rank_themes(codebook, {str(k): v for k, v in answered.items()}, top=top)
