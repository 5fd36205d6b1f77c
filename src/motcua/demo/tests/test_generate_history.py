"""`motcua demo generate`: a deterministic history whose every dossier follows the live rules (issue 3 point 11)."""

import hashlib
import itertools
import json
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from motcua.catalog.records import ChannelRecord, FeeRecord, TimeLimit
from motcua.catalog.services import upsert_records
from motcua.catalog.tests.factories import make_record
from motcua.demo import generate as gen
from motcua.dossiers import services
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent
from motcua.dossiers.transitions import next_state

pytestmark = pytest.mark.django_db

START, END = date(2025, 9, 1), date(2026, 3, 31)


def small_catalog(n: int = 40) -> None:
    """``n`` published procedures at commune, province and ministry level, some offline only, some with a fee."""
    records = []
    for i in range(n):
        level = ("commune", "province", "ministry")[i % 3]
        kinds = ("in_person",) if i % 7 == 3 else ("in_person", "online", "postal")
        limit = TimeLimit(Decimal(3 + i % 10), "working_days")
        fee = [FeeRecord(50000 if i % 4 == 0 else 0, "Lệ phí")]
        channels = [ChannelRecord(k, limit, f"{3 + i % 10} ngày làm việc", fee, k) for k in kinds]
        records.append(make_record(f"9.{i:06d}", f"Thủ tục mẫu {i}", levels=[level], channels=channels))
    upsert_records(records)


class _Rollback(Exception):
    pass


def digest() -> str:
    """Codes, states, clocks and every event of every dossier, in code order."""
    h = hashlib.sha256()
    events = defaultdict(list)
    for e in DossierEvent.objects.order_by("dossier__code", "seq").values_list(
            "dossier__code", "seq", "action", "role", "at", "from_state", "to_state", "step", "reason", "data"):
        events[e[0]].append(e[1:])
    for d in Dossier.objects.order_by("code").values_list("code", "state", "status_code", "version", "channel",
                                                          "applicant_personal_id", "due_at", "index_due_at"):
        h.update(json.dumps([d, events[d[0]]], default=str, sort_keys=True).encode())
    return h.hexdigest()


def digest_of_a_run(seed: int, n: int = 300) -> str:
    result = {}
    try:
        with transaction.atomic():
            gen.generate(n, start=START, end=END, seed=seed)
            result["digest"] = digest()
            result["count"] = Dossier.objects.count()
            raise _Rollback
    except _Rollback:
        pass
    assert result["count"] == n
    return result["digest"]


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    small_catalog()
    first = digest_of_a_run(seed=7)
    assert Dossier.objects.count() == 0
    assert digest_of_a_run(seed=7) == first
    assert digest_of_a_run(seed=8) != first


def test_every_dossier_replays_through_the_transition_table():
    small_catalog()
    gen.generate(400, start=START, end=END, seed=3)
    events = defaultdict(list)
    for e in DossierEvent.objects.order_by("dossier_id", "seq"):
        events[e.dossier_id].append(e)
    actions = set()
    for dossier in Dossier.objects.all():
        state, seen = "new", events[dossier.pk]
        assert [e.seq for e in seen] == list(range(1, len(seen) + 1))
        assert all(a.at <= b.at for a, b in itertools.pairwise(seen))
        for e in seen:
            assert e.from_state == state
            if e.action == gen.RATE_ACTION:  # services.rate: keeps the state, only after the result is returned
                assert state == e.to_state == "returned"
            else:
                assert next_state(state, e.action, e.role) == e.to_state
            state = e.to_state
            actions.add(e.action)
        assert (dossier.state, dossier.version) == (state, len(seen))
        assert dossier.submitted_at.date() <= END
    # The history shows the whole lifecycle, not only the happy path.
    assert {"receive", "refuse", "request_supplement", "submit_supplement", "withdraw", "approve",
            "return_result"} <= actions


def test_codes_are_gap_free_per_agency_and_day_and_live_numbering_continues():
    small_catalog()
    gen.generate(500, start=START, end=END, seed=5)
    numbers = defaultdict(list)
    for code, agency_id in Dossier.objects.values_list("code", "agency_id"):
        _, yymmdd, seq = parse_code(code)
        numbers[(agency_id, yymmdd)].append(seq)
    for seqs in numbers.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    counters = {(c.agency_id, c.day.strftime("%y%m%d")): c.last for c in DossierCounter.objects.all()}
    assert counters == {key: len(seqs) for key, seqs in numbers.items()}
    # A live submission on a generated day gets the next number.
    (agency_id, yymmdd), seqs = max(numbers.items(), key=lambda item: len(item[1]))
    sample = Dossier.objects.filter(agency_id=agency_id, code__contains=f"-{yymmdd}-").select_related(
        "agency", "procedure").first()
    live = services.submit(sample.procedure.code, sample.agency.code, "in_person",
                           {"kind": "citizen", "personal_id": "001090012345", "full_name": "Nguyễn Văn An"}, {},
                           at=sample.submitted_at)
    assert parse_code(live.code)[2] == len(seqs) + 1


