"""Append-only, hash-chained event logs, written once (issue 15 point 1, issue 12 point 3).

What every audit trail of the project shares — dossier events, PAKN events and personal-data access, steering
events, the registry access log, the message log between deployments:

- :class:`AppendOnlyError`, raised by the ORM on any update or delete of an entry;
- :class:`AppendOnlyQuerySet` (``objects = AppendOnlyQuerySet.as_manager()``) and :class:`AppendOnlyModel` (a mixin
  whose ``save`` only inserts and whose ``delete`` refuses);
- :class:`AppendOnlyTriggers`, the migration operation that makes the database itself refuse UPDATE and DELETE of a
  table's rows — on PostgreSQL (a row trigger) as on SQLite (two triggers);
- the keyed links (:mod:`motcua.core.chain`) and the signed checkpoints (:mod:`motcua.core.checkpoints`) that make
  what a database administrator could still do (drop the triggers, edit, re-hash, delete) detectable;
- the registry of chained logs (:func:`register_chained_log`) that ``motcua audit verify`` (:mod:`motcua.core.audit`)
  walks.

**SQLite and Django's flush.** The SQLite DELETE trigger asks the connection function ``motcua_append_only_guard()``
whether a delete is refused. Django's connections register it (always "refuse"), except while Django flushes the
database (``manage.py flush``, the tests' transactional teardown), which empties every table; a plain ``sqlite3``
client lacks the function, so a DELETE from it fails too. PostgreSQL's flush is TRUNCATE, which row triggers do not
see (TRUNCATE is a privilege of its own: the application's role should not hold it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.migrations.operations.base import Operation

from .registry import Registry


@dataclass(frozen=True)
class ChainedLog:
    """A hash-chained log as ``motcua audit verify`` knows it: ``name`` (``--log NAME``), ``verify(progress=,
    checkpoint=)`` returning a :class:`motcua.core.audit.Report`, and ``order`` (where it comes in the output)."""

    name: str
    verify: Callable[..., Any]
    order: int


# The chained logs, by ``--log`` name (the plugin registry pattern of core.registry).
chained_log_registry: Registry[ChainedLog] = Registry("chained log")


def register_chained_log(name: str, verify: Callable[..., Any], *, order: int) -> None:
    """Register a chained log with the audit (each package that keeps one, in its ``AppConfig.ready()``: the audit
    in ``core`` then verifies logs of packages above it without importing them). Registering a name again replaces
    it."""
    chained_log_registry.add(name, ChainedLog(name, verify, order))


def chained_logs() -> list[ChainedLog]:
    """The registered chained logs, in their order."""
    return sorted(chained_log_registry.values(), key=lambda log: (log.order, log.name))


class AppendOnlyError(Exception):
    """An entry of an append-only log (or an append-only row) was to be updated or deleted."""


def _noun(model) -> str:
    return str(model._meta.verbose_name_plural) if model is not None else "entries"


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses ``update``, ``delete`` and ``bulk_update``: entries are only ever inserted."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{_noun(self.model)} are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{_noun(self.model)} are append-only: they cannot be deleted.")

    def _raw_delete(self, using):
        raise AppendOnlyError(f"{_noun(self.model)} are append-only: they cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{_noun(self.model)} are append-only: they cannot be updated.")


class AppendOnlyModel:
    """Mixin for a model whose rows are inserted once and never changed (put it before ``models.Model``)."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{_noun(type(self))} are append-only: they cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{_noun(type(self))} are append-only: they cannot be deleted.")


class ChainedModel(AppendOnlyModel):
    """An append-only entry linked into a keyed hash chain: ``prev_hash`` and ``hash`` columns and a
    ``chain_content()`` dict of every other column that matters."""

    def chain_content(self) -> dict[str, Any]:  # pragma: no cover - each model defines it
        raise NotImplementedError

    def seal(self, prev_hash: str = "") -> None:
        """Link the entry to the previous entry of its chain (before it is inserted)."""
        from .chain import link_hash

        self.prev_hash = prev_hash
        self.hash = link_hash(prev_hash, self.chain_content())


def append_in_id_order(entry: ChainedModel, lock: str) -> ChainedModel:
    """Insert ``entry`` into a log that is one chain in id order (the message log, PAKN personal-data access),
    linked to the last entry's hash. Appenders take turns for the link only (a PostgreSQL transaction-level
    advisory lock named ``lock``; SQLite has one writer at a time)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [lock])
        model = type(entry)
        previous = model._default_manager.order_by("-id").values_list("hash", flat=True).first() or ""
        entry.seal(previous)
        entry.save()
    return entry


# Database triggers ------------------------------------------------------------------------------------------------

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
"""
GUARD_FUNCTION = "motcua_append_only_guard"


def trigger_sql(vendor: str, table: str) -> list[str]:
    """The statements that make ``table`` refuse UPDATE and DELETE of its rows."""
    if vendor == "postgresql":
        return [PG_FUNCTION, f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION motcua_append_only()"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete",
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN {GUARD_FUNCTION}() "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END"]
    return []


def drop_trigger_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return []


class AppendOnlyTriggers(Operation):
    """Migration operation: the database refuses UPDATE and DELETE of ``table``'s rows (PostgreSQL and SQLite).

    ``replaces`` names older triggers of the table to drop first (the per-app triggers written before this
    operation). Run it again after any operation that rebuilds the table on SQLite (SQLite's ALTER of a column
    copies the table and loses its triggers); a test checks every append-only table after migrating."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, table: str, replaces: tuple[str, ...] | list[str] = ()):
        self.table = table
        self.replaces = tuple(replaces)

    def deconstruct(self):
        kwargs: dict[str, Any] = {"table": self.table}
        if self.replaces:
            kwargs["replaces"] = list(self.replaces)
        return "motcua.core.eventlog.AppendOnlyTriggers", [], kwargs

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        vendor = schema_editor.connection.vendor
        for name in self.replaces:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {self.table}" if vendor == "postgresql"
                                                                         else ""), params=None)
        for statement in trigger_sql(vendor, self.table):
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        for statement in drop_trigger_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return f"Refuse UPDATE and DELETE of {self.table} rows in the database"

    @property
    def migration_name_fragment(self) -> str:
        return f"append_only_{self.table}"


# SQLite: the guard function and Django's flush -----------------------------------------------------------------

def register_sqlite_guard(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give a SQLite connection the function its DELETE triggers ask."""
    if connection.vendor != "sqlite":
        return
    allow_flush_on_sqlite(type(connection.ops))
    connection.connection.create_function(
        GUARD_FUNCTION, 0, lambda: 0 if getattr(connection, "_motcua_flushing", False) else 1)


def allow_flush_on_sqlite(DatabaseOperations) -> None:
    """Let Django's flush (and only it) empty append-only tables on SQLite: the test runner's transactional
    teardown and ``manage.py flush`` delete every row of every table. ``DatabaseOperations``: the SQLite backend's
    operations class (patched once, when the first SQLite connection opens)."""
    if getattr(DatabaseOperations.execute_sql_flush, "_motcua", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        self.connection._motcua_flushing = True
        try:
            return original(self, sql_list)
        finally:
            self.connection._motcua_flushing = False

    execute_sql_flush._motcua = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush
