"""SQLite, the default database: Django's own backend with WAL, a busy timeout and IMMEDIATE transactions, so
that concurrent writers queue for the write lock instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite's settings"
)


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker):
    """These tests open an SQLite file of their own, with Luotain's options, not the test database."""
    with django_db_blocker.unblock():
        yield


def database(path, options) -> DatabaseWrapper:
    alias = f"sqlite-{uuid.uuid4().hex}"
    config = {
        **connections["default"].settings_dict,
        "NAME": str(path),
        "OPTIONS": options,
        "CONN_MAX_AGE": 0,
    }
    connections.settings[alias] = config
    return connections[alias]


def read_then_write(path, options, writers: int = 6, rounds: int = 5) -> tuple[int, list[Exception]]:
    """``writers`` threads, each with a connection of its own, ``rounds`` times: in one transaction read a
    counter, wait a little, write it back one higher. Returns the counter and the errors."""
    setup = database(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    errors: list[Exception] = []
    start = threading.Barrier(writers)

    def work() -> None:
        db = database(path, options)
        try:
            start.wait()
            for _ in range(rounds):
                with transaction.atomic(using=db.alias), db.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    time.sleep(0.005)
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = database(path, options)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        (n,) = cursor.fetchone()
    check.close()
    return n, errors


def test_concurrent_writers_queue_and_none_fails(tmp_path):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    n, errors = read_then_write(tmp_path / "luotain.sqlite3", options)
    assert errors == [] and n == 6 * 5  # every increment kept: the transactions ran one after another


def test_without_immediate_transactions_concurrent_writers_fail(tmp_path):
    """The same work in SQLite's default (deferred) transactions: a read that turns into a write finds the
    lock taken and fails at once, whatever the busy timeout. What IMMEDIATE is there for."""
    options = {**settings.DATABASES["default"]["OPTIONS"], "transaction_mode": "DEFERRED"}
    n, errors = read_then_write(tmp_path / "deferred.sqlite3", options)
    assert errors and all("locked" in str(e) for e in errors)
    assert n < 6 * 5
