"""Reserved for linked procedure groups (issue 4 point 8): parent and child dossiers. Filled in by that work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_event_hash_chain")]

    operations: list = []
