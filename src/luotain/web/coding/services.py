"""Services a coding screen calls: install a codebook, code by its rules, assign and remove codes by hand,
suggest themes and accept, rename, merge or reject them, rank the themes as coded. What an analyst did by
hand (a code given or taken away) is never undone by the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction

from luotain.analysis.kinds import is_written
from luotain.errors import InvalidInput
from luotain.questionnaire import Text
from luotain.text import codebook as cb
from luotain.text.codebook import Codebook, RankedTheme, code_answers, rank_themes
from luotain.text.suggest import Suggestion, suggest_themes
from luotain.text.themes import ThemeReport, open_question, theme_report
from luotain.web.audit.services import Action, Actor, record
from luotain.web.collect.models import QuoteSelection, Response
from luotain.web.surveys.models import Survey

from .models import CodeAssignment, RejectedSuggestion, SurveyCodebook

RULE, MANUAL, REMOVED = (
    CodeAssignment.Source.RULE,
    CodeAssignment.Source.MANUAL,
    CodeAssignment.Source.REMOVED,
)


class CodingError(InvalidInput, ValueError):
    pass


@transaction.atomic
def set_codebook(survey: Survey, codebook: Codebook, *, actor: Actor) -> SurveyCodebook:
    """Install ``codebook`` for its question (replacing the one there was); recorded in the audit log."""
    stored = _store(survey, codebook)
    _log(actor, survey, codebook.question, "codebook", codes=len(codebook.codes))
    return stored


def _log(actor: Actor, survey: Survey, question_id: str, change: str, **what: Any) -> None:
    """A coding change in the audit log: identifiers and theme names, never answers."""
    record(actor, Action.CODING_CHANGED, survey.slug, question=question_id, change=change, **what)


def _store(survey: Survey, codebook: Codebook) -> SurveyCodebook:
    _open_question(survey, codebook.question)
    stored, _ = SurveyCodebook.objects.update_or_create(
        survey=survey,
        question_id=codebook.question,
        defaults={"definition": codebook.model_dump(mode="json")},
    )
    return stored


def _open_question(survey: Survey, question_id: str) -> None:
    try:
        question = survey.questionnaire.question(question_id)
    except KeyError:
        raise CodingError(f"no question '{question_id}' in the survey") from None
    if not is_written(question):
        raise CodingError(f"'{question_id}' is not an open question")


def stored_codebook(survey: Survey, question_id: str) -> Codebook | None:
    stored = SurveyCodebook.objects.filter(survey=survey, question_id=question_id).first()
    return None if stored is None else Codebook.model_validate(stored.definition)


def codebook_of(survey: Survey, question_id: str) -> Codebook:
    codebook = stored_codebook(survey, question_id)
    if codebook is None:
        raise CodingError(f"no codebook for '{question_id}'")
    return codebook


def _edit(survey: Survey, question_id: str, change: Callable[[Codebook | None], Codebook]) -> Codebook:
    """Apply a pure codebook edit, turning its complaint into a CodingError."""
    try:
        codebook = change(stored_codebook(survey, question_id))
    except cb.CodebookError as exc:
        raise CodingError(str(exc)) from None
    _store(survey, codebook)
    return codebook


@transaction.atomic
def apply_rules(survey: Survey, question_id: str, *, actor: Actor) -> int:
    """Replace the rule-given codes of the question with the codebook's; manual codes stay. Returns how many
    codes the rules gave."""
    user = actor.user
    codebook = codebook_of(survey, question_id)
    responses = {r.public_id: r for r in survey.responses.all() if r.answers.get(question_id)}
    coded = code_answers(codebook, {rid: r.answers[question_id] for rid, r in responses.items()})
    CodeAssignment.objects.filter(response__survey=survey, question_id=question_id, source=RULE).delete()
    by_hand = set(
        CodeAssignment.objects.filter(response__survey=survey, question_id=question_id).values_list(
            "response_id", "code"
        )
    )
    new = [
        CodeAssignment(
            response=responses[rid],
            question_id=question_id,
            code=code,
            source=RULE,
            coded_by=user,
        )
        for rid, codes in coded.items()
        for code in codes
        if (responses[rid].pk, code) not in by_hand
    ]
    CodeAssignment.objects.bulk_create(new)
    _log(actor, survey, question_id, "apply_rules", codes=len(new))
    return len(new)


@transaction.atomic
def assign(response: Response, question_id: str, code: str, *, actor: Actor) -> CodeAssignment:
    """Give an answer a code by hand."""
    assignment = _assign(response, question_id, code, actor.user)
    _log(actor, response.survey, question_id, "assign", response=response.public_id, code=code)
    return assignment


def _assign(response: Response, question_id: str, code: str, user: Any) -> CodeAssignment:
    codebook = codebook_of(response.survey, question_id)
    if code not in {c.id for c in codebook.codes}:
        raise CodingError(f"'{code}' is not a code of '{question_id}'")
    assignment, _ = CodeAssignment.objects.update_or_create(
        response=response,
        question_id=question_id,
        code=code,
        defaults={"source": MANUAL, "coded_by": user},
    )
    return assignment


@transaction.atomic
def remove(response: Response, question_id: str, code: str, *, actor: Actor) -> None:
    """Take a code away; recorded, so that running the rules again does not give it back."""
    CodeAssignment.objects.update_or_create(
        response=response,
        question_id=question_id,
        code=code,
        defaults={"source": REMOVED, "coded_by": actor.user},
    )
    _log(actor, response.survey, question_id, "remove", response=response.public_id, code=code)


@transaction.atomic
def choose_quote(response: Response, question_id: str, *, actor: Actor) -> None:
    """Choose an answer to quote in the report (attributed by organisation type and role only)."""
    QuoteSelection.objects.get_or_create(response=response, question_id=question_id)
    _log(actor, response.survey, question_id, "quote", response=response.public_id)


@transaction.atomic
def drop_quote(response: Response, question_id: str, *, actor: Actor) -> None:
    QuoteSelection.objects.filter(response=response, question_id=question_id).delete()
    _log(actor, response.survey, question_id, "unquote", response=response.public_id)


def codes_of(survey: Survey, question_id: str) -> dict[str, list[str]]:
    """Response public id -> its codes (by rule or by hand), for every answer of the question."""
    coded: dict[str, list[str]] = {
        r.public_id: [] for r in survey.responses.only("public_id", "answers") if _answered(r, question_id)
    }
    for public_id, code in (
        CodeAssignment.objects.filter(response__survey=survey, question_id=question_id)
        .exclude(source=REMOVED)
        .order_by("id")
        .values_list("response__public_id", "code")
    ):
        if public_id in coded:
            coded[public_id].append(code)
    return coded


def stored_coding(survey: Survey) -> tuple[dict[str, Codebook], dict[str, dict[str, list[str]]]]:
    """The survey's codebooks and the codes its answers have, by question (for the analysis and report)."""
    codebooks = {
        s.question_id: Codebook.model_validate(s.definition)
        for s in SurveyCodebook.objects.filter(survey=survey)
    }
    return codebooks, {q: codes_of(survey, q) for q in codebooks}


