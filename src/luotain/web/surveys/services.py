"""Writes to surveys: creating one, its answering window, opening it now. Each records itself in the audit
log (closing, which also anonymises, is ``luotain.web.distribution.services.close_survey``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from luotain.questionnaire import Questionnaire
from luotain.web.audit.services import Action, Actor, record

from .models import Survey


@transaction.atomic
def create_survey(
    questionnaire: Questionnaire,
    slug: str,
    *,
    actor: Actor,
    source: str = "",
    file: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Survey:
    """Create a survey that keeps this exact questionnaire, whatever happens to the file later. ``source``:
    the file's text, ``file``: its name (for the audit log)."""
    survey = Survey.objects.create(
        slug=slug,
        questionnaire_id=questionnaire.id,
        family=questionnaire.family or "",
        wave=questionnaire.wave or "",
        definition=questionnaire.model_dump(mode="json", exclude_none=True),
        source=source,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    record(actor, Action.SURVEY_CREATED, slug, **({"file": file} if file else {}))
    return survey


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@transaction.atomic
def set_window(
    survey: Survey, opens_at: datetime | None, closes_at: datetime | None, *, actor: Actor
) -> None:
    """When the survey opens and closes (either may be open-ended)."""
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.save(update_fields=["opens_at", "closes_at"])
    record(actor, Action.WINDOW_CHANGED, survey.slug, opens_at=_iso(opens_at), closes_at=_iso(closes_at))


@transaction.atomic
def open_survey(survey: Survey, *, actor: Actor) -> None:
    """Open the survey now (a closing time already past is dropped)."""
    survey.opens_at = timezone.now()
    if survey.closes_at and survey.closes_at <= survey.opens_at:
        survey.closes_at = None
    survey.save(update_fields=["opens_at", "closes_at"])
    record(actor, Action.SURVEY_OPENED, survey.slug)
