"""Tests that need a real server database. They skip only when DATABASE_URL is unset; CI always sets it."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, connections

from luotain.web.audit.services import Actor
from luotain.web.collect.models import Response
from luotain.web.collect.services import save_page, start_draft, submit_response
from luotain.web.partners.services import seed_registry
from luotain.web.surveys.services import create_survey

ACTOR = Actor.command("test")  # who does what the tests do, in the audit log

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs PostgreSQL: set DATABASE_URL",
)


def run_together(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_drafts_are_kept_uncompressed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", ["collect_draft"])
        (options,) = cursor.fetchone()
    assert "toast_tuple_target=8160" in options


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_draft_store_one_response(small):
    seed_registry()
    survey = create_survey(small, "rinnakkain", actor=ACTOR)
    draft, _token = start_draft(survey)
    answers = {
        "org_type": "kunta",
        "organisation": "kunta:091",
        "grid/a": "kunta",
        "grid/b": "kunta",
        "recommend": 8,
    }
    for section in small.sections:
        owned = {c.name for q in section.questions for c in q.columns()}
        save_page(draft, section, {k: v for k, v in answers.items() if k in owned}, 1)

    barrier = threading.Barrier(6)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            results.append(submit_response(draft.pk).pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    run_together([threading.Thread(target=submit) for _ in range(6)])
    assert errors == []
    assert len(set(results)) == 1
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_with_the_last_page_store_one_response(small):
    """Six requests send the last page of one draft at once, each with other answers: the draft's row lock
    lets one of them store the response; the others find it submitted and return that response."""
    seed_registry()
    survey = create_survey(small, "yhdella", actor=ACTOR)
    draft, _token = start_draft(survey)
    answers = {"org_type": "kunta", "organisation": "kunta:091", "grid/a": "kunta", "grid/b": "kunta"}
    for section in small.sections[:-1]:
        owned = {c.name for q in section.questions for c in q.columns()}
        save_page(draft, section, {k: v for k, v in answers.items() if k in owned}, 1)
    last = small.sections[-1]
    barrier = threading.Barrier(6)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            barrier.wait()
            values = {"grid/a": "kunta", "grid/b": "kunta", "recommend": n}
            results.append(submit_response(draft.pk, (last, values, len(small.sections))).pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    run_together([threading.Thread(target=submit, args=(n,)) for n in range(6)])
    assert errors == []
    assert len(set(results)) == 1
    stored = Response.objects.get(survey=survey)
    draft.refresh_from_db()
    # The response is the answers of the one submit that won, and the draft holds the same.
    assert draft.submitted_at == stored.submitted_at and stored.draft_id == draft.pk
    assert stored.answers["recommend"] == draft.answers["recommend"]
    assert {k: stored.answers[k] for k in ("org_type", "organisation")} == {
        "org_type": "kunta",
        "organisation": "kunta:091",
    }


def _begin(client) -> str:
    r = client.post("/s/pudotettu/")
    return r["Location"].rsplit("/", 2)[0] + "/"


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced(client, small):
    """Persistent connections are checked before a request's first statement (Django's CONN_HEALTH_CHECKS):
    a connection the server closed between two requests (a restart, an idle timeout) is replaced, the request
    served, nothing lost."""
    import psycopg
    from django.db import close_old_connections

    from luotain.web.collect.models import Draft

    seed_registry()
    create_survey(small, "pudotettu", actor=ACTOR)
    base = _begin(client)
    close_old_connections()  # what a server does as each request starts, and Django's test client leaves out
    r = client.post(base + "1/", {"action": "next", "org_type": "hyvinvointialue", "role": "johto"})
    assert r.status_code == 302 and r["Location"].endswith("/2/")

    old = connection.connection.info.backend_pid
    with psycopg.connect(connection.connection.info.dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old])
    close_old_connections()
    r = client.post(base + "2/", {"action": "next", "organisation": "hva:05"})
    assert r.status_code == 302 and r["Location"].endswith("/4/")
    assert connection.connection.info.backend_pid != old
    draft = Draft.objects.get()
    assert draft.answers["organisation"] == "hva:05" and draft.page == 4
