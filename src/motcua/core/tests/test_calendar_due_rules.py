"""Due times under domain.md §2 rules 1–5 (Decree 118/2025 Art. 17(3), 18(2); Civil Code 2015 Art. 147–148; the
15:00 rule where a limit's own law or the history before 1/7/2025 applies it)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from motcua.core.calendar import TZ, OfficeHours, Unit, WorkingCalendar, due_date

CAL = WorkingCalendar()


def vn(text: str) -> datetime:
    """A Vietnam wall-clock time, 'YYYY-MM-DD HH:MM[:SS]'."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("start", "receipt_day"),
    [
        ("2026-02-13 10:00", date(2026, 2, 13)),
        ("2026-02-13 15:00:00", date(2026, 2, 13)),  # at the cut-off: that day
        ("2026-02-13 15:00:01", date(2026, 2, 23)),  # one second later: next working day (after Tết)
        ("2026-02-13 06:00", date(2026, 2, 13)),  # before opening still counts that day
        ("2026-02-14 09:00", date(2026, 2, 23)),  # Saturday
        ("2026-02-17 09:00", date(2026, 2, 23)),  # during Tết
        ("2026-03-02 23:59", date(2026, 3, 3)),
    ],
)
def test_effective_receipt_day_applies_the_15_00_rule(start, receipt_day):
    assert CAL.effective_receipt_day(vn(start)) == receipt_day


IN_FORCE = None  # the default of the law in force: the cut-off moves the start of same-day limits only
MOVES = True  # the cut-off moves the start (a dossier received before 1/7/2025, history; or the limit's own law)
STAYS = False  # it does not (an explicit per-limit setting)

A17 = "Decree118-Art17(3)-Art18(2)-CivilCode147"
A148 = "CivilCode148"
SAME = "same-day-limit-own-law"
LINKED = "Decree63-Art7-as-replaced-by-Decree301-Art5"
OLD = "before-1-7-2025-history-Decree61-practice"