def _answered(response: Response, question_id: str) -> bool:
    value = response.answers.get(question_id)
    return isinstance(value, str) and bool(value.strip())


# ------------------------------------------------------------------------------------------ suggestions


def suggestions(survey: Survey, question_id: str, k: int | None = None) -> list[Suggestion]:
    """Themes suggested among the answers that have no code yet, without those an analyst rejected."""
    _open_question(survey, question_id)
    coded = {rid for rid, codes in codes_of(survey, question_id).items() if codes}
    texts = {
        r.public_id: r.answers[question_id]
        for r in survey.responses.only("public_id", "answers")
        if _answered(r, question_id) and r.public_id not in coded
    }
    codebook = stored_codebook(survey, question_id)
    lang = codebook.language if codebook else survey.questionnaire.languages[0]
    rejected = {
        tuple(t)
        for t in RejectedSuggestion.objects.filter(survey=survey, question_id=question_id).values_list(
            "terms", flat=True
        )
    }
    return [s for s in suggest_themes(texts, lang=lang, k=k) if s.terms not in rejected]


@transaction.atomic
def accept_suggestion(
    survey: Survey,
    question_id: str,
    code_id: str,
    name: Text,
    members: Sequence[str],
    keywords: Iterable[str] = (),
    *,
    actor: Actor,
) -> Codebook:
    """A suggestion becomes a code: added to the codebook (with the keywords the analyst kept, if any) and
    given by hand to the suggestion's answers (response public ids). Without members: a new code."""
    _open_question(survey, question_id)
    lang = survey.questionnaire.languages[0]
    codebook = _edit(
        survey,
        question_id,
        lambda current: cb.add_code(current, question_id, code_id, name, keywords, language=lang),
    )
    given = [r for r in survey.responses.filter(public_id__in=list(members)) if _answered(r, question_id)]
    for response in given:
        _assign(response, question_id, code_id, actor.user)
    change = "accept" if members else "new_code"
    _log(actor, survey, question_id, change, code=code_id, name=name.fi, member=[r.public_id for r in given])
    return codebook


