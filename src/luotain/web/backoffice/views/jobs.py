"""Every background job, for administrators: what ran, how it went, what failed and why."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ..access import ADMIN, staff_view
from ..models import Job
from .common import page


@staff_view(ADMIN)
def job_list(request: HttpRequest) -> HttpResponse:
    recent = list(Job.objects.select_related("survey", "district", "requested_by")[:100])
    return page(
        request,
        "backoffice/jobs.html",
        {"jobs": recent, "running": any(j.active for j in recent), "title": _("Background jobs")},
    )
