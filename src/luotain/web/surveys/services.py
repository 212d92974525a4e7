"""Writes to surveys."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from luotain.questionnaire import Questionnaire

from .models import Survey


@transaction.atomic
def create_survey(
    questionnaire: Questionnaire,
    slug: str,
    *,
    source: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Survey:
    """Create a survey that keeps this exact questionnaire, whatever happens to the file later."""
    return Survey.objects.create(
        slug=slug,
        questionnaire_id=questionnaire.id,
        family=questionnaire.family or "",
        wave=questionnaire.wave or "",
        definition=questionnaire.model_dump(mode="json", exclude_none=True),
        source=source,
        opens_at=opens_at,
        closes_at=closes_at,
    )
