"""Taking back the jobs a dead worker left, in-process: each job runs once however the recovery, a live
worker and duplicate queue entries meet (tests/test_jobs.py does the same with real workers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from luotain.questionnaire import load_builtin
from luotain.web.audit.services import Actor
from luotain.web.backoffice import jobs
from luotain.web.backoffice.models import Job
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(monkeypatch):
    """The report runner replaced by one that counts the jobs it ran."""
    ran: list[int] = []
    monkeypatch.setitem(jobs.RUNNERS, Job.Kind.REPORT, lambda job: ran.append(job.pk))
    return ran


@pytest.fixture
def survey():
    return create_survey(load_builtin("mll-kumppanikysely-2024"), "mll-2024", actor=ACTOR)


def job_in(survey, status, *, beat_ago=None, attempts=1):
    job = Job.objects.create(kind=Job.Kind.REPORT, survey=survey, status=status, attempts=attempts)
    if beat_ago is not None:
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - beat_ago)
    return job


def test_a_job_whose_worker_died_runs_again_once(survey, runs):
    job = job_in(survey, Job.Status.RUNNING, beat_ago=timedelta(minutes=10))
    assert jobs.recover_stale() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts, runs) == (Job.Status.DONE, 2, [job.pk])
    assert jobs.recover_stale() == []  # done: nothing to take back
    assert runs == [job.pk]


def test_a_job_with_a_live_worker_is_left_alone(survey, runs):
    job = job_in(survey, Job.Status.RUNNING, beat_ago=timedelta(seconds=1))
    assert jobs.recover_stale() == []
    job.refresh_from_db()
    assert (job.status, job.attempts, runs) == (Job.Status.RUNNING, 1, [])


def test_a_job_claimed_between_the_look_and_the_update_is_not_taken_back(survey):
    job = job_in(survey, Job.Status.RUNNING, beat_ago=timedelta(minutes=10))
    cutoff = timezone.now() - jobs.stale_after()
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), attempts=2)  # a live worker claims it
    assert jobs.take_back(job.pk, cutoff) is False
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 2)


@pytest.mark.parametrize("status", [Job.Status.DONE, Job.Status.FAILED])
def test_a_duplicate_entry_of_a_finished_job_does_nothing(survey, runs, status):
    job = job_in(survey, status)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, runs) == (status, 1, [])


def test_a_queued_job_is_sent_again_only_when_the_queue_lost_it(survey, runs):
    job = job_in(survey, Job.Status.QUEUED, attempts=0)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    HUEY.immediate = False  # a real queue (in memory): entries wait until a worker takes them
    HUEY.flush()
    jobs.enqueue(job.pk)
    assert jobs.pending_job_ids() == {job.pk}
    assert jobs.recover_stale() == []  # it waits in the queue: not sent twice
    assert HUEY.pending_count() == 1
    HUEY.flush()  # the queue lost it (a Redis flushed, a queue file deleted)
    assert jobs.recover_stale() == [job.pk]
    assert jobs.pending_job_ids() == {job.pk}
    assert runs == []  # nothing ran in this process: a worker will take it
    HUEY.flush()
