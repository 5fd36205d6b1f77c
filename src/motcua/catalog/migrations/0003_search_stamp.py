"""Catalog search moves to a per-process in-memory index (``catalog.search``): drop the database full-text index
of 0002 (FTS5 table and triggers on SQLite; term-array columns, GIN and code-pattern indexes on PostgreSQL), and
add the change stamp: a one-row table whose token triggers change on every write to versions, procedures and
sectors, so that each process knows, with one single-row query, when to rebuild its index.
"""

from django.db import migrations

OLD_INDEX = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS catalog_search_ai",
        "DROP TRIGGER IF EXISTS catalog_search_ad",
        "DROP TRIGGER IF EXISTS catalog_search_au",
        "DROP TABLE IF EXISTS catalog_search",
    ],
    "postgresql": [
        "DROP INDEX IF EXISTS catalog_pv_name_terms",
        "DROP INDEX IF EXISTS catalog_pv_all_terms",
        "DROP INDEX IF EXISTS catalog_procedure_code_prefix",
        "ALTER TABLE catalog_procedureversion DROP COLUMN IF EXISTS search_name_terms",
        "ALTER TABLE catalog_procedureversion DROP COLUMN IF EXISTS search_terms",
    ],
}


def forwards(apps, schema_editor):
    from motcua.catalog.search import index_statements

    vendor = schema_editor.connection.vendor
    for sql in [*OLD_INDEX.get(vendor, []), *index_statements(vendor)]:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    from motcua.catalog.search import drop_index_statements

    for sql in drop_index_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
