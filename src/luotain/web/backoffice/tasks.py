"""The job queue's tasks (Huey, through huey.contrib.djhuey, which imports every app's ``tasks`` module; the
queue is chosen by LUOTAIN_QUEUE_URL): running a job (``jobs.run_job``) and the periodic ones."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import jobs
from .jobs import run_job

__all__ = ["recover_jobs", "retention", "run_job"]

logger = logging.getLogger("luotain")


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]  # huey has no type hints
def recover_jobs() -> None:
    jobs.recover_stale()


@db_periodic_task(crontab(hour="3", minute="15"))  # type: ignore[untyped-decorator]  # huey has no type hints
def retention() -> None:
    """Every night: anonymise surveys past their closing time and delete what their retention period
    allows (docs/privacy.md)."""
    from luotain.web.audit.services import Actor
    from luotain.web.privacy.services import apply_retention

    for line in apply_retention(actor=Actor.system("retention")).lines():
        logger.info("retention: %s", line)
