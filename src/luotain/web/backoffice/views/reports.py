"""Reports: ask for the deck (PPTX, PDF, HTML) and the table report; made in the background, with progress;
finished files listed for download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from luotain.report.formats import REPORT_FORMATS
from luotain.web.audit.services import Actor

from .. import jobs
from ..access import ADMIN, ANALYST, staff_view
from ..models import Job
from .common import page, survey_for


@staff_view(ADMIN, ANALYST)
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    current = survey_for(slug)
    problem = ""
    if request.method == "POST":
        formats = [f for f in request.POST.getlist("format") if f in jobs.FORMATS]
        if formats:
            jobs.request_report(current, formats, actor=Actor.of(request))
            return HttpResponseRedirect(reverse("backoffice:reports", args=[slug]))
        problem = _("Choose at least one format.")
    job_list = list(current.jobs.filter(kind=Job.Kind.REPORT).prefetch_related("files")[:20])
    running = any(j.active for j in job_list)
    return page(
        request,
        "backoffice/reports.html",
        {
            "survey": current,
            "title": _("Reports"),
            "jobs": job_list,
            "running": running,
            "formats": [(f.name, f.label_in(get_language() or "fi")) for f in REPORT_FORMATS.values()],
            "problem": problem,
        },
        status=400 if problem else 200,
    )


@staff_view(ADMIN, ANALYST)
def download(request: HttpRequest, slug: str, job_id: int, fmt: str) -> HttpResponse:
    current = survey_for(slug)
    file = jobs.report_file(current, job_id, fmt, actor=Actor.of(request))
    if file is None:
        raise Http404
    response = HttpResponse(bytes(file.content), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
