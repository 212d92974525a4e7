"""Districts: contacts, invitations and response rates. Administrators see every district, a coordinator
only their own (another district is a 404); analysts see no contact data."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luotain.web.distribution.models import Invitation
from luotain.web.distribution.services import district_contacts
from luotain.web.surveys.models import Survey

from .. import jobs
from ..access import ADMIN, COORDINATOR, staff_view, visible_districts
from ..models import Job
from .common import page


@staff_view(ADMIN, COORDINATOR)
def districts(request: HttpRequest) -> HttpResponse:
    rows = [(d, district_contacts(d).count()) for d in visible_districts(request.user).order_by("name_fi")]
    return page(request, "backoffice/districts.html", {"rows": rows, "title": _("Districts")})


@staff_view(ADMIN, COORDINATOR)
def district(request: HttpRequest, district_slug: str) -> HttpResponse:
    current = get_object_or_404(visible_districts(request.user), slug=district_slug)
    contacts = district_contacts(current).select_related("organisation")
    surveys = []
    for s in Survey.objects.order_by("-created_at"):
        invitations = Invitation.objects.filter(survey=s, district=current)
        counts = {
            "invited": invitations.count(),
            "opened": invitations.filter(draft__opened_at__isnull=False).count(),
            "submitted": invitations.filter(draft__submitted_at__isnull=False).count(),
            "failed": invitations.filter(delivery=Invitation.Delivery.FAILED).count(),
            "answers": s.responses.filter(district=current).count(),
        }
        rate = 100 * counts["submitted"] / counts["invited"] if counts["invited"] else None
        surveys.append((s, s.state(), counts, rate))
    recent = Job.objects.filter(district=current, kind=Job.Kind.INVITE).select_related("survey")[:10]
    return page(
        request,
        "backoffice/district.html",
        {
            "district": current,
            "contacts": contacts,
            "surveys": surveys,
            "jobs": recent,
            "running": any(j.active for j in recent),
            "title": current.name_fi,
        },
    )


@require_POST
@staff_view(ADMIN, COORDINATOR)
def send_invitations(request: HttpRequest, district_slug: str, slug: str) -> HttpResponse:
    current = get_object_or_404(visible_districts(request.user), slug=district_slug)
    survey = get_object_or_404(Survey, slug=slug)
    if survey.state() != Survey.State.OPEN:
        messages.error(request, _("The survey is not open: invitations cannot be sent."))
    else:
        jobs.submit(Job.Kind.INVITE, survey, user=request.user, district=current)
        messages.success(request, _("The invitations are being sent; the table below shows how it goes."))
    return HttpResponseRedirect(reverse("backoffice:district", args=[district_slug]))