def test_popularity_has_a_heavy_tail_and_procedures_without_any_dossier():
    small_catalog(60)
    gen.generate(600, start=START, end=END, seed=11)
    from motcua.catalog.models import Procedure

    counts = sorted((p.n for p in Procedure.objects.annotate(n=Count("dossiers"))), reverse=True)
    assert counts.count(0) >= 60 * gen.DORMANT_SHARE * 0.9  # Announcement 437: procedures with no dossier
    used = [c for c in counts if c]
    assert used[0] >= 5 * used[len(used) // 2]  # the most popular far above the median


def test_generate_once_is_idempotent_as_make_run_uses_it():
    small_catalog()
    assert not gen.has_generated_history()
    first = gen.generate(200, start=START, end=END, seed=1, once=True)
    assert first.dossiers == 200 and gen.has_generated_history()
    again = gen.generate(200, start=START, end=END, seed=1, once=True)
    assert again.skipped and Dossier.objects.count() == 200
    makefile = (Path(__file__).resolve().parents[4] / "Makefile").read_text()
    for target in ("run", "demo"):
        body = re.search(rf"^{target}:.*?(?=^\S|\Z)", makefile, re.M | re.S).group(0)
        assert "demo load" in body
        assert re.search(r"demo generate --dossiers 20000 --seed 1 --once", body)


def test_on_an_empty_database_the_command_loads_the_demo_first(monkeypatch):
    calls = []

    def fake_load_demo():
        calls.append(1)
        small_catalog(10)

    monkeypatch.setattr("motcua.demo.services.load_demo", fake_load_demo)
    call_command("demo", "generate", "--dossiers", "50", "--start", "2026-01-05", "--end", "2026-01-30")
    assert calls == [1] and Dossier.objects.count() == 50


def test_generation_is_refused_in_production(settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(gen.GenerationRefused):
        gen.generate(10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_background_writer_on_postgresql_writes_the_same_data():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("The background writer runs on PostgreSQL only.")
    small_catalog()
    expected = digest_of_a_run(seed=9, n=250)  # inside a transaction: written synchronously, then rolled back
    assert not connection.in_atomic_block
    summary = gen.generate(250, start=START, end=END, seed=9, batch_size=60)  # several batches in the thread
    assert summary.dossiers == 250 and digest() == expected


def test_overdue_dossiers_concentrate_at_the_bottlenecks_and_some_get_an_apology():
    small_catalog()
    gen.generate(1500, start=START, end=END, seed=12)
    slow = {agency for agency, _ in gen.Generator(gen.load_reference(), 12, START, END).model.bottlenecks}
    late, total = Counter(), Counter()
    for agency_id, due_at, finished_at in Dossier.objects.exclude(due_at=None).values_list(
            "agency_id", "due_at", "finished_at"):
        where = agency_id in slow
        total[where] += 1
        late[where] += finished_at is not None and finished_at > due_at
    assert total[True] >= 20
    assert late[True] / total[True] > 3 * late[False] / total[False]
    assert Dossier.objects.filter(apology_count=1).exists()
    assert Dossier.objects.exclude(rating="").filter(state="returned").exists()


def test_a_history_spanning_1_7_2025_follows_the_rule_set_of_each_dossiers_date():
    """Issue 11 point 14: due times by the law of the receipt date (before 1/7/2025, history: after 15:00 from the
    next working day; from 1/7/2025, Decree 118/2025 Art. 17(3), 18(2): the day of receipt, whatever the hour) and a
    second supplement request only for dossiers received before 1/7/2025 (Art. 16(3), 17(2)(a), 19(5))."""
    from motcua.core.calendar import TZ, WorkingCalendar
    from motcua.dossiers import lawsets, rules

    small_catalog()
    gen.generate(1500, start=date(2025, 3, 1), end=date(2025, 10, 31), seed=21)
    calendar = WorkingCalendar.from_db()
    sides = Counter()
    late_receipts = Counter()
    # Payment waits and apologies move the due time on purpose: the rule is checked on the others.
    for d in (Dossier.objects.exclude(received_at=None).exclude(due_at=None)
              .filter(payment_wait_seconds=0, apology_count=0).iterator()):
        old = lawsets.rules_for(d.received_at).key == "nd61-2018"
        sides[old] += 1
        # The due time the live rule gives for this dossier's receipt (restarted dossiers count from the restart).
        expected = rules.legal_due(calendar, d.clock_started_at, d.time_limit_amount, d.time_limit_unit,
                                   received_at=d.received_at).due_at
        assert d.due_at == expected, d.code
        if d.received_at.astimezone(TZ).hour >= 15 and d.clock_started_at == d.received_at:
            day = d.received_at.astimezone(TZ).date()
            counted_from = calendar.add_working_days(day if not old else calendar.effective_receipt_day(d.received_at),
                                                     int(d.time_limit_amount))
            assert d.due_at.astimezone(TZ).date() == counted_from
            late_receipts[old] += 1
    assert sides[True] > 100 and sides[False] > 100, sides
    assert late_receipts[True] > 5 and late_receipts[False] > 5, late_receipts
    second = Counter()
    for _dossier_id, received_at in (DossierEvent.objects.filter(action="request_supplement", from_state="processing")
                                    .values("dossier_id").annotate(n=Count("id")).filter(n__gt=1)
                                    .values_list("dossier_id", "dossier__received_at")):
        second[lawsets.rules_for(received_at).max_supplement_requests is None] += 1
    assert second[False] == 0, "a second supplement request generated after 1/7/2025"
    assert second[True] > 0, "the history before 1/7/2025 should still show second requests"
