"""Steering events are append-only in the database too, as dossier events are (dossiers migration 0002).

PostgreSQL: a trigger raises on UPDATE and DELETE of a row. SQLite: a trigger raises on UPDATE (DELETE stays
possible there because Django's test flush deletes rows; the ORM refuses deletes anyway).
"""

from django.db import migrations

PG_FORWARD = ["""
CREATE OR REPLACE FUNCTION steering_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'steering events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
""", """
CREATE TRIGGER steering_event_append_only
    BEFORE UPDATE OR DELETE ON steering_steeringevent
    FOR EACH ROW EXECUTE FUNCTION steering_event_append_only()
"""]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS steering_event_append_only ON steering_steeringevent",
    "DROP FUNCTION IF EXISTS steering_event_append_only()",
]
SQLITE_FORWARD = ["""
CREATE TRIGGER steering_event_no_update BEFORE UPDATE ON steering_steeringevent
BEGIN SELECT RAISE(ABORT, 'steering events are append-only: UPDATE refused'); END;
"""]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS steering_event_no_update"]


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def reverse(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("steering", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
