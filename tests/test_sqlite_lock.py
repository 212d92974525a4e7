"""luotain.web.sqlite: SQLite writers queue on a lock file (in the kernel) instead of sleeping in SQLite's
busy handler; readers do not wait; in-memory databases take no lock."""

from __future__ import annotations

import sqlite3
import threading
import uuid

import pytest
from django.db import connections

from luotain.web.sqlite.base import DatabaseWrapper, is_write

OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker):
    """These tests open SQLite files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


def wrapper(name: str) -> DatabaseWrapper:
    settings = {
        **connections["default"].settings_dict,
        "ENGINE": "luotain.web.sqlite",
        "NAME": name,
        "OPTIONS": OPTIONS,
        "CONN_MAX_AGE": 0,
    }
    return DatabaseWrapper(settings, alias=f"lock-{uuid.uuid4().hex}")


def in_thread(work) -> tuple[threading.Thread, threading.Event, list]:
    done, errors = threading.Event(), []

    def run():
        try:
            work()
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done, errors


def test_a_writer_waits_for_the_lock_and_a_reader_does_not(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x INTEGER)")
    holding, go = threading.Event(), threading.Event()

    def hold():  # takes the writer lock only: SQLite's own lock stays free
        first = wrapper(str(path))
        first.ensure_connection()
        first.writer_lock.acquire()
        holding.set()
        go.wait(30)
        first.close()  # closing the connection releases its lock

    holder, _, holder_errors = in_thread(hold)
    assert holding.wait(30)
    assert (tmp_path / "db.sqlite3-writers.lock").exists()

    def read():
        second = wrapper(str(path))
        with second.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t")
        second.close()

    _, read_done, read_errors = in_thread(read)
    assert read_done.wait(30) and read_errors == []  # a reader does not wait for writers

    def write():
        third = wrapper(str(path))
        with third.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (%s)", [2])
        third.close()

    writer, write_done, write_errors = in_thread(write)
    # SQLite itself would let this write in at once; it waits for the lock file's holder.
    assert not write_done.wait(1.0)
    go.set()
    assert write_done.wait(30) and write_errors == [] and holder_errors == []
    holder.join(30)
    writer.join(30)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(2,)]


def test_a_transaction_holds_the_lock_until_it_ends(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    db = wrapper(path)
    db.ensure_connection()
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    assert db.writer_lock.held is False  # a statement outside a transaction let it go
    db._start_transaction_under_autocommit()
    assert db.writer_lock.held is True
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    db.commit()
    assert db.writer_lock.held is False
    db._start_transaction_under_autocommit()
    db.rollback()
    assert db.writer_lock.held is False
    db.close()


def test_a_write_returning_rows_ends_before_the_lock_is_let_go(tmp_path):
    """INSERT ... RETURNING keeps SQLite's write lock until its rows are read: they are read while the writer
    lock is held, so the next writer finds SQLite free when it gets the writer lock."""
    path = str(tmp_path / "db.sqlite3")
    db = wrapper(path)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
        cursor.execute("INSERT INTO t (x) VALUES (%s), (%s) RETURNING id, x", [5, 6])
        assert db.writer_lock.held is False
        other = sqlite3.connect(path, timeout=0)  # no busy wait: a taken lock fails at once
        other.execute("INSERT INTO t (x) VALUES (7)")  # SQLite's write lock is free already
        other.commit()
        other.close()
        assert cursor.fetchone() == (1, 5)  # the rows are all there, in order
        assert cursor.fetchall() == [(2, 6)] and cursor.fetchone() is None
        cursor.execute("INSERT INTO t (x) VALUES (%s) RETURNING id", [8])
        assert list(cursor) == [(4,)]
        cursor.execute("SELECT x FROM t ORDER BY id")  # a read's rows come from SQLite as before
        assert cursor.fetchmany(2) == [(5,), (6,)] and cursor.fetchall() == [(7,), (8,)]
    db.close()


def test_in_memory_databases_take_no_lock():
    db = wrapper(":memory:")
    db.ensure_connection()
    assert db.writer_lock is None
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
        cursor.execute("INSERT INTO t VALUES (1)")
    db.close()


def test_which_statements_are_writes():
    assert (
        is_write("INSERT INTO t VALUES (1)")
        and is_write("  update t set x = 1")
        and is_write("DELETE FROM t")
    )
    assert not is_write("SELECT 1") and not is_write("PRAGMA journal_mode=WAL")
