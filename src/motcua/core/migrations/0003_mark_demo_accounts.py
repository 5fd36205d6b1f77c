"""Mark the demo accounts of a database loaded before the marker existed (issue 12 point 4): accounts with a demo
name (``demo-…`` or one of the four demo citizens' personal IDs) whose password is still the demo password. Each
distinct password hash is checked once."""

from django.contrib.auth.hashers import check_password
from django.db import migrations

DEMO_GROUP = "motcua-demo-accounts"
DEMO_PASSWORD = "motcua-demo"
DEMO_CITIZENS = ("001090012345", "001185004321", "079201006789", "038178009876")


def mark(apps, schema_editor):
    from django.db.models import Q

    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    candidates = list(User.objects.filter(Q(username__startswith="demo-") | Q(username__in=DEMO_CITIZENS))
                      .values_list("pk", "password"))
    if not candidates:
        return
    verdict: dict[str, bool] = {}
    ids = []
    for pk, hashed in candidates:
        if hashed not in verdict:
            verdict[hashed] = bool(hashed) and check_password(DEMO_PASSWORD, hashed)
        if verdict[hashed]:
            ids.append(pk)
    if ids:
        group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
        group.user_set.add(*User.objects.filter(pk__in=ids))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_job_outbox"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
