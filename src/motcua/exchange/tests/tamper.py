"""Raw-SQL tampering for the audit tests: bypass the append-only triggers the way an attacker with database
administrator rights would (PostgreSQL: disable the table's triggers; SQLite: drop them). Inside a test transaction,
both are rolled back (SQLite's are re-created)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def bypass(table: str):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks: ALTER TABLE refuses them
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f"DROP TRIGGER {name}")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for _, body in triggers:
                    cursor.execute(body)


def sql(table: str, statement: str, params=()) -> None:
    with bypass(table) as cursor:
        cursor.execute(statement, params)
