"""Days off and make-up days an administrator adds take effect without a code change (domain.md §2)."""

from datetime import date, datetime, time

import pytest

from motcua.core.calendar import TZ, Unit, WorkingCalendar
from motcua.core.models import CalendarException, CalendarExceptionKind
from motcua.units.models import Agency, AgencyKind, AgencyLevel

pytestmark = pytest.mark.django_db

FRIDAY_10 = datetime(2026, 2, 13, 10, 0, tzinfo=TZ)


def agency(code: str = "TEST.AGENCY", **hours) -> Agency:
    return Agency.objects.create(code=code, name=f"Agency {code}", kind=AgencyKind.SERVICE_CENTRE,
                                 level=AgencyLevel.PROVINCE, **hours)


def test_without_rows_from_db_matches_the_statutory_calendar():
    assert WorkingCalendar.from_db().due(FRIDAY_10, 5, Unit.WORKING_DAYS) == datetime(2026, 2, 27, 17, 0, tzinfo=TZ)


def test_administrator_day_off_pushes_the_due_date():
    CalendarException.objects.create(date=date(2026, 2, 25), kind=CalendarExceptionKind.DAY_OFF, reason="Swap")
    cal = WorkingCalendar.from_db()
    assert not cal.is_working_day(date(2026, 2, 25))
    assert cal.due(FRIDAY_10, 5, Unit.WORKING_DAYS) == datetime(2026, 3, 2, 17, 0, tzinfo=TZ)


def test_make_up_saturday_counts_as_working_day():
    CalendarException.objects.create(date=date(2026, 2, 21), kind=CalendarExceptionKind.WORKING_DAY,
                                     reason="Make-up for Tết")
    cal = WorkingCalendar.from_db()
    assert cal.is_working_day(date(2026, 2, 21))
    assert cal.due(FRIDAY_10, 5, Unit.WORKING_DAYS) == datetime(2026, 2, 26, 17, 0, tzinfo=TZ)
    # Received on the make-up Saturday afternoon before the cut-off: that day is the receipt day.
    assert cal.effective_receipt_day(datetime(2026, 2, 21, 14, 0, tzinfo=TZ)) == date(2026, 2, 21)


def test_agency_rows_apply_only_to_that_agency_and_override_nationwide_rows():
    mine, other = agency("TEST.MINE"), agency("TEST.OTHER")
    CalendarException.objects.create(date=date(2026, 3, 3), kind=CalendarExceptionKind.DAY_OFF)
    CalendarException.objects.create(date=date(2026, 3, 3), kind=CalendarExceptionKind.WORKING_DAY, agency=mine)
    CalendarException.objects.create(date=date(2026, 3, 4), kind=CalendarExceptionKind.DAY_OFF, agency=mine)
    assert WorkingCalendar.from_db(mine).is_working_day(date(2026, 3, 3))
    assert not WorkingCalendar.from_db(mine).is_working_day(date(2026, 3, 4))
    assert not WorkingCalendar.from_db(other).is_working_day(date(2026, 3, 3))
    assert WorkingCalendar.from_db(other).is_working_day(date(2026, 3, 4))
    assert not WorkingCalendar.from_db().is_working_day(date(2026, 3, 3))


def test_agency_office_hours_and_cut_off_are_used():
    late = agency(afternoon_start=time(13, 30), afternoon_end=time(17, 30), cutoff=time(16, 0))
    cal = WorkingCalendar.from_db(late)
    assert cal.hours == late.office_hours()
    assert cal.due(datetime(2026, 3, 2, 15, 45, tzinfo=TZ), 1, Unit.WORKING_DAYS) == datetime(
        2026, 3, 3, 17, 30, tzinfo=TZ)
    assert cal.due(datetime(2026, 3, 2, 12, 0, tzinfo=TZ), 1, Unit.WORKING_HOURS) == datetime(
        2026, 3, 2, 14, 30, tzinfo=TZ)
