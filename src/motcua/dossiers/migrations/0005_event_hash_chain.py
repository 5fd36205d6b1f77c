"""Hash-chain columns on dossier events (issue 4 point 5): ``prev_hash`` and ``hash``, written once at insert.

SQLite adds a column with a default by rebuilding the table, which drops the table's triggers: the UPDATE-refusing
trigger of migration 0002 is created again afterwards. PostgreSQL adds the column in place and keeps its trigger.
"""

from django.db import migrations, models


SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS dossiers_event_no_update BEFORE UPDATE ON dossiers_dossierevent
BEGIN SELECT RAISE(ABORT, 'dossier events are append-only: UPDATE refused'); END;
"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_queue_indexes")]

    operations = [
        migrations.AddField(
            model_name="dossierevent",
            name="hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="dossierevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop, elidable=False),
    ]
