"""The message log is append-only in the database too (as dossier events are, dossiers migration 0002).

PostgreSQL: a trigger refuses UPDATE and DELETE of a row. SQLite: a trigger refuses UPDATE (DELETE stays possible
there because Django's test flush deletes rows; the ORM refuses deletes anyway).
"""

from django.db import migrations

PG_FORWARD = ["""
CREATE OR REPLACE FUNCTION exchange_messaging_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the message log is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
""", """
CREATE TRIGGER exchange_messaging_log_append_only
    BEFORE UPDATE OR DELETE ON exchange_messaging_messagelog
    FOR EACH ROW EXECUTE FUNCTION exchange_messaging_log_append_only()
"""]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS exchange_messaging_log_append_only ON exchange_messaging_messagelog",
    "DROP FUNCTION IF EXISTS exchange_messaging_log_append_only()",
]
SQLITE_FORWARD = ["""
CREATE TRIGGER exchange_messaging_log_no_update BEFORE UPDATE ON exchange_messaging_messagelog
BEGIN SELECT RAISE(ABORT, 'the message log is append-only: UPDATE refused'); END;
"""]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS exchange_messaging_log_no_update"]


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def reverse(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("exchange_messaging", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
