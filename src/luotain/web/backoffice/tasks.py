"""The job queue's tasks (Huey, through huey.contrib.djhuey; the queue is chosen by LUOTAIN_QUEUE_URL)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import jobs

logger = logging.getLogger("luotain")


@db_task(retries=2, retry_delay=30)
def run_job(job_id: int) -> None:
    jobs.run(job_id)


@db_periodic_task(crontab(minute="*/5"))
def recover_jobs() -> None:
    jobs.recover_stale()


@db_periodic_task(crontab(hour="3", minute="15"))
def retention() -> None:
    """Every night: anonymise surveys past their closing time and delete what their retention period
    allows (docs/privacy.md)."""
    from luotain.web.audit.services import Actor
    from luotain.web.privacy.services import apply_retention

    for line in apply_retention(actor=Actor.system("retention")).lines():
        logger.info("retention: %s", line)
