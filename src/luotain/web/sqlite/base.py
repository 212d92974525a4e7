"""Django's SQLite backend with writers queued in the kernel instead of polling.

SQLite lets one writer in at a time. A connection that finds the database locked sleeps and tries again (its
busy handler waits 1, 2, 5, 10, 15, 20, 25, ... ms), so when respondents submit at the same moment a write
can sleep for tens of milliseconds after the lock was freed: that, not the work, was the slow tail of the
load benchmark (docs/performance.md). Here every write (a write statement outside a transaction, or a
transaction, which Luotain begins IMMEDIATE) first takes an exclusive ``flock`` on a file beside the
database, ``NAME-writers.lock``. Each connection opens the file itself, so the threads of one process queue
too; a waiting writer sleeps in the kernel and wakes as soon as the lock is released, and then finds SQLite's
own lock free. Readers take no lock (WAL lets them read while one writes).

Every Luotain process on the machine (servers, workers, commands) takes the same lock. A program that writes
to the database without it meets SQLite's own locking, which stays in force with its busy timeout. The lock
has no timeout of its own: it is held only for one statement or one transaction, and the kernel releases it
when its process ends. In-memory databases (the tests) take no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
from typing import Any

from django.db.backends.sqlite3 import base

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriterLock:
    """An exclusive flock on one open file of its own (flock locks belong to the open file, so two
    connections of one process exclude each other as two processes do)."""

    def __init__(self, path: str):
        self.path = path
        self.file: Any = None
        self.held = False

    def acquire(self) -> None:
        if self.held:
            return
        if self.file is None:
            self.file = open(self.path, "ab")  # noqa: SIM115 - kept open for the connection's life
        fcntl.flock(self.file.fileno(), fcntl.LOCK_EX)
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def close(self) -> None:
        self.release()
        if self.file is not None:
            self.file.close()
            self.file = None


def is_write(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(WRITES)


class LockingCursorWrapper(base.SQLiteCursorWrapper):
    """Takes the connection's writer lock around a write statement run outside a transaction.

    A write that returns rows (``INSERT ... RETURNING``, which Django's inserts use) keeps SQLite's own write
    lock until its rows have been read, so its rows are read while the writer lock is held and given out from
    here: else the next writer would get the writer lock while SQLite's is still taken, and sleep in SQLite's
    busy handler after all."""

    writer_lock: WriterLock  # set on the subclass made for each connection
    _rows: list[Any] | None = None  # a write's rows, read under the lock

    def _guard(self, query: str) -> contextlib.AbstractContextManager[Any]:
        if self.connection.in_transaction or not is_write(query):
            return contextlib.nullcontext()  # a transaction holds the lock already; a read needs none
        return self.writer_lock

    def execute(self, query: str, params: Any = None) -> Any:
        self._rows = None
        guard = self._guard(query)
        with guard:
            result = super().execute(query, params)
            if guard is self.writer_lock and self.description is not None:
                self._rows = super().fetchall()  # the statement ends, and with it SQLite's write lock
        return result

    def fetchone(self) -> Any:
        if self._rows is None:
            return super().fetchone()
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        if self._rows is None:
            return super().fetchmany(self.arraysize if size is None else size)
        n = self.arraysize if size is None else size
        taken, self._rows = self._rows[:n], self._rows[n:]
        return taken

    def fetchall(self) -> list[Any]:
        if self._rows is None:
            return super().fetchall()
        taken, self._rows = self._rows, []
        return taken

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def executemany(self, query: str, param_list: Any) -> Any:
        with self._guard(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    writer_lock: WriterLock | None = None
    cursor_class: type[base.SQLiteCursorWrapper] = base.SQLiteCursorWrapper

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or name.startswith("file:"):
            self.writer_lock, self.cursor_class = None, base.SQLiteCursorWrapper
        else:
            self.writer_lock = WriterLock(f"{name}-writers.lock")
            self.cursor_class = type(
                "LockingCursor", (LockingCursorWrapper,), {"writer_lock": self.writer_lock}
            )
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=self.cursor_class)

    def _start_transaction_under_autocommit(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            if self.writer_lock is not None:
                self.writer_lock.close()

    def _release(self) -> None:
        if self.writer_lock is not None:
            self.writer_lock.release()
