"""Which days are working days: Decision 188/1999 (Mon–Fri), Labour Code 2019 Art. 112 holidays, swaps."""

from datetime import date, datetime

import pytest

from motcua.core.calendar import FIRST_YEAR, LAST_YEAR, CalendarRangeError, WorkingCalendar

CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2026, 2, 13), True, "Friday before Tết"),
        (date(2026, 2, 14), False, "Saturday"),
        (date(2026, 2, 15), False, "Sunday"),
        (date(2026, 2, 16), False, "Tết 2026: 16–20/2"),
        (date(2026, 2, 18), False, "Tết 2026: 16–20/2"),
        (date(2026, 2, 20), False, "Tết 2026: 16–20/2"),
        (date(2026, 2, 23), True, "Monday after Tết"),
        (date(2026, 1, 1), False, "New Year"),
        (date(2026, 4, 27), False, "Hùng Kings (26/4 is a Sunday) observed on Monday"),
        (date(2026, 4, 30), False, "Reunification Day"),
        (date(2026, 5, 1), False, "Labour Day"),
        (date(2026, 9, 1), False, "National Day adjacent day"),
        (date(2026, 9, 2), False, "National Day"),
        (date(2026, 8, 31), False, "2026 swap: Monday 31/8 off"),
        (date(2026, 8, 22), True, "2026 swap: Saturday 22/8 worked"),
        (date(2026, 11, 24), False, "Vietnam Culture Day, from 2026"),
        (date(2025, 11, 24), True, "Culture Day is not a holiday before 2026"),
        (date(2025, 4, 26), True, "2025 swap: Saturday 26/4 worked"),
        (date(2025, 5, 2), False, "2025 swap: Friday 2/5 off"),
    ],
)
def test_statutory_working_days(day, working, why):
    assert CAL.is_working_day(day) is working, why


def test_extra_day_off_and_make_up_saturday_override_the_statutory_calendar():
    cal = WorkingCalendar(extra_days_off=[date(2026, 3, 3)], extra_working_days=[date(2026, 3, 7)])
    assert not cal.is_working_day(date(2026, 3, 3))
    assert cal.is_working_day(date(2026, 3, 7))
    assert CAL.is_working_day(date(2026, 3, 3)) and not CAL.is_working_day(date(2026, 3, 7))


def test_a_date_cannot_be_both_off_and_working():
    with pytest.raises(ValueError, match="2026-03-03"):
        WorkingCalendar(extra_days_off=[date(2026, 3, 3)], extra_working_days=[date(2026, 3, 3)])


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 13), date(2026, 2, 23)),  # Friday → over the weekend and Tết
        (date(2026, 2, 11), date(2026, 2, 12)),
        (date(2026, 4, 24), date(2026, 4, 28)),  # Friday → Hùng Kings observed Monday
        (date(2026, 12, 31), date(2027, 1, 4)),  # over New Year and a weekend
    ],
)
def test_next_working_day_is_strictly_after(day, expected):
    assert CAL.next_working_day(day) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 2, 13), 0, date(2026, 2, 13)),
        (date(2026, 2, 14), 0, date(2026, 2, 23)),  # a day off moves to the next working day (Civil Code Art. 148)
        (date(2026, 2, 13), 1, date(2026, 2, 23)),
        (date(2026, 2, 13), 5, date(2026, 2, 27)),
        (date(2026, 2, 23), 5, date(2026, 3, 2)),
        (date(2026, 2, 14), 1, date(2026, 2, 23)),
    ],
)
def test_add_working_days_does_not_count_the_start_day(day, n, expected):
    assert CAL.add_working_days(day, n) == expected


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 2, 13), -1)


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        (date(2026, 2, 13), date(2026, 2, 27), 5),
        (date(2026, 2, 13), date(2026, 2, 13), 0),
        (date(2026, 2, 27), date(2026, 2, 13), 0),
        (date(2026, 2, 12), date(2026, 2, 13), 1),
        (date(2026, 2, 13), date(2026, 2, 22), 0),
    ],
)
def test_working_days_between_counts_half_open_interval(a, b, count):
    assert CAL.working_days_between(a, b) == count


def test_dates_outside_the_known_holiday_years_are_refused():
    with pytest.raises(CalendarRangeError):
        CAL.is_working_day(date(LAST_YEAR + 1, 1, 5))
    with pytest.raises(CalendarRangeError):
        CAL.is_working_day(date(FIRST_YEAR - 1, 1, 5))


def test_is_working_day_refuses_a_datetime():
    with pytest.raises(TypeError):
        CAL.is_working_day(datetime(2026, 2, 13, 10, 0))
