"""Property tests of the working-calendar arithmetic (hypothesis)."""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.calendar import TZ, Unit, WorkingCalendar

CAL = WorkingCalendar(extra_days_off=[date(2026, 3, 3)], extra_working_days=[date(2026, 3, 7)])

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
amounts = st.integers(min_value=0, max_value=60)
units = st.sampled_from(list(Unit))
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31),
                        timezones=st.just(TZ)).map(lambda d: d.replace(microsecond=0))
within_week = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=7))

common = settings(max_examples=200, deadline=None)


@common
@given(days, amounts)
def test_add_working_days_lands_on_a_working_day_n_days_later(d, n):
    result = CAL.add_working_days(d, n)
    assert CAL.is_working_day(result)
    assert result >= d
    # n == 0 from a day off moves to the next working day (Civil Code 2015 Art. 148).
    expected = n if n > 0 or CAL.is_working_day(d) else 1
    assert CAL.working_days_between(d, result) == expected


@common
@given(days)
def test_next_working_day_skips_only_days_off(d):
    nxt = CAL.next_working_day(d)
    assert nxt > d and CAL.is_working_day(nxt)
    assert CAL.working_days_between(d, nxt) == 1


@common
@given(instants, amounts, amounts, units)
def test_due_is_monotone_in_amount(start, a, b, unit):
    low, high = sorted((a, b))
    assert CAL.due(start, low, unit) <= CAL.due(start, high, unit)


@common
@given(instants, amounts, units)
def test_due_is_never_before_start_and_is_in_vietnam_time(start, amount, unit):
    due = CAL.due(start, amount, unit)
    assert due >= start
    assert due.utcoffset() == timedelta(hours=7)


@common
@given(instants, amounts)
def test_day_based_limits_end_at_closing_on_a_working_day(start, amount):
    for unit in (Unit.WORKING_DAYS, Unit.SAME_DAY, Unit.CALENDAR_DAYS):
        due = CAL.due(start, amount, unit)
        assert due.timetz().replace(tzinfo=None) == time(17, 0)
        assert CAL.is_working_day(due.date())


@common
@given(instants, amounts)
def test_working_hours_elapse_exactly_through_office_hours(start, amount):
    receipt_day = CAL.effective_receipt_day(start)
    counting_from = start if start.date() == receipt_day else datetime.combine(
        receipt_day, CAL.hours.opening, tzinfo=TZ)
    due = CAL.due(start, amount, Unit.WORKING_HOURS, cutoff_moves_start=True)
    assert CAL.working_time_between(counting_from, due) == timedelta(hours=amount)
    # Without the cut-off moving the start (the law in force, Decree 118/2025 Art. 17(3)): from the receipt itself.
    assert CAL.working_time_between(start, CAL.due(start, amount, Unit.WORKING_HOURS)) == timedelta(hours=amount)


@common
@given(instants, within_week, within_week)
def test_working_time_between_is_additive(a, d1, d2):
    b, c = a + d1, a + d1 + d2
    assert CAL.working_time_between(a, b) + CAL.working_time_between(b, c) == CAL.working_time_between(a, c)
