"""Raw-SQL tampering for the audit tests: bypass the append-only triggers the way an attacker with database access
would (PostgreSQL: disable the trigger; SQLite: drop it). Inside a test transaction, both are rolled back."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

TRIGGERS = {  # table → (PostgreSQL trigger, SQLite trigger, SQLite trigger body to restore)
    "exchange_accesslogentry": ("exchange_log_append_only", "exchange_log_no_update"),
    "dossiers_dossierevent": ("dossiers_event_append_only", "dossiers_event_no_update"),
}


@contextmanager
def bypass(table: str):
    pg, sqlite = TRIGGERS[table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks: ALTER TABLE refuses them
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {pg}")
        else:
            cursor.execute(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '{sqlite}'")
            (body,) = cursor.fetchone()
            cursor.execute(f"DROP TRIGGER {sqlite}")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {pg}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                cursor.execute(body)


def sql(table: str, statement: str, params=()) -> None:
    with bypass(table) as cursor:
        cursor.execute(statement, params)
