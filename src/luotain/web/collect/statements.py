"""The statements every respondent page request runs, written once per database instead of built by the ORM
on every request.

Profiling page posts (docs/performance.md, "Load") showed Django building the SQL of the answering-link
lookup (a join, with the survey's heavy columns left out) and of the draft update taking several times as
long as running them: together about two fifths of a page post's CPU. Here the SQL is written once per
database connection's vendor from the models' own metadata (table and column names, quoted by the
backend), values go in as parameters, and what comes back passes through the same converters the ORM uses
(``Field.get_db_converters`` and the backend's), into instances made by ``Model.from_db`` as the ORM makes
them. tests/test_collect.py compares the results with the ORM's on SQLite, and CI runs it on PostgreSQL.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils import timezone

from luotain.web.surveys.models import RESPONDENT_FIELDS, Survey

from .models import Draft, Response

Converter = Callable[[Any, Any, Any], Any]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Columns:
    """Some columns of one model in a SELECT: their attribute names and how to convert what comes back."""

    model: type[Model]
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]  # (position, converters, column)

    def instance(self, values: Sequence[Any], db: BaseDatabaseWrapper) -> Any:
        row = list(values)
        for position, converters, column in self.converters:
            for convert in converters:
                row[position] = convert(row[position], column, db)
        return self.model.from_db(db.alias, self.attnames, row)  # type: ignore[attr-defined]


def _db() -> BaseDatabaseWrapper:
    """The default database's connection of this thread: the statements run there. Looked up once per
    statement and passed on (each use of ``django.db.connection`` looks it up again)."""
    return connections[DEFAULT_DB_ALIAS]


def _fetch_one(sql: str, params: list[Any], db: BaseDatabaseWrapper) -> Any:
    return _execute(sql, params, db, fetch=True)


def _execute(sql: str, params: list[Any], db: BaseDatabaseWrapper, *, fetch: bool = False) -> Any:
    """Run one statement; with ``fetch``, its first row.

    On a connection that is open and checked, the statement goes to the backend's own cursor: Django's
    cursor wrapper (its health check and thread checks, a wrapper object, the execute wrappers) cost a fifth
    of what running a statement costs here. Errors are still Django's (``wrap_database_errors``, which also
    marks the connection to be checked when the request ends), and Django's cursor is used whenever it
    has more to do: a connection to open or check, queries being logged (DEBUG, tests that count queries),
    a transaction that must be rolled back."""
    if (
        db.connection is None
        or db.queries_logged
        or (db.health_check_enabled and not db.health_check_done)
        or db.needs_rollback
        or db.execute_wrappers
    ):
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if fetch else None
    with db.wrap_database_errors:
        cursor = db.create_cursor()  # the backend's own (SQLite's turns %s into ?, and may queue writers)
        try:
            cursor.execute(sql, params)
            return cursor.fetchone() if fetch else None
        finally:
            cursor.close()


def _read_first(sql: str, params: list[Any], db: BaseDatabaseWrapper) -> Any:
    """``_fetch_one`` for the read a respondent's request starts with, which is also the connection's health
    check.

    With persistent connections and ``CONN_HEALTH_CHECKS``, Django runs ``SELECT 1`` before the first
    statement of every request, so that a connection the database server dropped while it was idle (a
    restart, a failover, an idle timeout) is replaced rather than failing the request. That check was a tenth
    of a page post's CPU (docs/performance.md, "Load"). Here the read itself is the check: it runs without
    Django's, and if it fails because the connection is gone, the connection is closed and the read run once
    more on a new one. A read changes nothing, so running it again is safe (Django checks first because the
    first statement of a request could be a write); outside a transaction only, and only on a connection
    that is no longer usable: any other error is raised as it was."""
    if db.connection is None or not db.health_check_enabled or db.health_check_done or db.in_atomic_block:
        return _fetch_one(sql, params, db)  # a new connection, no checks, or checked already in this request
    db.health_check_done = True
    try:
        return _fetch_one(sql, params, db)
    except DatabaseError as exc:
        # Any error, as Django's check; but only a connection that is gone is replaced.
        if db.in_atomic_block or db.is_usable():
            raise
        log.info("database connection replaced: %s", exc)
    db.close()
    return _fetch_one(sql, params, db)  # on a new connection; an error now is the database's, and is raised


def _columns(model: type[Model], table_alias: str, only: Sequence[str]) -> tuple[list[str], Columns]:
    """The columns of ``only`` (field names); the instances made have the model's other fields deferred, as
    the ORM's ``only()`` leaves them (read on first use, with a query of its own)."""
    quote = connection.ops.quote_name
    fields: list[Field[Any, Any]] = [
        f
        for f in model._meta.concrete_fields  # type: ignore[misc]
        if f.name in only or f.primary_key
    ]
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((position, tuple(found), column))
    sql = [f"{table_alias}.{quote(f.column)}" for f in fields]
    return sql, Columns(model, tuple(f.attname for f in fields), tuple(converters))


