"""Deadlines follow the law of the dossier's date (dossiers.lawsets; docs/law.md "Deadlines and the working calendar").

Each boundary is tested on both sides: 30/6/2025 | 1/7/2025 (Decree 118/2025 replaces Decree 61/2018, history),
4/8/2026 | 5/8/2026 (Decree 309/2026: limit from the competent authority's receipt), 31/8/2026 | 1/9/2026 (Decree
301/2026 replaces Decree 63/2024 Art. 7 for the linked birth group).
"""

from datetime import date, datetime

import pytest

from motcua.catalog.models import Channel
from motcua.core.calendar import TZ, Unit, WorkingCalendar
from motcua.dossiers import lawsets, rules

from .factories import Flow, procedure, submitted

CAL = WorkingCalendar()


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(("day", "key"), [
    pytest.param(date(2025, 6, 30), "nd61-2018", id="history-before-1-7-2025"),
    pytest.param(date(2025, 7, 1), "nd118-2025", id="Decree118-2025-Art40-from-1-7-2025"),
    pytest.param(date(2026, 8, 4), "nd118-2025", id="Decree118-2025-before-Decree309"),
    pytest.param(date(2026, 8, 5), "nd118-2025+nd309-2026", id="Decree309-2026-from-5-8-2026"),
    pytest.param(vn(2025, 6, 30, 23, 59), "nd61-2018", id="vietnam-date-of-an-instant"),
    pytest.param(datetime(2025, 6, 30, 17, 30, tzinfo=TZ).astimezone(__import__("datetime").UTC), "nd61-2018",
                 id="utc-instant-read-in-vietnam-time"),
])
def test_the_rule_set_is_chosen_by_the_date(day, key):
    assert lawsets.rules_for(day).key == key


def test_rule_sets_follow_each_other_without_gap():
    for earlier, later in zip(lawsets.RULE_SETS, lawsets.RULE_SETS[1:], strict=False):
        assert (later.effective_from - earlier.effective_to).days == 1
    assert lawsets.RULE_SETS[-1].effective_to is None
    for earlier, later in zip(lawsets.LINKED_GROUP_RULE_SETS, lawsets.LINKED_GROUP_RULE_SETS[1:], strict=False):
        assert (later.effective_from - earlier.effective_to).days == 1


# (received, start, amount, unit, setting, due): start is the receipt unless a restart is tested.
@pytest.mark.parametrize(("received", "start", "amount", "unit", "setting", "due"), [
    pytest.param(vn(2025, 6, 30, 10), None, 5, "working_days", None, vn(2025, 7, 7, 17),
                 id="history-Decree61-practice-30-6-2025-10h"),
    pytest.param(vn(2025, 6, 30, 15, 30), None, 5, "working_days", None, vn(2025, 7, 8, 17),
                 id="history-Decree61-practice-30-6-2025-15h30-next-working-day"),
    pytest.param(vn(2025, 7, 1, 10), None, 5, "working_days", None, vn(2025, 7, 8, 17),
                 id="Decree118-Art17(3)-1-7-2025-10h"),
    pytest.param(vn(2025, 7, 1, 15, 30), None, 5, "working_days", None, vn(2025, 7, 8, 17),
                 id="Decree118-Art17(3)-Art18(2)-1-7-2025-15h30-not-moved"),
    pytest.param(vn(2025, 6, 30, 15, 30), vn(2025, 7, 10, 15, 30), 5, "working_days", None, vn(2025, 7, 18, 17),
                 id="history-restart-of-a-dossier-received-before-1-7-2025-keeps-the-old-rule"),
    pytest.param(vn(2025, 7, 1, 10), vn(2025, 7, 10, 15, 30), 5, "working_days", None, vn(2025, 7, 17, 17),
                 id="Decree118-Art19(5)-restart-after-1-7-2025-not-moved"),
    pytest.param(vn(2025, 7, 1, 15, 30), None, 5, "working_days", True, vn(2025, 7, 9, 17),
                 id="Decree118-Art18(2)-limit-whose-own-law-moves-the-start"),
    pytest.param(vn(2025, 7, 1, 15, 30), None, 0, "same_day", None, vn(2025, 7, 2, 17),
                 id="same-day-limit-own-law-after-15h-next-working-day"),
    pytest.param(vn(2025, 7, 1, 15, 30), None, 0, "same_day", False, vn(2025, 7, 1, 17),
                 id="same-day-limit-setting-off"),
    pytest.param(vn(2025, 6, 30, 15, 30), None, 0, "same_day", False, vn(2025, 7, 1, 17),
                 id="history-before-1-7-2025-the-setting-does-not-apply"),
    pytest.param(vn(2026, 2, 13, 15, 30), None, 5, "working_days", None, vn(2026, 2, 27, 17),
                 id="Decree118-Art17(3)-domain-example-fri-13-2-2026-15h30"),
    pytest.param(vn(2026, 3, 8, 10), None, 1, "working_days", None, vn(2026, 3, 9, 17),
                 id="Decree118-Art17(3)-CivilCode147-domain-example-sunday"),
])
def test_legal_due_follows_the_law_of_the_receipt_date(received, start, amount, unit, setting, due):
    got = rules.legal_due(CAL, start or received, amount, unit, received_at=received, cutoff_setting=setting)
    assert got.due_at == due


