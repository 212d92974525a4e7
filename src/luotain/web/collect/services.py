"""Writes of the respondent side: start a draft, save a page, submit a response, import responses."""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from luotain.questionnaire import Section
from luotain.responses import ResponseRecord
from luotain.responses.answers import AnswerProblem, OrgKindLookup, check_complete
from luotain.web.partners.models import District
from luotain.web.surveys.models import Survey

from . import statements
from .models import Draft, Response

TOKEN_BYTES = 24  # 192 bits


class SurveyNotOpen(Exception):
    def __init__(self, state: str):
        self.state = state
        super().__init__(state)


class IncompleteResponse(Exception):
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
            kinds[code] = statements.organisation_kind(code)
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
    draft = Draft(survey=survey, token_hash=hash_token(token), district=district)
    statements.insert(draft)
    return draft, token


def find_link(slug: str, token: str) -> Draft | None:
    """The draft of an answering link with its survey (without the survey's heavy fields), in one query:
    what every page request of a respondent starts with. Looked up by the token's SHA-256 in the database;
    the token itself is never compared in Python, and how long the lookup takes can tell at most something
    about the hash, not the token (docs/security.md)."""
    if not token or len(token) > 100:
        return None
    return statements.draft_of_link(slug, hash_token(token))


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
    statements.update_draft(draft, _put_page(draft, section, values, page))


def _put_page(draft: Draft, section: Section, values: dict[str, Any], page: int) -> list[str]:
    """Put one page's answers into ``draft`` (and ``page``, where the link resumes); the fields to write."""
    draft.answers = page_answers(draft.answers, section, values)
    draft.page = page
    fields = ["answers", "page"]
    if draft.opened_at is None:
        draft.opened_at = timezone.now()
        fields.append("opened_at")
    return fields


def submit_response(
    draft_id: int,
    last_page: tuple[Section, dict[str, Any], int] | None = None,
    *,
    seen: Draft | None = None,
) -> Response:
    """Store the draft's answers as exactly one response, atomically.

    ``last_page``: the answers of the page sent with the submit (section, values, page number), written
    into the draft with its submission, atomically; if the submit fails they are not kept (save them with
    ``save_page`` then, as the view does when answers are missing).

    ``seen``: the draft as this request read it. On PostgreSQL its answers (with ``last_page``) are checked
    and stored by one statement that marks the draft submitted only if it was not, and inserts the response
    only then (``statements.submit_in_one``): no transaction, no row lock. Elsewhere, or when that statement
    finds the draft submitted already, the draft's row is locked and read again in a transaction.

    Submitting the same draft again (a double click, a resent form, two tabs) returns the response already
    stored. Raises IncompleteResponse if a shown required question is unanswered.
    """
    if seen is not None and seen.submitted_at is None and statements.can_submit_in_one():
        require_open(seen.survey, grace=True)
        draft = copy.copy(seen)  # ``seen`` stays as read, should nothing be stored
        fields = _with_last_page(draft, last_page)
        answers, problems = check_complete(draft.survey.questionnaire, draft.answers, org_kind_lookup())
        if problems:
            raise IncompleteResponse(problems)
        draft.submitted_at = timezone.now()
        response = _response_of(draft, answers)
        if statements.submit_in_one(draft, fields, response):
            return response
        # Submitted meanwhile by another request: the locked path below returns what that one stored.
    return _submit_locked(draft_id, last_page)


def _response_of(draft: Draft, answers: dict[str, Any]) -> Response:
    """The response of ``draft``, submitted at its ``submitted_at``, not yet stored."""
    return Response(
        survey=draft.survey,
        public_id=new_public_id(),
        draft=draft,
        answers=answers,
        submitted_at=draft.submitted_at,
        district_id=draft.district_id,
    )


def _with_last_page(draft: Draft, last_page: tuple[Section, dict[str, Any], int] | None) -> list[str]:
    """Put the last page's answers into ``draft``; the fields to write besides ``submitted_at``."""
    return [] if last_page is None else _put_page(draft, *last_page)


def _submit_locked(draft_id: int, last_page: tuple[Section, dict[str, Any], int] | None) -> Response:
    with transaction.atomic():
        draft = statements.locked_draft(draft_id)
        if draft is None:
            raise Draft.DoesNotExist(f"draft {draft_id}")
        if draft.submitted_at is not None:  # the locked row says whether it was submitted already
            existing = Response.objects.filter(draft=draft).first()
            if existing is not None:
                return existing
        require_open(draft.survey, grace=True)
        fields = ["submitted_at", *_with_last_page(draft, last_page)]
        answers, problems = check_complete(draft.survey.questionnaire, draft.answers, org_kind_lookup())
        if problems:
            raise IncompleteResponse(problems)
        draft.submitted_at = timezone.now()
        response = _response_of(draft, answers)
        # The draft's row is locked, so no other submit of it runs now; a response stored for it before
        # (its draft's submitted_at lost) is returned rather than a second one made.
        if not statements.insert(response, unless_taken="draft"):
            return Response.objects.get(draft=draft)
        statements.update_draft(draft, fields)
        return response


@transaction.atomic
def import_responses(survey: Survey, records: Iterable[ResponseRecord], source: str = "import") -> int:
    """Add responses from a response table. All or nothing: an id already stored stops the import."""
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
    return len(records)


def response_records(survey: Survey) -> list[ResponseRecord]:
    return [
        ResponseRecord(r.public_id, r.submitted_at, dict(r.answers))
        for r in survey.responses.order_by("submitted_at", "id").only("public_id", "submitted_at", "answers")
    ]
