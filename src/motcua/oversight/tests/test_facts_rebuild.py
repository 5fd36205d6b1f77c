"""Facts (issue 6 point 1): chunked incremental refreshes, with new events in between, end with exactly the tables
a rebuild from scratch computes."""

from datetime import date

import pytest

from motcua.demo import generate as gen
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import Flow, vn
from motcua.oversight import facts
from motcua.oversight.models import DailyFact, DossierFact, FactWatermark

from .factories import END, START, small_catalog

pytestmark = pytest.mark.django_db


def _drain(limit: int) -> int:
    rounds = 0
    while facts.pending_events():
        facts.refresh(limit=limit)
        rounds += 1
    return rounds


def _act_on_open(at) -> int:
    """Live actions on open dossiers: approvals, answered supplements, withdrawals (events on old dossiers)."""
    n = 0
    for d in Dossier.objects.filter(state__in=["processing", "supplement_requested", "received"]).order_by("id")[:25]:
        flow = Flow(d, agency=d.agency.code)
        if d.state == "processing":
            flow("approve", "leader", at)
        elif d.state == "supplement_requested":
            flow("submit_supplement", "desk_officer", at)
        else:
            flow("withdraw", "desk_officer", at, reason="Không còn nhu cầu.")
        n += 1
    return n


def test_incremental_refreshes_equal_a_rebuild(settings):
    settings.MOTCUA_FACTS_MARGIN = 0  # exercise the watermark itself, not the safety margin
    small_catalog()
    gen.generate(250, start=START, end=END, seed=7)
    FactWatermark.objects.create(name=facts.EVENTS, last_id=0)
    assert _drain(limit=300) >= 3  # several chunks
    first = facts.compare_tables()
    assert len(first["facts"]) == Dossier.objects.count()

    # More history, and live actions that add events to dossiers already counted.
    gen.generate(120, start=date(2026, 2, 1), end=date(2026, 3, 20), seed=8)
    facts.refresh(limit=200)
    assert _act_on_open(vn(2026, 3, 25, 9)) > 5
    _drain(limit=250)
    incremental = facts.compare_tables()
    assert incremental != first

    result = facts.rebuild()
    assert result["dossiers"] == Dossier.objects.count()
    rebuilt = facts.compare_tables()
    assert rebuilt["facts"] == incremental["facts"]
    assert rebuilt["daily"] == incremental["daily"]
    assert rebuilt["month"] == incremental["month"]
    assert rebuilt["procedure_month"] == incremental["procedure_month"]
    assert FactWatermark.objects.get(name=facts.EVENTS).last_id == DossierEvent.objects.order_by("-id")[0].id


def test_daily_counters_add_up_to_the_dossier_facts():
    small_catalog()
    gen.generate(200, start=START, end=END, seed=3)
    facts.refresh()
    received = DossierFact.objects.filter(received_day__isnull=False).count()
    ended = DossierFact.objects.filter(received_day__isnull=False, ended_day__isnull=False).count()
    late = DossierFact.objects.filter(on_time=False).count()
    from django.db.models import Sum
    sums = DailyFact.objects.aggregate(r=Sum("received"), e=Sum("ended"), late=Sum("ended_late"),
                                       ok=Sum("ended_on_time"), became=Sum("became_late"))
    assert sums["r"] == received > 0
    assert sums["e"] == ended == sums["ok"] + sums["late"]
    assert sums["late"] == late
    # Every dossier ended late became late first, on or before its end.
    assert sums["became"] >= sums["late"]


def test_refresh_is_idempotent():
    small_catalog()
    gen.generate(80, start=START, end=END, seed=4)
    facts.refresh()
    before = facts.compare_tables()
    FactWatermark.objects.filter(name=facts.EVENTS).update(last_id=0)  # read everything again
    facts.refresh()
    assert facts.compare_tables() == before


def test_a_rebuild_in_small_chunks_equals_one_pass_when_ids_do_not_follow_submission(monkeypatch):
    """The rebuild writes out the days before each chunk's earliest submission; dossiers with later ids but earlier
    days (entered late) still count, added to the rows already written."""
    small_catalog()
    gen.generate(200, start=START, end=END, seed=5)
    gen.generate(60, start=START, end=END, seed=6)  # later ids, days spread over the whole period again
    facts.rebuild()
    whole = facts.compare_tables()
    assert whole["daily"] and whole["month"] and whole["procedure_month"]

    late: list[int] = []
    apply_deltas = facts._apply_deltas

    def spy(tables):
        late.append(len(tables["daily"]))
        apply_deltas(tables)

    monkeypatch.setattr(facts, "REBUILD_CHUNK", 25)
    monkeypatch.setattr(facts, "_apply_deltas", spy)
    result = facts.rebuild()
    assert late and late[0] > 0  # the late contributions were taken
    assert facts.compare_tables() == whole
    assert result["daily_rows"] == len(whole["daily"])