@pytest.mark.parametrize(("received", "competent", "boundary_free", "start"), [
    pytest.param(vn(2026, 8, 4, 10), vn(2026, 8, 6, 9), True, vn(2026, 8, 4, 10),
                 id="Decree118-Art17(3)-before-5-8-2026-from-the-desk-receipt"),
    pytest.param(vn(2026, 8, 5, 10), vn(2026, 8, 6, 9), True, vn(2026, 8, 6, 9),
                 id="Decree309-Art8(3)-from-5-8-2026-from-the-competent-authority-receipt"),
    pytest.param(vn(2026, 8, 5, 10), None, True, None,
                 id="Decree309-Art8(3)-not-yet-received-by-the-competent-authority"),
    pytest.param(vn(2026, 8, 5, 10), vn(2026, 8, 6, 9), False, vn(2026, 8, 5, 10),
                 id="Decree118-Art17(3)-within-the-boundary-from-the-receipt"),
])
def test_limit_start_of_a_dossier_received_regardless_of_boundary(received, competent, boundary_free, start):
    assert rules.limit_start(received, competent, regardless_of_boundary=boundary_free) == start


@pytest.mark.parametrize(("submitted_at", "requested_at", "group", "stop"), [
    pytest.param(vn(2026, 8, 31, 10), vn(2026, 9, 2, 10), lawsets.BIRTH_GROUP, None,
                 id="Decree63-2024-Art7-before-1-9-2026-no-stop-rule"),
    pytest.param(vn(2026, 9, 1, 10), vn(2026, 9, 3, 10), lawsets.BIRTH_GROUP, vn(2026, 9, 14, 17),
                 id="Decree301-2026-Art5-7-working-days-after-the-request"),
    pytest.param(vn(2026, 9, 1, 10), vn(2026, 9, 3, 10), "LT-KT-XTT-MT", None,
                 id="Decree301-2026-Art5-only-the-birth-group"),
])
def test_linked_birth_group_stops_7_working_days_after_an_unanswered_request(submitted_at, requested_at, group, stop):
    # 2/9/2026 is a holiday (with 1/9): Thu 3/9 + 7 working days → 4, 7, 8, 9, 10, 11, 14 → Mon 14/9.
    assert rules.group_supplement_stop_deadline(CAL, group, submitted_at, requested_at) == stop


@pytest.mark.parametrize(("day", "key", "stop_days"), [
    pytest.param(date(2026, 8, 31), "nd63-2024", None, id="Decree63-2024-Art7-31-8-2026"),
    pytest.param(date(2026, 9, 1), "nd63-2024+nd301-2026", 7, id="Decree301-2026-Art5-1-9-2026"),
])
def test_linked_group_rule_set_is_chosen_by_the_submission_date(day, key, stop_days):
    chosen = lawsets.linked_group_rules_for(day)
    assert (chosen.key, chosen.supplement_completion_working_days) == (key, stop_days)
    assert chosen.cutoff_moves_limit_start is True


def test_linked_group_due_counts_after_15h_from_the_next_working_day():
    from motcua.dossiers.groups import member_due

    # domain.md §2 rule 5: Fri 13/3/2026 15:30, 3 working days → Thu 19/3 17:00; 10:00 → Wed 18/3 17:00.
    assert member_due(CAL, vn(2026, 3, 13, 15, 30), (3, "working_days")) == vn(2026, 3, 19, 17)
    assert member_due(CAL, vn(2026, 3, 13, 10), (3, "working_days")) == vn(2026, 3, 18, 17)


def test_calendar_api_rule_follows_the_rule_sets():
    from motcua.core.calendar import cutoff_rule

    assert cutoff_rule(vn(2025, 6, 30, 15, 30), Unit.WORKING_DAYS) is True
    assert cutoff_rule(vn(2025, 7, 1, 15, 30), Unit.WORKING_DAYS) is False
    assert cutoff_rule(vn(2025, 7, 1, 15, 30), Unit.SAME_DAY) is True


@pytest.mark.django_db
@pytest.mark.parametrize(("setting", "due"), [
    pytest.param(None, vn(2026, 2, 27, 17), id="Decree118-Art17(3)-receipt-at-15h30-counts-from-friday"),
    pytest.param(False, vn(2026, 2, 27, 17), id="Decree118-Art18(2)-setting-off"),
    pytest.param(True, vn(2026, 3, 2, 17), id="limit-own-law-after-15h-next-working-day"),
])
def test_receipt_applies_the_channels_setting(setting, due):
    procedure(amount=5)
    Channel.objects.update(cutoff_moves_start=setting)
    flow = Flow(submitted(at=vn(2026, 2, 13, 9)))
    d = flow("receive", "desk_officer", vn(2026, 2, 13, 15, 30))
    assert d.due_at == due
    assert d.time_limit_cutoff_moves_start is setting
    # The restart after a supplement uses the same setting and the law of the receipt date.
    d = flow("request_supplement", "specialist", vn(2026, 2, 23, 10), data={"missing": ["Tờ khai"]})
    d = flow("submit_supplement", "applicant", vn(2026, 2, 24, 15, 30))
    assert d.due_at == (vn(2026, 3, 4, 17) if setting else vn(2026, 3, 3, 17))
