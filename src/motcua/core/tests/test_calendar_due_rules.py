"""Due times under domain.md §2 rules 1–5 (Civil Code 2015 Art. 147–148, the 15:00 rule)."""

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


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        # domain.md §2 examples.
        ("2026-02-13 10:00", 5, Unit.WORKING_DAYS, "2026-02-27 17:00"),
        ("2026-02-13 15:30", 5, Unit.WORKING_DAYS, "2026-03-02 17:00"),
        # cut-off edge.
        ("2026-02-13 15:00:00", 5, Unit.WORKING_DAYS, "2026-02-27 17:00"),
        ("2026-02-13 15:00:01", 5, Unit.WORKING_DAYS, "2026-03-02 17:00"),
        # weekend and holiday starts.
        ("2026-03-07 09:00", 1, Unit.WORKING_DAYS, "2026-03-10 17:00"),  # Sat → R Mon 9/3 → Tue 10/3
        ("2026-02-18 09:00", 2, Unit.WORKING_DAYS, "2026-02-25 17:00"),  # Tết → R Mon 23/2
        ("2026-02-13 10:00", 0, Unit.WORKING_DAYS, "2026-02-13 17:00"),
        # same day.
        ("2026-02-13 10:00", 1, Unit.SAME_DAY, "2026-02-13 17:00"),
        ("2026-02-13 10:00", 7, Unit.SAME_DAY, "2026-02-13 17:00"),  # amount ignored
        ("2026-02-13 15:00:01", 1, Unit.SAME_DAY, "2026-02-23 17:00"),
        ("2026-02-14 10:00", 1, Unit.SAME_DAY, "2026-02-23 17:00"),
        # working hours.
        ("2026-02-13 10:00", 4, Unit.WORKING_HOURS, "2026-02-13 15:30"),  # skips the lunch break
        ("2026-02-13 12:00", 1, Unit.WORKING_HOURS, "2026-02-13 14:00"),  # lunch-break start: from 13:00
        ("2026-02-13 06:00", 1, Unit.WORKING_HOURS, "2026-02-13 08:30"),  # before opening: from 07:30
        ("2026-02-13 14:00", 4, Unit.WORKING_HOURS, "2026-02-23 08:30"),  # over the weekend and Tết
        ("2026-02-13 15:30", 4, Unit.WORKING_HOURS, "2026-02-23 11:30"),  # after cut-off: from opening of R
        ("2026-02-13 10:00", 2, Unit.WORKING_HOURS, "2026-02-13 13:30"),
        ("2026-03-02 07:30", 4, Unit.WORKING_HOURS, "2026-03-02 11:30"),  # ends exactly at a period end
        ("2026-03-02 07:30", 8, Unit.WORKING_HOURS, "2026-03-02 17:00"),
        ("2026-03-02 07:30", 9, Unit.WORKING_HOURS, "2026-03-03 08:30"),
        ("2026-03-02 10:00", 0, Unit.WORKING_HOURS, "2026-03-02 10:00"),
        # calendar days.
        ("2026-03-02 10:00", 3, Unit.CALENDAR_DAYS, "2026-03-05 17:00"),
        ("2026-03-02 10:00", 5, Unit.CALENDAR_DAYS, "2026-03-09 17:00"),  # lands on Saturday → Monday
        ("2026-02-13 10:00", 3, Unit.CALENDAR_DAYS, "2026-02-23 17:00"),  # lands in Tết → after it
        ("2026-04-24 10:00", 3, Unit.CALENDAR_DAYS, "2026-04-28 17:00"),  # Mon 27/4 Hùng Kings observed
        ("2026-11-20 10:00", 4, Unit.CALENDAR_DAYS, "2026-11-25 17:00"),  # Tue 24/11 Culture Day
        ("2026-02-13 15:30", 1, Unit.CALENDAR_DAYS, "2026-02-24 17:00"),  # counted from R = 23/2
    ],
)
def test_due(start, amount, unit, due):
    assert CAL.due(vn(start), amount, unit) == vn(due)


def test_due_is_aware_in_vietnam_time():
    result = CAL.due(vn("2026-02-13 10:00"), 5, "working_days")
    assert result.tzinfo == TZ
    assert result.isoformat() == "2026-02-27T17:00:00+07:00"


def test_aware_input_in_another_zone_is_converted_first():
    # 08:30 UTC is 15:30 in Hà Nội: after the cut-off, although the UTC date-time looks like a morning.
    start = datetime(2026, 2, 13, 8, 30, tzinfo=UTC)
    assert CAL.due(start, 5, Unit.WORKING_DAYS) == vn("2026-03-02 17:00")
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
    assert cal.due(vn("2026-03-02 15:30"), 1, Unit.WORKING_DAYS) == vn("2026-03-03 17:30")
    assert cal.due(vn("2026-03-02 16:00:01"), 1, Unit.WORKING_DAYS) == vn("2026-03-04 17:30")
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
