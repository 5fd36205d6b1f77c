"""The working calendar's year data (issue 11 point 12): shipped with the project (core migration 0005), edited by an
administrator, each year provisional until its notice is recorded — shown in the admin and the calendar API."""

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model

from motcua.core.calendar import TZ, WorkingCalendar
from motcua.core.models import CalendarException, CalendarYear, provisional_years

pytestmark = pytest.mark.django_db


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(("day", "working"), [
    pytest.param(date(2026, 1, 1), False, id="LabourCode-Art112-new-year"),
    pytest.param(date(2026, 1, 2), False, id="notice-12729-VPCP-KGVX-2026-01-02-off"),
    pytest.param(date(2026, 1, 10), True, id="notice-12729-VPCP-KGVX-2026-01-10-worked"),
    pytest.param(date(2026, 2, 16), False, id="tet-2026-16-2"),
    pytest.param(date(2026, 2, 20), False, id="tet-2026-20-2"),
    pytest.param(date(2026, 2, 23), True, id="after-tet-2026"),
    pytest.param(date(2026, 4, 27), False, id="hung-kings-observed-27-4-2026"),
    pytest.param(date(2026, 8, 22), True, id="national-day-swap-22-8-2026-worked"),
    pytest.param(date(2026, 8, 31), False, id="national-day-swap-31-8-2026-off"),
    pytest.param(date(2026, 9, 2), False, id="national-day-2-9-2026"),
    pytest.param(date(2026, 11, 24), False, id="culture-day-24-11-2026"),
    pytest.param(date(2027, 2, 4), False, id="provisional-tet-2027-4-2"),
    pytest.param(date(2027, 2, 10), False, id="provisional-tet-2027-10-2"),
    pytest.param(date(2027, 9, 3), False, id="provisional-day-next-to-2-9-2027"),
])
def test_shipped_year_data(day, working):
    assert WorkingCalendar.from_db().is_working_day(day) is working


def test_2026_is_decided_and_2027_provisional():
    years = {y.year: y for y in CalendarYear.objects.all()}
    assert years[2026].provisional is False
    assert (years[2026].notice_number, years[2026].notice_date) == ("12729/VPCP-KGVX", date(2025, 12, 25))
    assert years[2027].provisional is True
    # Before the first decided year: not flagged (history); after the last one: provisional.
    assert provisional_years(range(2024, 2030)) == [2027, 2028, 2029]


def test_recording_the_notice_ends_provisional():
    year = CalendarYear.objects.get(year=2027)
    year.notice_number = "999/VPCP-KGVX"
    year.save()
    assert provisional_years([2027]) == [2027]  # a number without a date is not a notice
    year.notice_date = date(2026, 12, 20)
    year.save()
    assert provisional_years([2027, 2028]) == [2028]


def test_the_due_date_api_flags_a_count_crossing_a_provisional_year(client):
    decided = client.get("/api/v1/calendar/due-date", {"start": "2026-02-13T10:00:00+07:00", "amount": 5,
                                                       "unit": "working_days"}).json()
    assert decided == {"due": "2026-02-27T17:00:00+07:00", "provisional": False, "provisional_years": []}
    # Fri 29/1/2027 + 5 working days: Mon 1/2, Tue 2/2, Wed 3/2, then Tết (provisional 4–10/2) → Thu 11/2, Fri 12/2.
    crossing = client.get("/api/v1/calendar/due-date", {"start": "2027-01-29T10:00:00+07:00", "amount": 5,
                                                        "unit": "working_days"}).json()
    assert crossing == {"due": "2027-02-12T17:00:00+07:00", "provisional": True, "provisional_years": [2027]}


def test_the_years_api_lists_each_years_notice_and_days(client):
    body = client.get("/api/v1/calendar/years").json()
    by_year = {y["year"]: y for y in body}
    assert by_year[2026]["provisional"] is False and by_year[2026]["notice_number"] == "12729/VPCP-KGVX"
    assert {"date": "2026-01-02", "kind": "day_off"}.items() <= by_year[2026]["days"][0].items()
    assert by_year[2027]["provisional"] is True
    assert [d["date"] for d in by_year[2027]["days"]] == ["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09",
                                                         "2027-02-10", "2027-09-03"]


@pytest.fixture
def admin_client_(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-not-secret")
    client.force_login(user)
    return client


def test_the_admin_shows_provisional_years_and_days(admin_client_):
    years = admin_client_.get("/admin/core/calendaryear/")
    assert years.status_code == 200
    html = years.content.decode()
    assert "12729/VPCP-KGVX" in html and "Tạm tính" in html
    page = admin_client_.get(f"/admin/core/calendaryear/{CalendarYear.objects.get(year=2027).pk}/change/")
    assert "Tết Âm lịch Đinh Mùi 2027" in page.content.decode()
    listing = admin_client_.get("/admin/core/calendarexception/?date__year=2027").content.decode()
    assert 'alt="True"' in listing  # the provisional icon on the 2027 rows
    assert 'alt="True"' not in admin_client_.get("/admin/core/calendarexception/?date__year=2026").content.decode()


def test_an_administrator_records_the_notice_in_the_admin(admin_client_):
    year = CalendarYear.objects.get(year=2027)
    response = admin_client_.post(f"/admin/core/calendaryear/{year.pk}/change/", {
        "year": 2027, "notice_number": "1/TB-BNV", "notice_date": "2026-12-20", "source": "x", "note": ""})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).provisional is False


def test_a_citizen_cannot_edit_the_calendar(client):
    user = get_user_model().objects.create_user("citizen", password="pw-not-secret")
    client.force_login(user)
    response = client.post(f"/admin/core/calendaryear/{CalendarYear.objects.get(year=2027).pk}/change/",
                           {"year": 2027, "notice_number": "forged", "notice_date": "2026-12-20"})
    assert response.status_code in (302, 403)
    assert CalendarYear.objects.get(year=2027).provisional is True
    assert not CalendarException.objects.filter(reason="forged").exists()