@pytest.mark.parametrize(
    ("start", "amount", "unit", "cutoff", "due"),
    [
        # domain.md §2 worked examples: the limit runs from receipt, the day of receipt not counted, whatever the
        # hour; Tết (16–20/2/2026) is skipped.
        pytest.param("2026-02-13 10:00", 5, Unit.WORKING_DAYS, IN_FORCE, "2026-02-27 17:00", id=f"{A17}-fri-10h-5wd"),
        pytest.param("2026-02-13 15:30", 5, Unit.WORKING_DAYS, IN_FORCE, "2026-02-27 17:00", id=f"{A17}-fri-15h30-5wd"),
        pytest.param("2026-02-13 15:00:01", 5, Unit.WORKING_DAYS, IN_FORCE, "2026-02-27 17:00",
                     id=f"{A17}-one-second-after-cutoff"),
        pytest.param("2026-03-08 10:00", 1, Unit.WORKING_DAYS, IN_FORCE, "2026-03-09 17:00", id=f"{A17}-sunday-1wd"),
        pytest.param("2026-03-07 09:00", 1, Unit.WORKING_DAYS, IN_FORCE, "2026-03-09 17:00", id=f"{A17}-saturday-1wd"),
        pytest.param("2026-02-18 09:00", 2, Unit.WORKING_DAYS, IN_FORCE, "2026-02-24 17:00", id=f"{A17}-during-tet"),
        pytest.param("2026-02-13 10:00", 0, Unit.WORKING_DAYS, IN_FORCE, "2026-02-13 17:00", id=f"{A148}-0wd"),
        pytest.param("2026-02-14 10:00", 0, Unit.WORKING_DAYS, IN_FORCE, "2026-02-23 17:00",
                     id=f"{A148}-0wd-on-a-day-off-ends-next-working-day"),
        # Working hours run from the receipt through office hours (no 15:00 shift).
        pytest.param("2026-02-13 15:30", 4, Unit.WORKING_HOURS, IN_FORCE, "2026-02-23 10:00",
                     id=f"{A17}-hours-from-15h30-over-tet"),
        pytest.param("2026-02-13 10:00", 4, Unit.WORKING_HOURS, IN_FORCE, "2026-02-13 15:30", id=f"{A17}-hours-lunch"),
        pytest.param("2026-02-13 12:00", 1, Unit.WORKING_HOURS, IN_FORCE, "2026-02-13 14:00",
                     id=f"{A17}-hours-from-lunch-break"),
        pytest.param("2026-02-13 06:00", 1, Unit.WORKING_HOURS, IN_FORCE, "2026-02-13 08:30",
                     id=f"{A17}-hours-before-opening"),
        pytest.param("2026-02-13 14:00", 4, Unit.WORKING_HOURS, IN_FORCE, "2026-02-23 08:30", id=f"{A17}-hours-tet"),
        pytest.param("2026-03-02 07:30", 8, Unit.WORKING_HOURS, IN_FORCE, "2026-03-02 17:00", id=f"{A17}-hours-8"),
        pytest.param("2026-03-02 07:30", 9, Unit.WORKING_HOURS, IN_FORCE, "2026-03-03 08:30", id=f"{A17}-hours-9"),
        pytest.param("2026-03-02 10:00", 0, Unit.WORKING_HOURS, IN_FORCE, "2026-03-02 10:00", id=f"{A17}-hours-0"),
        # Calendar days from the date of receipt.
        pytest.param("2026-03-02 10:00", 3, Unit.CALENDAR_DAYS, IN_FORCE, "2026-03-05 17:00", id=f"{A17}-3cd"),
        pytest.param("2026-03-02 10:00", 5, Unit.CALENDAR_DAYS, IN_FORCE, "2026-03-09 17:00",
                     id=f"{A148}-cd-ending-saturday"),
        pytest.param("2026-02-13 10:00", 3, Unit.CALENDAR_DAYS, IN_FORCE, "2026-02-23 17:00", id=f"{A148}-cd-in-tet"),
        pytest.param("2026-04-24 10:00", 3, Unit.CALENDAR_DAYS, IN_FORCE, "2026-04-28 17:00",
                     id=f"{A148}-cd-hung-kings-observed"),
        pytest.param("2026-11-20 10:00", 4, Unit.CALENDAR_DAYS, IN_FORCE, "2026-11-25 17:00",
                     id=f"{A148}-cd-culture-day-24-11"),
        pytest.param("2026-02-13 15:30", 1, Unit.CALENDAR_DAYS, IN_FORCE, "2026-02-23 17:00",
                     id=f"{A17}-cd-after-15h-not-moved"),
        # Same-day limits: their own law moves a receipt after 15:00 to the next working day (on by default).
        pytest.param("2026-02-13 10:00", 1, Unit.SAME_DAY, IN_FORCE, "2026-02-13 17:00", id=f"{SAME}-morning"),
        pytest.param("2026-02-13 10:00", 7, Unit.SAME_DAY, IN_FORCE, "2026-02-13 17:00", id=f"{SAME}-amount-ignored"),
        pytest.param("2026-02-13 15:00:00", 0, Unit.SAME_DAY, IN_FORCE, "2026-02-13 17:00", id=f"{SAME}-at-cutoff"),
        pytest.param("2026-02-13 15:00:01", 0, Unit.SAME_DAY, IN_FORCE, "2026-02-23 17:00", id=f"{SAME}-after-cutoff"),
        pytest.param("2026-02-14 10:00", 0, Unit.SAME_DAY, IN_FORCE, "2026-02-23 17:00", id=f"{SAME}-saturday"),
        pytest.param("2026-02-13 15:30", 0, Unit.SAME_DAY, STAYS, "2026-02-13 17:00", id=f"{A17}-same-day-setting-off"),
        pytest.param("2026-02-14 10:00", 0, Unit.SAME_DAY, STAYS, "2026-02-23 17:00",
                     id=f"{A148}-same-day-setting-off-on-a-day-off"),
        # The linked group birth + residence + health insurance (domain.md §2 rule 5).
        pytest.param("2026-03-13 15:30", 3, Unit.WORKING_DAYS, MOVES, "2026-03-19 17:00", id=f"{LINKED}-fri-15h30"),
        pytest.param("2026-03-13 10:00", 3, Unit.WORKING_DAYS, MOVES, "2026-03-18 17:00", id=f"{LINKED}-fri-10h"),
        # Dossiers received before 1/7/2025 (history): after 15:00 the limit counts from the next working day.
        pytest.param("2026-02-13 10:00", 5, Unit.WORKING_DAYS, MOVES, "2026-02-27 17:00", id=f"{OLD}-10h"),
        pytest.param("2026-02-13 15:30", 5, Unit.WORKING_DAYS, MOVES, "2026-03-02 17:00", id=f"{OLD}-15h30"),
        pytest.param("2026-02-13 15:00:00", 5, Unit.WORKING_DAYS, MOVES, "2026-02-27 17:00", id=f"{OLD}-at-cutoff"),
        pytest.param("2026-02-13 15:00:01", 5, Unit.WORKING_DAYS, MOVES, "2026-03-02 17:00", id=f"{OLD}-after"),
        pytest.param("2026-03-07 09:00", 1, Unit.WORKING_DAYS, MOVES, "2026-03-10 17:00", id=f"{OLD}-saturday"),
        pytest.param("2026-02-18 09:00", 2, Unit.WORKING_DAYS, MOVES, "2026-02-25 17:00", id=f"{OLD}-tet"),
        pytest.param("2026-02-13 15:30", 4, Unit.WORKING_HOURS, MOVES, "2026-02-23 11:30", id=f"{OLD}-hours"),
        pytest.param("2026-02-13 15:30", 1, Unit.CALENDAR_DAYS, MOVES, "2026-02-24 17:00", id=f"{OLD}-cd"),
        pytest.param("2026-03-02 07:30", 4, Unit.WORKING_HOURS, MOVES, "2026-03-02 11:30", id=f"{OLD}-hours-period"),
    ],
)
def test_due(start, amount, unit, cutoff, due):
    assert CAL.due(vn(start), amount, unit, cutoff_moves_start=cutoff) == vn(due)


