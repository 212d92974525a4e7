"""The job queue with real workers: a report made by `luotain worker` on the SQLite queue and on Redis, and
a worker killed in the middle of a report, after which the job runs again and finishes.

These tests run everything in separate processes on a SQLite database file of their own (the queue is what
they test; the database backends are tested elsewhere). Redis is at 127.0.0.1:6379 (database 15); without
it the Redis test skips, except where LUOTAIN_REQUIRE_REDIS is set (CI), where it fails."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"

SETUP = """
from luotain.web import commands
commands.setup()
commands.migrate()
from luotain.questionnaire import load_builtin
from luotain.mll.demo_2024 import generate
from luotain.web.backoffice import jobs
from luotain.web.collect.services import import_responses
from luotain.web.audit.services import Actor
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log
survey = create_survey(load_builtin("mll-kumppanikysely-2024"), "mll-2024", actor=ACTOR)
import_responses(survey, generate().records, source="demo", actor=ACTOR)
job = jobs.submit("report", survey, formats=["html", "pdf", "pptx"], language="fi")
print(job.pk)
"""


def redis_or_skip() -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
        client.flushdb()
    except Exception as exc:
        if os.environ.get("LUOTAIN_REQUIRE_REDIS", "").lower() in ("1", "true"):
            pytest.fail(f"Redis must be reachable at {REDIS_URL} here: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")


def environment(tmp_path: Path, queue: str, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LUOTAIN_", "DATABASE_URL", "DJANGO_"))}
    return {
        **clean,
        "LUOTAIN_HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LUOTAIN_QUEUE_URL": queue,
        **extra,
    }


def job_row(tmp_path: Path, job_id: int) -> tuple[str, int, str]:
    with sqlite3.connect(tmp_path / "db.sqlite3", timeout=20) as db:
        row = db.execute(
            "SELECT status, attempts, step FROM backoffice_job WHERE id = ?", (job_id,)
        ).fetchone()
    return row[0], row[1], row[2]


def report_files(tmp_path: Path, job_id: int) -> list[tuple[str, int]]:
    with sqlite3.connect(tmp_path / "db.sqlite3", timeout=20) as db:
        return db.execute(
            "SELECT filename, size FROM backoffice_reportfile WHERE job_id = ? ORDER BY filename", (job_id,)
        ).fetchall()


def start_worker(env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "luotain", "worker"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, seconds: float, what: str, tmp_path: Path, every: float = 0.2) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def submit_report(env: dict[str, str], tmp_path: Path) -> int:
    out = subprocess.run(  # noqa: S603 - runs our own code
        [sys.executable, "-c", SETUP], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_worker_makes_the_report(tmp_path, queue):
    if queue == "redis":
        redis_or_skip()
    env = environment(tmp_path, REDIS_URL if queue == "redis" else "sqlite")
    job_id = submit_report(env, tmp_path)
    assert job_row(tmp_path, job_id)[0] == "queued"  # nothing runs it until a worker does
    worker = start_worker(env, tmp_path, "worker")
    try:
        wait_for(lambda: job_row(tmp_path, job_id)[0] in ("done", "failed"), 120, "the report", tmp_path)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    status, attempts, _ = job_row(tmp_path, job_id)
    assert (status, attempts) == ("done", 1)
    files = report_files(tmp_path, job_id)
    assert [name for name, _ in files] == ["mll-2024.html", "mll-2024.pdf", "mll-2024.pptx"] and all(
        size > 1000 for _, size in files
    )


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_a_worker_killed_mid_report_and_the_job_runs_again(tmp_path, queue):
    if queue == "redis":
        redis_or_skip()
    url = REDIS_URL if queue == "redis" else "sqlite"
    env = environment(tmp_path, url, LUOTAIN_JOB_STALE_SECONDS="2")
    job_id = submit_report(env, tmp_path)
    first = start_worker(env, tmp_path, "first")
    try:
        # A fresh worker's first report takes seconds (it imports the report libraries as the job runs, then
        # lays out the PDF): caught while it runs, the worker is killed in the middle of it.
        wait_for(
            lambda: job_row(tmp_path, job_id)[0] == "running", 180, "the job to start", tmp_path, every=0.02
        )
    finally:
        first.send_signal(signal.SIGKILL)  # the worker dies in the middle of the report
        first.wait(timeout=30)
    assert job_row(tmp_path, job_id)[0] == "running"  # left behind as a dead worker leaves it
    time.sleep(3.5)  # its heartbeat goes stale (older than 2 s, with room for a busy machine)
    second = start_worker(env, tmp_path, "second")
    try:
        wait_for(
            lambda: job_row(tmp_path, job_id)[0] in ("done", "failed"), 120, "the job to finish", tmp_path
        )
    finally:
        second.terminate()
        second.wait(timeout=30)
    status, attempts, _ = job_row(tmp_path, job_id)
    assert (status, attempts) == ("done", 2)
    assert [name for name, _ in report_files(tmp_path, job_id)] == [
        "mll-2024.html",
        "mll-2024.pdf",
        "mll-2024.pptx",
    ]
    assert "run again" in (tmp_path / "second.log").read_text()
