"""Builders for proactive-service tests: the demo triggers, births and ages in the change feed, citizens."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from motcua.exchange.services import record_change
from motcua.proactive.demo import load_demo_triggers
from motcua.proactive.models import Trigger

FATHER, MOTHER = "001090012345", "001185004321"  # demo citizens Nguyễn Văn An and Trần Thị Bình
CHILD = "001226004567"
RUN_ON = date(2026, 12, 1)


def triggers(*active: str) -> dict[str, Trigger]:
    load_demo_triggers()
    if active:
        Trigger.objects.exclude(code__in=active).update(active=False)
        Trigger.objects.filter(code__in=active).update(active=True)
    return {t.code: t for t in Trigger.objects.all()}


def birth(child: str = CHILD, name: str = "Nguyễn Thị Bé", born: date = date(2026, 11, 20)):
    return record_change("civil_status", "birth", child, occurred_on=born,
                         payload={"child_name": name, "sex": "female", "place_of_birth": "Hà Nội",
                                  "father_personal_id": FATHER, "mother_personal_id": MOTHER})


def age(person: str, years: int, on: date = date(2026, 11, 25)):
    return record_change("population", "age_reached", person, occurred_on=on, payload={"age": years})


def citizen(personal_id: str, email: str = ""):
    user, _ = get_user_model().objects.get_or_create(username=personal_id, defaults={"email": email})
    return user