@pytest.mark.parametrize(("start", "cutoff", "day"), [
    pytest.param("2026-02-13 15:30", False, date(2026, 2, 13), id=f"{A17}-the-date-whatever-the-hour"),
    pytest.param("2026-03-08 10:00", False, date(2026, 3, 8), id=f"{A17}-a-day-off-is-the-counting-day"),
    pytest.param("2026-02-13 15:30", True, date(2026, 2, 23), id=f"{OLD}-next-working-day"),
])
def test_counting_day(start, cutoff, day):
    assert CAL.counting_day(vn(start), cutoff) == day


def test_due_is_aware_in_vietnam_time():
    result = CAL.due(vn("2026-02-13 10:00"), 5, "working_days")
    assert result.tzinfo == TZ
    assert result.isoformat() == "2026-02-27T17:00:00+07:00"


def test_aware_input_in_another_zone_is_converted_first():
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off, although the UTC date-time looks like a morning.
    start = datetime(2026, 2, 13, 8, 30, tzinfo=UTC)
    assert CAL.due(start, 5, Unit.WORKING_DAYS, cutoff_moves_start=True) == vn("2026-03-02 17:00")
    assert CAL.due(start, 0, Unit.SAME_DAY) == vn("2026-02-23 17:00")
    # 18:00 UTC on Friday 13/2 is 01:00 on Saturday 14/2 in Hà Nội: the counting day is the Saturday.
    assert CAL.due(datetime(2026, 2, 13, 18, 0, tzinfo=UTC), 0, Unit.WORKING_DAYS) == vn("2026-02-23 17:00")
    # 20:00 UTC on Sunday 1/3 is 03:00 on Monday 2/3 in Hà Nội: a working day, before the cut-off.
    assert CAL.effective_receipt_day(datetime(2026, 3, 1, 20, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_naive_start_is_rejected():
    with pytest.raises(ValueError, match="time zone"):
        CAL.due(datetime(2026, 2, 13, 10, 0), 5, Unit.WORKING_DAYS)
    with pytest.raises(ValueError):
        CAL.effective_receipt_day(datetime(2026, 2, 13, 10, 0))


def test_negative_amount_and_unknown_unit_are_rejected():
    with pytest.raises(ValueError):
        CAL.due(vn("2026-02-13 10:00"), -1, Unit.WORKING_DAYS)
    with pytest.raises(ValueError):
        CAL.due(vn("2026-02-13 10:00"), 1, "fortnights")


def test_agency_office_hours_and_cut_off():
    hours = OfficeHours(periods=((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))), cutoff=time(16, 0))
    cal = WorkingCalendar(hours=hours)
    assert cal.due(vn("2026-03-02 15:30"), 1, Unit.WORKING_DAYS, cutoff_moves_start=True) == vn("2026-03-03 17:30")
    assert cal.due(vn("2026-03-02 16:00:01"), 1, Unit.WORKING_DAYS, cutoff_moves_start=True) == vn("2026-03-04 17:30")
    assert cal.due(vn("2026-03-02 16:00:01"), 1, Unit.WORKING_DAYS) == vn("2026-03-03 17:30")
    assert cal.due(vn("2026-03-02 16:00:01"), 0, Unit.SAME_DAY) == vn("2026-03-03 17:30")
    assert cal.due(vn("2026-03-02 16:00:00"), 0, Unit.SAME_DAY) == vn("2026-03-02 17:30")
    assert cal.due(vn("2026-03-02 12:15"), 1, Unit.WORKING_HOURS) == vn("2026-03-02 14:30")
    assert cal.due(vn("2026-03-02 11:00"), 2, Unit.WORKING_HOURS) == vn("2026-03-02 14:30")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"periods": ()},
        {"periods": ((time(11, 30), time(7, 30)),)},
        {"periods": ((time(13, 0), time(17, 0)), (time(7, 30), time(11, 30)))},
        {"cutoff": time(17, 30)},
    ],
)
def test_office_hours_must_be_consistent(kwargs):
    with pytest.raises(ValueError):
        OfficeHours(**kwargs)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-03-02 07:30", "2026-03-02 17:00", timedelta(hours=8)),
        ("2026-03-02 10:00", "2026-03-02 14:00", timedelta(hours=2, minutes=30)),
        ("2026-03-02 12:00", "2026-03-02 12:45", timedelta(0)),
        ("2026-02-13 16:00", "2026-02-23 08:00", timedelta(hours=1, minutes=30)),
        ("2026-03-02 14:00", "2026-03-02 10:00", timedelta(0)),
    ],
)
def test_working_time_between_counts_office_hours_only(a, b, expected):
    assert CAL.working_time_between(vn(a), vn(b)) == expected


