"""What every back-office page shares: the survey lookup and the page frame with its navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from luotain.web.surveys.models import Survey

from ..access import ADMIN, ANALYST, COORDINATOR, own_district


def survey_for(slug: str) -> Survey:
    return get_object_or_404(Survey, slug=slug)


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    role = getattr(request, "staff_role", None)
    context = {
        **context,
        "role": role,
        "is_admin": role == ADMIN,
        "can_analyse": role in (ADMIN, ANALYST),
        "can_contact": role in (ADMIN, COORDINATOR),
        "own_district": own_district(request.user) if role == COORDINATOR else None,
    }
    return render(request, template, context, status=status)