@dataclass(frozen=True)
class DraftLookup:
    sql: str
    draft: Columns
    survey: Columns

    def run(
        self,
        params: list[Any],
        db: BaseDatabaseWrapper,
        read: Callable[[str, list[Any], BaseDatabaseWrapper], Any] = _fetch_one,
    ) -> Draft | None:
        row = read(self.sql, params, db)
        if row is None:
            return None
        split = len(self.draft.attnames)
        draft = self.draft.instance(row[:split], db)
        draft.survey = self.survey.instance(row[split:], db)
        return draft  # type: ignore[no-any-return]


# What the respondent pages use of a draft (not its token's hash, which found it, nor when it was made) ...
DRAFT_FIELDS = ("survey", "answers", "page", "opened_at", "district", "updated_at", "submitted_at")

# How a draft is found: by its survey's slug and its token's hash (every page request), or by its id with
# the row locked until the transaction ends (the submit; SQLite's immediate transaction locks it anyway).
WHERE = {"link": "s.{slug} = %s AND d.{token_hash} = %s", "locked": "d.{id} = %s"}


@functools.lru_cache(maxsize=16)
def _draft_lookup(vendor: str, alias: str, where: str) -> DraftLookup:
    quote = connection.ops.quote_name
    draft_sql, draft = _columns(Draft, "d", DRAFT_FIELDS)
    survey_sql, survey = _columns(Survey, "s", RESPONDENT_FIELDS)
    condition = WHERE[where].format(slug=quote("slug"), token_hash=quote("token_hash"), id=quote("id"))
    # Only names from the models' metadata go into the text; the values are parameters.
    sql = (
        f"SELECT {', '.join(draft_sql + survey_sql)} "  # noqa: S608
        f"FROM {quote(Draft._meta.db_table)} d "
        f"INNER JOIN {quote(Survey._meta.db_table)} s ON s.{quote('id')} = d.{quote('survey_id')} "
        f"WHERE {condition}"
    )
    if where == "locked" and connection.features.has_select_for_update:
        # The draft's row only: Django's select_for_update() with select_related would lock the survey's row
        # too, and so make every submit of a survey wait for the one before it.
        sql += " FOR UPDATE OF d" if connection.features.has_select_for_update_of else " FOR UPDATE"
    return DraftLookup(sql, draft, survey)


def draft_of_link(slug: str, token_hash: str) -> Draft | None:
    """The draft with this token hash in the survey ``slug``, with its survey (its RESPONDENT_FIELDS)."""
    db = _db()
    return _draft_lookup(db.vendor, db.alias, "link").run([slug, token_hash], db, _read_first)


def locked_draft(draft_id: int) -> Draft | None:
    """The draft ``draft_id`` with its survey (its RESPONDENT_FIELDS), the draft's row locked until the
    transaction ends (``SELECT ... FOR UPDATE OF`` where the database has it)."""
    db = _db()
    if not db.in_atomic_block:
        raise RuntimeError("locked_draft() needs a transaction")
    return _draft_lookup(db.vendor, db.alias, "locked").run([draft_id], db)


@functools.lru_cache(maxsize=8)
def _survey_lookup(vendor: str, alias: str) -> tuple[str, Columns]:
    quote = connection.ops.quote_name
    survey_sql, survey = _columns(Survey, "s", RESPONDENT_FIELDS)
    table = quote(Survey._meta.db_table)
    sql = f"SELECT {', '.join(survey_sql)} FROM {table} s WHERE s.{quote('slug')} = %s"  # noqa: S608
    return sql, survey


def survey(slug: str) -> Survey | None:
    """The survey ``slug`` with its RESPONDENT_FIELDS only."""
    db = _db()
    sql, columns = _survey_lookup(db.vendor, db.alias)
    row = _read_first(sql, [slug], db)
    return None if row is None else columns.instance(row, db)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=8)
def _kind_lookup(vendor: str, alias: str) -> str:
    from luotain.web.partners.models import Organisation

    quote = connection.ops.quote_name
    table = quote(Organisation._meta.db_table)
    return f"SELECT {quote('kind')} FROM {table} WHERE {quote('code')} = %s"  # noqa: S608


def organisation_kind(code: str) -> str | None:
    """The kind of the registry's organisation ``code`` (None if there is none)."""
    db = _db()
    row = _fetch_one(_kind_lookup(db.vendor, db.alias), [code], db)
    return None if row is None else str(row[0])


def _draft_assignments(attnames: Sequence[str]) -> str:
    """``col = %s, ...`` for these fields of a draft."""
    quote = connection.ops.quote_name
    return ", ".join(f"{quote(Draft._meta.get_field(name).column)} = %s" for name in attnames)  # type: ignore[union-attr]


def _draft_values(draft: Draft, attnames: Sequence[str], db: BaseDatabaseWrapper) -> list[Any]:
    """The values of ``attnames`` (``updated_at`` set now, as ``auto_now`` would), each prepared by its field
    as ``Model.save`` prepares it."""
    draft.updated_at = timezone.now()
    return [
        Draft._meta.get_field(name).get_db_prep_save(getattr(draft, name), db)  # type: ignore[union-attr]
        for name in attnames
    ]