def test_due_date_convenience_uses_the_statutory_calendar():
    assert due_date(vn("2026-02-13 10:00"), 5, "working_days") == vn("2026-02-27 17:00")
    custom = WorkingCalendar(extra_days_off=[date(2026, 2, 27)])
    assert due_date(vn("2026-02-13 10:00"), 5, "working_days", custom) == vn("2026-03-02 17:00")


@pytest.mark.parametrize(("start", "amount", "unit", "due"), [
    pytest.param("2026-03-02 17:30", 0, Unit.SAME_DAY, "2026-03-03 17:00", id=f"{A148}-same-day-after-closing"),
    pytest.param("2026-03-02 17:30", 0, Unit.WORKING_DAYS, "2026-03-03 17:00", id=f"{A148}-0wd-after-closing"),
    pytest.param("2026-03-02 17:30", 0, Unit.CALENDAR_DAYS, "2026-03-03 17:00", id=f"{A148}-0cd-after-closing"),
    pytest.param("2026-03-02 17:30", 1, Unit.WORKING_DAYS, "2026-03-03 17:00", id=f"{A17}-1wd-after-closing"),
])
def test_a_limit_started_after_closing_never_ends_before_it_starts(start, amount, unit, due):
    assert CAL.due(vn(start), amount, unit, cutoff_moves_start=False) == vn(due)
