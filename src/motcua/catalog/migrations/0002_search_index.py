"""Formerly a full-text index in the database (SQLite FTS5 / PostgreSQL GIN over term arrays).

Superseded by 0003: catalog search now keeps an in-memory index per process (``catalog.search``) and the database
only keeps a change stamp. This migration does nothing on a fresh database; on one where it ran before, 0003 drops
what it created.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = []
