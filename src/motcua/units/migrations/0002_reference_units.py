"""Load the reference administrative units (34 provinces, 3,321 communes) and their agencies.

Runs the same idempotent loader as ``motcua units load``, with the historical models, so every database (test
databases included) starts with the units and agencies. Reversing leaves the rows in place: other tables may
point to them.
"""

from django.db import migrations


def load(apps, schema_editor):
    from motcua.units.services import load_reference_units

    load_reference_units(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
