"""Issue 16, "Speed": every trick of :mod:`motcua.proactive.fast_run` gives what its plain twin gives — the same
cases and access-log records from a batch of events (births for both parents, a repeated parent, a level-1
reminder, a death), the same rows written, the same rows found by a filter over many values."""

from datetime import date

import pytest

from motcua.exchange import registries
from motcua.exchange.models import RegistryChange
from motcua.proactive import fast_run
from motcua.proactive.models import OptOut, ProactiveCase

from .factories import FATHER, MOTHER, triggers

pytestmark = [pytest.mark.django_db, pytest.mark.backend]

NOW_FIELDS = ("at",)  # the time of each read: taken when it happens, on either path


def _wanted(source: str) -> list[tuple]:
    if source == "birth":
        events = [(101, "001226004567", {"child_name": "Nguyễn Thị Bé", "sex": "female", "place_of_birth": "Hà Nội"}),
                  (102, "001226004568", {"child_name": "", "sex": "male"}),  # no name yet: marked missing
                  (103, "001226004569", {"child_name": "Trẻ C", "sex": "other"})]
        return [(cid, child, date(2026, 11, 20), {**payload, "father_personal_id": FATHER,
                                                  "mother_personal_id": MOTHER}, person)
                for cid, child, payload in events for person in (FATHER, MOTHER)]
    if source == "age":
        return [(200 + n, pid, date(2026, 11, 25), {"age": 40}, pid)
                for n, pid in enumerate([FATHER, "001201001111", "001201000000"])]  # the last: not in the registry
    return [(300, "001050001234", date(2026, 11, 28), {"deceased_name": "Trần Văn Cụ",
                                                        "declarant_personal_id": FATHER}, FATHER)]


def _case(case: ProactiveCase) -> dict:
    return {f.attname: getattr(case, f.attname) for f in ProactiveCase._meta.concrete_fields}


def _record(record) -> dict:
    return {k: v for k, v in vars(record).items() if k not in NOW_FIELDS}


@pytest.mark.parametrize(("code", "source"), [("KS-LIENTHONG", "birth"), ("CCCD-DOITUOI", "age"),
                                              ("KT-LIENTHONG", "death"), ("BHYT-TRESOSINH", "birth")])
def test_prepare_cases_gives_the_plain_cases_and_log_records(code, source):
    from django.utils import timezone

    trigger = triggers(code)[code]
    wanted = _wanted(source)
    now = timezone.now()
    fast_cases, fast_records = fast_run.prepare_cases(trigger, wanted, now)
    plain_cases, plain_records = fast_run.prepare_cases_plain(trigger, wanted, now)
    assert [_case(c) for c in fast_cases] == [_case(c) for c in plain_cases]
    assert [_record(r) for r in fast_records] == [_record(r) for r in plain_records]
    assert len(fast_records) == len(wanted) * (2 if trigger.level >= 2 else 1)  # every use logged
    if source == "age":
        assert fast_records[-1].outcome == "allowed"  # level 1 reads nothing but the change itself


def test_a_registry_failure_is_logged_for_every_use_on_both_paths():
    from django.utils import timezone

    trigger = triggers("KS-LIENTHONG")["KS-LIENTHONG"]
    wanted = _wanted("birth")
    with registries.use(_failing()):
        fast_cases, fast_records = fast_run.prepare_cases(trigger, wanted, timezone.now())
        plain_cases, plain_records = fast_run.prepare_cases_plain(trigger, wanted, timezone.now())
    assert [_record(r) for r in fast_records] == [_record(r) for r in plain_records]
    assert {r.outcome for r in fast_records if r.registry == "population"} == {"unavailable"}
    assert [_case(c)["applicant"] for c in fast_cases] == [_case(c)["applicant"] for c in plain_cases]


def _failing():
    from motcua.exchange.registries.simulated import simulated_registries

    return simulated_registries(fail_rate=1.0)


def test_insert_cases_writes_the_rows_the_orm_writes():
    from django.utils import timezone

    trigger = triggers("KS-LIENTHONG")["KS-LIENTHONG"]
    cases, _records = fast_run.prepare_cases(trigger, _wanted("birth"), timezone.now())
    for case in cases:
        case.data_used[0]["log_entry"] = 7  # as _attach_log_ids leaves them

    def stored() -> list[dict]:
        rows = list(ProactiveCase.objects.order_by("change_id", "personal_id").values())
        for row in rows:
            row.pop("id")
        return rows

    fast_run.insert_cases(cases)
    fast = stored()
    ProactiveCase.objects.all().delete()
    fast_run.insert_cases_plain([ProactiveCase(**{k: v for k, v in _case(c).items() if k != "id"}) for c in cases])
    assert fast == stored() and len(fast) == 6


@pytest.mark.parametrize("count", [3, 250])
def test_among_finds_what_the_plain_in_finds(count):
    people = [f"0010900{n:05d}" for n in range(1, count + 1)]
    OptOut.objects.bulk_create([OptOut(personal_id=p, at="2026-12-01T00:00:00Z") for p in people[::2]])
    asked = [*people, "001090099999"]
    fast = set(OptOut.objects.filter(personal_id__in=fast_run.among(asked)).values_list("personal_id", flat=True))
    plain = set(OptOut.objects.filter(personal_id__in=fast_run.among_plain(asked)).values_list("personal_id",
                                                                                               flat=True))
    assert fast == plain == set(people[::2])
    ids = list(RegistryChange.objects.values_list("id", flat=True)) + list(range(10**6, 10**6 + 200))
    assert (set(RegistryChange.objects.filter(id__in=fast_run.among(ids, "bigint")).values_list("id", flat=True))
            == set(RegistryChange.objects.filter(id__in=ids).values_list("id", flat=True)))
