"""Dossier events are append-only in the database too, not only through the ORM.

PostgreSQL: a trigger raises on UPDATE and DELETE of a row (TRUNCATE, used only by test teardown and maintenance,
is a separate privilege). SQLite: a trigger raises on UPDATE; DELETE stays possible there because Django's test
flush deletes rows, and the ORM refuses deletes anyway.
"""

from django.db import migrations

PG_FORWARD = ["""
CREATE OR REPLACE FUNCTION dossiers_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'dossier events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql
""", """
CREATE TRIGGER dossiers_event_append_only
    BEFORE UPDATE OR DELETE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only()
"""]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS dossiers_event_append_only ON dossiers_dossierevent",
    "DROP FUNCTION IF EXISTS dossiers_event_append_only()",
]
SQLITE_FORWARD = ["""
CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE ON dossiers_dossierevent
BEGIN SELECT RAISE(ABORT, 'dossier events are append-only: UPDATE refused'); END;
"""]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS dossiers_event_no_update"]


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD})


def reverse(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse, elidable=False)]
