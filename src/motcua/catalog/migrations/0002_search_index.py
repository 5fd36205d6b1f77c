"""Full-text index over the folded search columns of procedure versions (catalog.search).

SQLite: an FTS5 table with external content, kept in step by triggers. PostgreSQL: GIN indexes over the arrays of
terms of the same columns, and a pattern index for code prefixes. Both split on every character outside [0-9a-z],
so a term matches the same versions on either database. The statements live in ``catalog.search`` so the search
module can recreate them (a later migration that rebuilds the table on SQLite drops its triggers).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from motcua.catalog.search import index_statements

    for sql in index_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    from motcua.catalog.search import drop_index_statements

    for sql in drop_index_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
