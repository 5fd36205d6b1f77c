"""The O(1) office clock gives the calendar's working time on any pair of instants (Tết, weekends, lunch, cut-off
days, make-up Saturdays, an agency's own hours)."""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.calendar import TZ, OfficeHours, WorkingCalendar
from motcua.oversight.review.clock import OfficeClock

CALENDARS = [
    WorkingCalendar(),
    WorkingCalendar(extra_days_off=[date(2026, 3, 3)], extra_working_days=[date(2026, 3, 7)],
                    hours=OfficeHours(periods=((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))),
                                      cutoff=time(16, 0))),
]
CLOCKS = [OfficeClock(c) for c in CALENDARS]
instants = st.datetimes(min_value=datetime(1998, 6, 1), max_value=datetime(2028, 12, 31)).map(
    lambda d: d.replace(tzinfo=TZ))


@settings(max_examples=300, deadline=None)
@given(instants, st.integers(0, 60 * 24 * 40), st.integers(0, 1))
def test_office_clock_equals_the_calendar(a, minutes, which):
    b = a + timedelta(minutes=minutes)
    expected = CALENDARS[which].working_time_between(a, b).total_seconds()
    assert abs(CLOCKS[which].between(a, b) - expected) < 1e-6


def test_hand_computed_examples():
    clock = CLOCKS[0]
    # Friday 13/2/2026 10:00 → Monday 23/2/2026 09:00 across Tết (16–20/2): 1.5 + 4 on Friday, 1.5 on Monday.
    a, b = datetime(2026, 2, 13, 10, tzinfo=TZ), datetime(2026, 2, 23, 9, tzinfo=TZ)
    assert clock.between(a, b) == 7 * 3600
    assert clock.between(b, a) == 0
