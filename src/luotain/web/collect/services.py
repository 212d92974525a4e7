"""Writes of the respondent side: start a draft, save a page, submit a response, import responses."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from luotain.errors import NotAllowedNow
from luotain.questionnaire import Section
from luotain.responses import ResponseRecord
from luotain.responses.answers import AnswerProblem, OrgKindLookup, check_complete
from luotain.web.audit.services import Action, Actor, record
from luotain.web.partners.models import District, Organisation
from luotain.web.surveys.models import Survey

from .models import Draft, Response

TOKEN_BYTES = 24  # 192 bits


class SurveyNotOpen(NotAllowedNow):
    def __init__(self, state: str):
        self.state = state
        super().__init__(state)


class IncompleteResponse(NotAllowedNow):
    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_public_id() -> str:
    return secrets.token_hex(8)


def org_kind_lookup() -> OrgKindLookup:
    """The kind of an organisation by its code. Only the codes asked for are looked up, each once: a page has
    at most one organisation answer, and most pages none (reading the whole registry was a query of 315
    rows on every page post)."""
    kinds: dict[str, str | None] = {}

    def kind(code: str) -> str | None:
        if code not in kinds:
            kinds[code] = Organisation.objects.filter(code=code).values_list("kind", flat=True).first()
        return kinds[code]

    return kind


def require_open(survey: Survey, *, grace: bool = False) -> None:
    """Raise SurveyNotOpen unless the survey is open; with ``grace``, a draft begun before closing may still
    be submitted for LUOTAIN_CLOSING_GRACE_MINUTES after it."""
    now = timezone.now()
    if grace and survey.closes_at and now >= survey.closes_at:
        now = now - timedelta(minutes=settings.LUOTAIN_CLOSING_GRACE_MINUTES)
    state = survey.state(now)
    if state != Survey.State.OPEN:
        raise SurveyNotOpen(state)


def start_draft(survey: Survey, district: District | None = None) -> tuple[Draft, str]:
    """A new draft and the secret token of its link (only the token's hash is stored)."""
    require_open(survey)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    draft = Draft.objects.create(survey=survey, token_hash=hash_token(token), district=district)
    return draft, token


def respondent_survey(slug: str) -> Survey | None:
    """The survey ``slug`` as the respondent pages read it: without its stored questionnaire and file
    (``Survey.questionnaire`` finds the parsed questionnaire by the definition's hash)."""
    return Survey.objects.defer(*Survey.HEAVY_FIELDS).filter(slug=slug).first()


def find_link(slug: str, token: str) -> Draft | None:
    """The draft of an answering link with its survey (without the survey's heavy fields), in one query:
    what every page request of a respondent starts with. Looked up by the token's SHA-256 in the database;
    the token itself is never compared in Python, and how long the lookup takes can tell at most something
    about the hash, not the token (docs/security.md)."""
    if not token or len(token) > 100:
        return None
    return _drafts().filter(survey__slug=slug, token_hash=hash_token(token)).first()


def _drafts() -> QuerySet[Draft]:
    return Draft.objects.select_related("survey").defer(*(f"survey__{f}" for f in Survey.HEAVY_FIELDS))


def mark_opened(draft: Draft) -> None:
    """Remember when the draft's pages were first shown (an invitation's "opened")."""
    now = timezone.now()
    Draft.objects.filter(pk=draft.pk, opened_at__isnull=True).update(opened_at=now)
    draft.opened_at = now


def page_answers(answers: dict[str, Any], section: Section, values: dict[str, Any]) -> dict[str, Any]:
    """``answers`` with those of one section's questions replaced by ``values``."""
    owned = {c.name for q in section.questions for c in q.columns()}
    return {**{k: v for k, v in answers.items() if k not in owned}, **values}


def save_page(draft: Draft, section: Section, values: dict[str, Any], page: int) -> None:
    """Replace the answers of one section's questions with ``values`` and remember ``page``, where the
    answering link resumes (the page the respondent was sent to). One UPDATE, which also records when the
    draft was first opened if a page was posted before any was shown (a page posted from a stale tab)."""
    draft.save(update_fields=_put_page(draft, section, values, page))


def _put_page(draft: Draft, section: Section, values: dict[str, Any], page: int) -> list[str]:
    """Put one page's answers into ``draft`` (and ``page``, where the link resumes); the fields to write."""
    draft.answers = page_answers(draft.answers, section, values)
    draft.page = page
    fields = ["answers", "page", "updated_at"]
    if draft.opened_at is None:
        draft.opened_at = timezone.now()
        fields.append("opened_at")
    return fields


@transaction.atomic
def submit_response(draft_id: int, last_page: tuple[Section, dict[str, Any], int] | None = None) -> Response:
    """Store the draft's answers as exactly one response, in one transaction.

    ``last_page``: the answers of the page sent with the submit (section, values, page number), written
    into the draft with its submission; if the submit fails they are not kept (save them with ``save_page``
    then, as the view does when answers are missing).

    The draft's row is locked for the transaction (PostgreSQL: ``SELECT ... FOR UPDATE OF`` the draft alone,
    so that the submits of one survey do not wait for each other; SQLite: the transaction is IMMEDIATE, so
    writers queue). Submitting the same draft again (a double click, a resent form, two tabs) then finds it
    submitted and returns the response already stored. Raises IncompleteResponse if a shown required
    question is unanswered.
    """
    draft = _drafts().select_for_update(of=("self",)).get(pk=draft_id)
    if draft.submitted_at is not None:
        existing = Response.objects.filter(draft=draft).first()
        if existing is not None:
            return existing
    require_open(draft.survey, grace=True)
    fields = ["submitted_at", "updated_at"]
    if last_page is not None:
        fields += _put_page(draft, *last_page)
    answers, problems = check_complete(draft.survey.questionnaire, draft.answers, org_kind_lookup())
    if problems:
        raise IncompleteResponse(problems)
    draft.submitted_at = timezone.now()
    draft.save(update_fields=sorted(set(fields)))
    return Response.objects.create(
        survey=draft.survey,
        public_id=new_public_id(),
        draft=draft,
        answers=answers,
        submitted_at=draft.submitted_at,
        district_id=draft.district_id,
    )


@transaction.atomic
def import_responses(
    survey: Survey, records: Iterable[ResponseRecord], *, actor: Actor, source: str = "import"
) -> int:
    """Add responses from a response table. All or nothing: an id already stored stops the import. Recorded
    in the audit log."""
    records = list(records)
    ids = [r.response_id for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("the same response id appears twice")
    too_long = [i for i in ids if len(i) > 64]
    if too_long:
        raise ValueError(f"response ids longer than 64 characters: {', '.join(too_long[:5])}")
    clash = sorted(set(survey.responses.filter(public_id__in=ids).values_list("public_id", flat=True)))
    if clash:
        raise ValueError(f"responses already stored: {', '.join(clash[:20])}")
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                public_id=r.response_id,
                answers=r.answers,
                submitted_at=r.submitted_at or now,
                source=source,
            )
            for r in records
        ],
        batch_size=500,
    )
    record(actor, Action.RESPONSES_IMPORTED, survey.slug, responses=len(records), source=source)
    return len(records)


def response_records(survey: Survey) -> list[ResponseRecord]:
    """The survey's responses as response-table records, oldest first, in one query."""
    rows = survey.responses.order_by("submitted_at", "id").values_list("public_id", "submitted_at", "answers")
    return [ResponseRecord(public_id, at, dict(answers)) for public_id, at, answers in rows]


def export_responses(survey: Survey, *, actor: Actor, format: str) -> list[ResponseRecord]:
    """The survey's responses to take out (a file in ``format``); recorded in the audit log."""
    records = response_records(survey)
    record(actor, Action.RESPONSES_EXPORTED, survey.slug, responses=len(records), format=format)
    return records