def _stored(obj: Model, pk: Any, db: BaseDatabaseWrapper) -> None:
    """Mark ``obj`` as the row ``pk`` just inserted, as ``Model.save`` leaves it."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = db.alias


@functools.lru_cache(maxsize=16)
def _draft_update(vendor: str, alias: str, attnames: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    table = quote(Draft._meta.db_table)
    return f"UPDATE {table} SET {_draft_assignments(attnames)} WHERE {quote('id')} = %s"  # noqa: S608


def update_draft(draft: Draft, attnames: Sequence[str]) -> None:
    """Write these fields of ``draft`` (and ``updated_at``) in one UPDATE."""
    db, names = _db(), (*attnames, "updated_at")
    params = _draft_values(draft, names, db)
    _execute(_draft_update(db.vendor, db.alias, names), [*params, draft.pk], db)


@functools.lru_cache(maxsize=16)
def _insert(vendor: str, alias: str, model: type[Model], conflict: str | None) -> tuple[str, tuple[Any, ...]]:
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if f is not meta.auto_field)
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
    if conflict is not None:
        sql += f" ON CONFLICT ({quote(meta.get_field(conflict).column)}) DO NOTHING"  # type: ignore[union-attr]
    return f"{sql} RETURNING {quote(meta.pk.column)}", fields  # type: ignore[union-attr]


def insert(obj: Model, *, unless_taken: str | None = None) -> bool:
    """Insert ``obj`` as ``Model.save`` would (each field's ``pre_save`` and ``get_db_prep_save``, so
    ``auto_now_add`` fills in) in one statement that returns its id. With ``unless_taken`` (a field with a
    unique index), nothing is inserted when a row already has that field's value, and False is returned."""
    db = _db()
    if not db.features.can_return_columns_from_insert:  # pragma: no cover - SQLite < 3.35
        taken = (
            type(obj)._default_manager.filter(**{unless_taken: getattr(obj, unless_taken)})
            if unless_taken
            else None
        )
        if taken is not None and taken.exists():
            return False
        obj.save(force_insert=True)
        return True
    sql, fields = _insert(db.vendor, db.alias, type(obj), unless_taken)
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    row = _fetch_one(sql, params, db)
    if row is None:
        return False
    _stored(obj, row[0], db)
    return True


@functools.lru_cache(maxsize=8)
def _submit_in_one(vendor: str, alias: str, attnames: tuple[str, ...]) -> tuple[str, tuple[Any, ...]]:
    quote = connection.ops.quote_name
    draft_table, response_table = quote(Draft._meta.db_table), quote(Response._meta.db_table)
    assignments = _draft_assignments(attnames)
    given = tuple(
        f for f in Response._meta.concrete_fields if f.name not in ("id", "survey", "draft", "district")
    )
    columns = ", ".join(quote(f.column) for f in given)
    values = ", ".join(["%s"] * len(given))
    # Only names from the models' metadata go into the text; the values are parameters.
    sql = (
        f"WITH d AS (UPDATE {draft_table} SET {assignments} "  # noqa: S608
        f"WHERE {quote('id')} = %s AND {quote('submitted_at')} IS NULL "
        f"RETURNING {quote('id')}, {quote('survey_id')}, {quote('district_id')}), "
        f"r AS (INSERT INTO {response_table} ({quote('survey_id')}, {quote('draft_id')}, "
        f"{quote('district_id')}, {columns}) "
        f"SELECT d.{quote('survey_id')}, d.{quote('id')}, d.{quote('district_id')}, {values} FROM d "
        f"ON CONFLICT ({quote('draft_id')}) DO NOTHING RETURNING {quote('id')}) "
        "SELECT (SELECT id FROM r)"
    )
    return sql, given


def can_submit_in_one() -> bool:
    """Whether the database takes a data-modifying WITH (PostgreSQL does; SQLite does not)."""
    return connection.vendor == "postgresql"


def submit_in_one(draft: Draft, attnames: Sequence[str], response: Response) -> bool:
    """Write ``attnames`` of ``draft`` (with ``submitted_at`` and ``updated_at``) and insert ``response`` in
    one statement, so atomically, without a transaction or a lock held across statements: only if the draft
    is not submitted yet, and only if no response has its draft. Concurrent submits of one draft queue on its
    row, and each after the first finds it submitted. True if this call stored the response (its id is
    set)."""
    db, names = _db(), (*attnames, "submitted_at", "updated_at")
    sql, given = _submit_in_one(db.vendor, db.alias, names)
    params = [*_draft_values(draft, names, db), draft.pk]
    params += [f.get_db_prep_save(f.pre_save(response, True), db) for f in given]
    row = _fetch_one(sql, params, db)
    if row is None or row[0] is None:
        return False
    _stored(response, row[0], db)
    return True
