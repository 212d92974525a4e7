"""Background jobs: reports, a district's invitations, reminders.

A job is a row (``Job``) that says what to do and how far it got; the job queue (Huey: SQLite on one
machine, Redis for several, see docs/deployment.md) carries only its id. Running a job is idempotent: a job
that is already done is not run again, a report job deletes the files of an earlier, interrupted attempt
before it writes them, and sending invitations or reminders skips whoever already got one. A job whose
worker died (its heartbeat stops) is put back in the queue by ``recover_stale``, which the worker runs when
it starts and every few minutes.
"""

from __future__ import annotations

import threading
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from luotain.report.formats import REPORT_FORMATS
from luotain.web.audit.services import Action, Actor, record

from .models import Job, ReportFile

FORMATS = tuple(REPORT_FORMATS)


def request_report(survey: Any, formats: list[str], *, actor: Actor, language: str = "fi") -> Job:
    """Ask for the survey's report in these formats (made in the background); recorded in the audit log."""
    with transaction.atomic():
        job = submit(Job.Kind.REPORT, survey, user=actor.user, formats=formats, language=language)
        record(actor, Action.REPORT_REQUESTED, survey.slug, formats=formats)
    return job


def report_file(survey: Any, job_id: int, fmt: str, *, actor: Actor) -> ReportFile | None:
    """A finished report file of the survey, to hand out; its download recorded in the audit log."""
    file = ReportFile.objects.filter(job__survey=survey, job_id=job_id, format=fmt).first()
    if file is not None:
        record(actor, Action.REPORT_DOWNLOADED, survey.slug, job=job_id, format=fmt, file=file.filename)
    return file


def submit(kind: str, survey: Any, *, user: Any = None, district: Any = None, **params: Any) -> Job:
    """Record a job and put its id in the queue (after the transaction commits)."""
    job = Job.objects.create(kind=kind, survey=survey, district=district, params=params, requested_by=user)
    if queue().immediate:
        enqueue(job.pk)  # runs now, in this process
    else:
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def queue() -> Any:
    from huey.contrib.djhuey import HUEY

    return HUEY


@db_task()  # type: ignore[untyped-decorator]  # huey has no type hints
def run_job(job_id: int) -> None:
    """The queue's one task: run the job ``job_id``. Not retried by the queue: a job that fails is marked
    failed with its error, which the back office shows, and is asked for again; a job whose worker died is
    put back by ``recover_stale``."""
    run(job_id)


def enqueue(job_id: int) -> None:
    run_job(job_id)


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "LUOTAIN_JOB_STALE_SECONDS", 300))


def recover_stale(now: Any = None) -> list[int]:
    """Jobs left running by a worker that died (no heartbeat for a while), and jobs queued whose entry the
    queue lost, go back in the queue. Returns their ids.

    Each running job is taken back with one conditional UPDATE, so a job that a live worker claims between
    the look and the update is left alone (it would otherwise run twice). A queued job is sent again only
    when the queue holds no entry for it; a duplicate entry would be harmless (``_claim`` runs a job once)
    but would pile up in a busy queue."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    lost = [job_id for job_id in stale if take_back(job_id, cutoff)]
    waiting = set(
        Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    lost += sorted(waiting - set(lost) - pending_job_ids())
    for job_id in lost:
        enqueue(job_id)
    return lost


def take_back(job_id: int, cutoff: Any) -> bool:
    """Put a running job whose heartbeat is older than ``cutoff`` back to queued, in one statement that
    checks both again: False if a worker has claimed it or beaten since."""
    taken = Job.objects.filter(pk=job_id, status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=Job.Status.QUEUED, step=""
    )
    return taken == 1


def pending_job_ids() -> set[int]:
    """The job ids that wait in the queue (none in immediate mode)."""
    hub = queue()
    if hub.immediate:
        return set()
    return {task.args[0] for task in hub.pending() if isinstance(task, run_job.task_class) and task.args}


def _claim(job_id: int) -> Job | None:
    """Mark the job running, unless it has finished or another worker runs it (a fresh heartbeat)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        now = timezone.now()
        if job is None or job.status in (Job.Status.DONE, Job.Status.FAILED):
            return None  # a duplicate queue entry of a finished job
        if job.status == Job.Status.RUNNING and job.heartbeat_at and job.heartbeat_at > now - stale_after():
            return None
        job.status, job.attempts, job.error = Job.Status.RUNNING, job.attempts + 1, ""
        job.started_at = job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "error", "started_at", "heartbeat_at"])
        return job