@transaction.atomic
def reject_suggestion(survey: Survey, question_id: str, terms: Sequence[str], *, actor: Actor) -> None:
    _open_question(survey, question_id)
    RejectedSuggestion.objects.create(
        survey=survey, question_id=question_id, terms=list(terms), rejected_by=actor.user
    )
    _log(actor, survey, question_id, "reject", term=list(terms))


@transaction.atomic
def rename(survey: Survey, question_id: str, code_id: str, name: Text, *, actor: Actor) -> Codebook:
    codebook = _edit(
        survey, question_id, lambda current: cb.rename_code(_must(current, question_id), code_id, name)
    )
    _log(actor, survey, question_id, "rename", code=code_id, name=name.fi)
    return codebook


@transaction.atomic
def merge(survey: Survey, question_id: str, sources: Sequence[str], into: str, *, actor: Actor) -> Codebook:
    """Codes folded into one: the codebook's keywords join, and every answer that had one of them has the
    merged code (by hand if any of its codes was given by hand)."""
    user = actor.user
    codebook = _edit(
        survey, question_id, lambda current: cb.merge_codes(_must(current, question_id), sources, into)
    )
    moved = CodeAssignment.objects.filter(
        response__survey=survey, question_id=question_id, code__in=[s for s in sources if s != into]
    )
    for assignment in moved.exclude(source=REMOVED).select_related("response"):
        target, created = CodeAssignment.objects.get_or_create(
            response=assignment.response,
            question_id=question_id,
            code=into,
            defaults={"source": assignment.source, "coded_by": assignment.coded_by or user},
        )
        if not created and (target.source == REMOVED or assignment.source == MANUAL):
            target.source, target.coded_by = MANUAL, user or assignment.coded_by
            target.save(update_fields=["source", "coded_by"])
    moved.delete()
    _log(actor, survey, question_id, "merge", source=list(sources), into=into)
    return codebook


def _must(codebook: Codebook | None, question_id: str) -> Codebook:
    if codebook is None:
        raise CodingError(f"no codebook for '{question_id}'")
    return codebook


def ranked(survey: Survey, question_id: str, top: int = 10) -> tuple[list[RankedTheme], list[RankedTheme]]:
    """The themes as coded (by rules and by hand), of those who answered the question."""
    return rank_themes(codebook_of(survey, question_id), codes_of(survey, question_id), top=top)


def question_themes(
    survey: Survey,
    question_id: str,
    given: Codebook | None = None,
    *,
    suggest: bool = False,
    top: int = 10,
    lang: str = "fi",
) -> ThemeReport:
    """The open question's themes: ranked by the codebook ``given`` (its rules coding the answers now), or
    by the survey's stored codebook with the codes stored (by the rules and by hand), or by the built-in
    one; or, with ``suggest`` or no codebook at all, suggested among the answers not yet coded (without the
    suggestions an analyst rejected)."""
    open_question(survey.questionnaire, question_id, given)
    texts = {
        r.public_id: r.answers[question_id] for r in survey.responses.all() if r.answers.get(question_id)
    }
    stored = None if given is not None else stored_codebook(survey, question_id)
    codebook = (
        None if suggest else given or stored or cb.builtin_codebook(survey.questionnaire_id, question_id)
    )
    coded = codes_of(survey, question_id) if stored is not None and codebook is stored else None
    found = suggestions(survey, question_id) if codebook is None else None
    return theme_report(question_id, texts, codebook, coded=coded, suggestions=found, top=top, lang=lang)
