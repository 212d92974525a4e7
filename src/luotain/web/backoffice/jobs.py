"""Report jobs: made in the background, with progress that the reports page shows.

On one machine a job runs in a thread of the app server. ``LUOTAIN_JOBS=inline`` runs it at once, in the
request (tests, and a server that must not start threads).
"""

from __future__ import annotations

import threading
import traceback

from django.conf import settings
from django.db import connections
from django.utils import timezone

from luotain.report.make import FORMATS as DECK_FORMATS
from luotain.report.make import make_deck
from luotain.report.render import render
from luotain.report.spec import builtin_spec

from .models import ReportFile, ReportJob

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "table": "text/html; charset=utf-8",
}
FORMATS = (*DECK_FORMATS, "table")


def start(job: ReportJob) -> None:
    if getattr(settings, "LUOTAIN_JOBS", "thread") == "inline":
        run(job.pk)
        return
    threading.Thread(target=_in_thread, args=(job.pk,), name=f"report-{job.pk}", daemon=True).start()


def _in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connections.close_all()  # the thread's own connections: none is left open behind it


def _step(job: ReportJob, progress: int, step: str) -> None:
    job.progress, job.step = progress, step
    job.save(update_fields=["progress", "step"])


def run(job_id: int) -> None:
    from luotain.report.first import render_html
    from luotain.web.coding.services import stored_coding
    from luotain.web.collect.models import QuoteSelection
    from luotain.web.collect.services import response_records

    job = ReportJob.objects.select_related("survey").get(pk=job_id)
    job.status = ReportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        survey = job.survey
        _step(job, 5, "analysis")
        records = response_records(survey)
        flags = list(
            QuoteSelection.objects.filter(response__survey=survey).values_list(
                "question_id", "response__public_id"
            )
        )
        formats = [f for f in FORMATS if f in job.formats]
        deck = None
        for i, fmt in enumerate(formats):
            if fmt == "table":
                content = render_html(survey.questionnaire, records).encode("utf-8")
                name = f"{survey.slug}-taulukot.html"
            else:
                if deck is None:
                    deck = make_deck(
                        survey.questionnaire,
                        records,
                        builtin_spec(survey.questionnaire_id),
                        quote_flags=flags,
                        lang=job.language,
                        coding=stored_coding(survey),
                    )
                _step(job, 10 + 85 * i // len(formats), fmt)
                content = render(deck, fmt)
                name = f"{survey.slug}.{fmt}"
            ReportFile.objects.create(
                job=job,
                format=fmt,
                filename=name,
                content_type=CONTENT_TYPES[fmt],
                content=content,
                size=len(content),
            )
        job.status, job.progress, job.step = ReportJob.Status.DONE, 100, ""
    except Exception as exc:  # the job fails, the page says so; the server goes on
        job.status, job.error = ReportJob.Status.FAILED, f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "step", "error", "finished_at"])