def _step(job: Job, progress: int, step: str) -> None:
    job.progress, job.step, job.heartbeat_at = progress, step, timezone.now()
    job.save(update_fields=["progress", "step", "heartbeat_at"])


def _beat(job_id: int, done: threading.Event) -> None:
    """While a job runs, its heartbeat is kept fresh however long one step takes (a large PDF), so that only
    a job whose worker died looks stale."""
    from django.db import connection

    interval = max(0.5, stale_after().total_seconds() / 4)
    try:
        while not done.wait(interval):
            Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
    finally:
        connection.close()  # this thread's own connection


def run(job_id: int) -> None:
    job = _claim(job_id)
    if job is None:
        return
    done = threading.Event()
    beat = threading.Thread(target=_beat, args=(job.pk, done), name=f"job-{job.pk}-heartbeat", daemon=True)
    beat.start()
    try:
        RUNNERS[Job.Kind(job.kind)](job)
        job.status, job.progress, job.step = Job.Status.DONE, 100, ""
    except Exception as exc:  # the job fails and the page says so; the worker goes on
        job.status, job.error = Job.Status.FAILED, f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    finally:
        done.set()
        beat.join()
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "step", "error", "finished_at", "result"])


def report_inputs(survey: Any) -> dict[str, Any]:
    """What a survey's report is made from, as ``make_deck``/``write_all`` take it: the answers, the built-in
    spec, the quotes an analyst chose, the stored coding and the earlier waves (for the trend slides)."""
    from luotain.report.spec import builtin_spec
    from luotain.web.coding.services import stored_coding
    from luotain.web.collect.models import QuoteSelection
    from luotain.web.collect.services import response_records

    from .comparison import earlier_wave_records

    flags = QuoteSelection.objects.filter(response__survey=survey).values_list(
        "question_id", "response__public_id"
    )
    return {
        "records": response_records(survey),
        "spec": builtin_spec(survey.questionnaire_id),
        "quote_flags": list(flags),
        "coding": stored_coding(survey),
        "earlier": earlier_wave_records(survey),
    }


def _report(job: Job) -> None:
    from luotain.report.make import make_deck
    from luotain.report.render import render

    survey = job.survey
    job.files.all().delete()  # an earlier attempt's files, if it was interrupted
    _step(job, 5, "analysis")
    inputs = report_inputs(survey)
    records = inputs.pop("records")
    formats = [REPORT_FORMATS[f] for f in FORMATS if f in job.params.get("formats", [])]
    lang = job.params.get("language", "fi")
    deck = make_deck(survey.questionnaire, records, lang=lang, **inputs)
    for i, fmt in enumerate(formats):
        _step(job, 10 + 85 * i // len(formats), fmt.name)
        content = render(deck, fmt.name)
        ReportFile.objects.create(
            job=job,
            format=fmt.name,
            filename=fmt.filename(survey.slug, lang),
            content_type=fmt.content_type,
            content=content,
            size=len(content),
        )
    job.result = {"files": [f.filename for f in job.files.all()]}


def _actor(job: Job) -> Actor:
    """Who asked for the job: the staff user, or Luotain itself."""
    return Actor.of(job.requested_by) if job.requested_by else Actor.system(f"job {job.pk}")


def _invite(job: Job) -> None:
    from luotain.web.distribution.services import invite

    _step(job, 10, "sending")
    if job.district is None:
        raise ValueError("an invitation job names its district")
    # Skips the contacts already invited: safe to run again.
    sending = invite(job.survey, job.district, actor=_actor(job))
    job.result = {"sent": sending.sent, "failed": sending.failed, "skipped": sending.skipped}


def _remind(job: Job) -> None:
    from luotain.web.distribution.services import remind

    _step(job, 10, "sending")
    sending = remind(
        job.survey,
        actor=_actor(job),
        max_reminders=job.params.get("max_reminders", 2),
        min_days=job.params.get("min_days", 7),
    )
    job.result = {"sent": sending.sent, "failed": sending.failed, "skipped": sending.skipped}


RUNNERS = {Job.Kind.REPORT: _report, Job.Kind.INVITE: _invite, Job.Kind.REMIND: _remind}
