"""Faults: the database failing during a submit or a page save, the server killed between pages, and
concurrent submits through one link against a real server."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError

from luotain.web.audit.services import Actor
from luotain.web.collect import services
from luotain.web.collect.models import Draft, Response
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey
from tests.process_support import Browser, clean_environment, free_port

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log


@pytest.fixture()
def survey(small, db):
    seed_registry()
    return create_survey(small, "pieni", actor=ACTOR)


def begin(client) -> str:
    r = client.post("/s/pieni/")
    return r["Location"].rsplit("/", 2)[0] + "/"


LAST_PAGE = {"action": "next", "grid/a": "kunta", "grid/b": "kunta", "recommend": "10", "comments": "Hyvä"}


def answer_first_pages(client, base: str) -> None:
    client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue", "role": "johto"})
    client.post(base + "2/", {"action": "next", "organisation": "hva:05"})


def test_database_down_during_the_submit_keeps_everything_and_stores_nothing(client, survey, monkeypatch):
    base = begin(client)
    answer_first_pages(client, base)

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(Response, "save", down)  # the response's insert fails; nothing else does
    r = client.post(base + "4/", LAST_PAGE)
    html = r.content.decode()
    assert r.status_code == 503 and r["Retry-After"] == "30"
    assert "Yritä hetken päästä uudelleen" in html and "Traceback" not in html
    assert Response.objects.count() == 0
    draft = Draft.objects.get()
    assert draft.submitted_at is None
    assert draft.answers["org_type"] == "hyvinvointialue" and draft.answers["organisation"] == "hva:05"
    # The last page's answers go in with the submit, all or nothing: they are still in the browser's form.
    assert "comments" not in draft.answers and draft.page == 4

    monkeypatch.undo()  # the database is back: the same page sent again stores exactly one response
    r = client.post(base + "4/", LAST_PAGE)
    assert r.status_code == 302 and r["Location"].endswith("/kiitos/")
    assert Response.objects.get().answers["comments"] == "Hyvä"


def test_database_down_while_saving_a_page(client, survey, monkeypatch):
    base = begin(client)
    answer_first_pages(client, base)

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "save_page", down)
    r = client.post(base + "4/", {"action": "back", "grid/a": "kunta"})
    assert r.status_code == 503 and "Takaisin" in r.content.decode()
    assert Draft.objects.get().answers["organisation"] == "hva:05"  # the pages sent before are kept


# --- a real server --------------------------------------------------------------------------------------


def serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = clean_environment(home, LUOTAIN_QUEUE_URL="immediate")
    log = (home / "serve.log").open("ab")
    server = subprocess.Popen(  # noqa: S603 - runs our own command
        [sys.executable, "-m", "luotain", "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
        env=env,
        cwd=home,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("the server did not start: " + (home / "serve.log").read_text())


def kill(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGKILL)  # gunicorn and its workers, with no chance to clean up
    server.wait(timeout=30)


def test_server_killed_between_pages_then_concurrent_submits(tmp_path):
    from tests.conftest import SMALL

    (tmp_path / "pieni.yaml").write_text(SMALL, encoding="utf-8")
    created = subprocess.run(
        [sys.executable, "-m", "luotain", "create-survey", "pieni.yaml", "--slug", "pieni"],
        env=clean_environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    port = free_port()
    server = serve(tmp_path, port)
    try:
        who = Browser(f"http://127.0.0.1:{port}")
        _, start_page, _ = who.get("/s/pieni/")
        status, first = who.post("/s/pieni/", {}, start_page)
        assert status == 302 and first.endswith("/1/")
        page_base = urllib.parse.urlparse(first).path.rsplit("/", 2)[0] + "/"
        _, html, _ = who.get(page_base + "1/")
        status, location = who.post(
            page_base + "1/", {"action": "next", "org_type": "kunta", "role": "johto"}, html
        )
        assert status == 302 and location.endswith("/2/")
    finally:
        kill(server)  # killed between pages 1 and 2

    server = serve(tmp_path, port)
    try:
        status, _, location = who.get(page_base)  # the resume link
        assert status == 302 and location.endswith("/2/")
        _, html, _ = who.get(page_base + "2/")
        assert 'value="kunta:091"' in html  # page 1's answer (a municipality) still shapes page 2
        status, location = who.post(page_base + "2/", {"action": "next", "organisation": "kunta:091"}, html)
        assert location.endswith("/3/")
        _, html, _ = who.get(page_base + "3/")
        who.post(page_base + "3/", {"action": "next", "kunta_only": "3"}, html)
        _, html, _ = who.get(page_base + "4/")
        last = {k: v for k, v in LAST_PAGE.items()}
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda _: who.post(page_base + "4/", last, html), range(8)))
        assert all(status == 302 and location.endswith("/kiitos/") for status, location in results), results
    finally:
        kill(server)
    import sqlite3

    with sqlite3.connect(tmp_path / "var" / "luotain.sqlite3") as db:
        rows = db.execute("SELECT answers FROM collect_response").fetchall()
    assert len(rows) == 1  # eight concurrent submits through one link: one response
    assert '"role": "johto"' in rows[0][0] and '"organisation": "kunta:091"' in rows[0][0]
