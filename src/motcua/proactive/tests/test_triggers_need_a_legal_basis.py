"""Issue 16 point 1: triggers are data with a legal basis; Decree 224/2026 Art. 17(2): no trigger is saved or run
without one, nor outside its effective dates."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.proactive import rules, services
from motcua.proactive.models import Trigger

from .factories import RUN_ON, birth, triggers

pytestmark = pytest.mark.django_db


def _trigger(**kwargs):
    values = {"code": "T1", "name": "Thử", "source": rules.BIRTH, "level": 1, "legal_instrument": "NĐ 224/2026",
              "legal_article": "Điều 16 khoản 1", "purpose": "Nhắc", "valid_from": date(2026, 7, 1)}
    return Trigger(**{**values, **kwargs})


@pytest.mark.parametrize("missing", ["legal_instrument", "legal_article", "purpose"])
def test_art17_2_a_trigger_without_a_legal_basis_cannot_be_saved(missing):
    with pytest.raises(ValidationError) as error:
        _trigger(**{missing: "  " if missing != "purpose" else ""}).save()
    assert missing in error.value.message_dict
    assert not Trigger.objects.exists()


def test_art17_2_the_database_refuses_a_trigger_without_a_legal_basis_written_around_the_model():
    _trigger().save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Trigger.objects.filter(code="T1").update(legal_article="")


def test_art16_4_level_four_only_where_the_law_allows_automatic_handling():
    with pytest.raises(ValidationError):
        _trigger(level=4, auto_allowed=False).save()


@pytest.mark.parametrize("instrument, article, active, valid_from, valid_to, on, ok", [
    ("NĐ 224/2026", "Điều 16", True, date(2026, 7, 1), None, date(2026, 7, 1), True),
    ("NĐ 224/2026", "Điều 16", True, date(2026, 7, 1), None, date(2026, 6, 30), False),  # before in force
    ("NĐ 224/2026", "Điều 16", True, date(2026, 7, 1), date(2026, 8, 1), date(2026, 8, 2), False),  # expired
    ("NĐ 224/2026", "Điều 16", False, date(2026, 7, 1), None, date(2026, 8, 1), False),  # switched off
    ("", "Điều 16", True, date(2026, 7, 1), None, date(2026, 8, 1), False),  # Art. 17(2): no legal basis
    ("NĐ 224/2026", "", True, date(2026, 7, 1), None, date(2026, 8, 1), False),
])
def test_a_trigger_runs_only_with_a_legal_basis_within_its_dates(instrument, article, active, valid_from, valid_to,
                                                                  on, ok):
    assert rules.runnable(instrument=instrument, article=article, active=active, valid_from=valid_from,
                          valid_to=valid_to, on=on).ok is ok


def test_a_trigger_not_yet_in_force_opens_nothing():
    triggers("KS-LIENTHONG")
    birth()
    assert services.run(date(2026, 6, 30)).cases == 0
    assert services.run(RUN_ON).cases == 2


def test_the_demo_set_covers_the_common_life_events_and_loads_once():
    loaded = triggers()
    assert {t.source for t in loaded.values()} >= {rules.BIRTH, rules.DEATH, rules.ID_CARD_AGE}
    assert all(t.legal_instrument and t.legal_article for t in loaded.values())
    from motcua.proactive.demo import load_demo_triggers

    assert load_demo_triggers() == 0


@pytest.mark.parametrize("age, reminded", [(25, True), (40, True), (60, True), (24, False), (30, False)])
def test_law_on_identification_art21_renewal_ages(age, reminded):
    assert rules.applies(rules.ID_CARD_AGE, {"age": age}, {"ages": [25, 40, 60]}) is reminded


def _option(key, limit, median=None, cost=0, submissions=1, visits=0, documents=()):
    return rules.Option(key, key, submissions, limit, median, cost, tuple(documents), visits)


@pytest.mark.parametrize("options, best", [
    # Art. 16(3)(b): time first — the linked group (3 days) beats three separate procedures (0.5 + 2 + 2 … days).
    ([_option("group", 3), _option("separate", 4.5, submissions=3)], "group"),
    # the office's observed median counts when it is slower than the law
    ([_option("group", 3, median=6), _option("desk", 4)], "desk"),
    # same time: the cheaper one
    ([_option("a", 3, cost=50_000), _option("b", 3, cost=0)], "b"),
    # same time and cost: fewer submissions, visits and documents
    ([_option("desk", 3, visits=2), _option("online", 3)], "online"),
])
def test_art16_3_recommends_by_time_then_cost_then_convenience(options, best):
    chosen, why = rules.recommend(options)
    assert chosen == best and why


def test_an_event_from_before_the_trigger_was_in_force_opens_nothing():
    triggers("KS-LIENTHONG")
    birth(born=date(2026, 6, 30))  # Decree 224/2026 in force from 1/7/2026
    birth(child="001226004568", born=date(2026, 7, 1))
    summary = services.run(RUN_ON)
    assert (summary.changes_read, summary.cases) == (2, 2)
