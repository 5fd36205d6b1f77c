"""``GET /api/v1/calendar/due-date``: 200 with the due time, 400 problem+json for every bad query."""

from datetime import date, time
from urllib.parse import urlencode

import pytest

from motcua.core.api.serializers import MAX_AMOUNT
from motcua.core.models import CalendarException, CalendarExceptionKind
from motcua.units.models import Agency, AgencyKind, AgencyLevel

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date"
PROBLEM = "application/problem+json"


def get(client, **params):
    return client.get(f"{URL}?{urlencode(params)}")


@pytest.mark.parametrize(
    ("params", "due"),
    [
        ({"start": "2026-02-13T10:00:00+07:00", "amount": 5, "unit": "working_days"}, "2026-02-27T17:00:00+07:00"),
        # Decree 118/2025 Art. 17(3), 18(2): from 1/7/2025 the hour of receipt does not move the start.
        ({"start": "2026-02-13T15:30:00+07:00", "amount": 5, "unit": "working_days"}, "2026-02-27T17:00:00+07:00"),
        ({"start": "2026-03-08T10:00:00+07:00", "amount": 1, "unit": "working_days"}, "2026-03-09T17:00:00+07:00"),
        # Same-day limits: after 15:00, the next working day.
        ({"start": "2026-02-13T15:30:00+07:00", "unit": "same_day"}, "2026-02-23T17:00:00+07:00"),
        # Before 1/7/2025 (history, Decree 61/2018 practice): after 15:00, from the next working day.
        ({"start": "2025-06-30T15:30:00+07:00", "amount": 5, "unit": "working_days"}, "2025-07-08T17:00:00+07:00"),
        ({"start": "2025-07-01T15:30:00+07:00", "amount": 5, "unit": "working_days"}, "2025-07-08T17:00:00+07:00"),
        ({"start": "2025-06-30T10:00:00+07:00", "amount": 5, "unit": "working_days"}, "2025-07-07T17:00:00+07:00"),
        ({"start": "2025-07-01T10:00:00+07:00", "amount": 5, "unit": "working_days"}, "2025-07-08T17:00:00+07:00"),
        ({"start": "2026-02-13T03:00:00Z", "amount": 5, "unit": "working_days"}, "2026-02-27T17:00:00+07:00"),
        ({"start": "2026-02-13T12:00:00+07:00", "amount": 1, "unit": "working_hours"}, "2026-02-13T14:00:00+07:00"),
        ({"start": "2026-02-13T10:00:00+07:00", "unit": "same_day"}, "2026-02-13T17:00:00+07:00"),
        ({"start": "2026-02-13T10:00:00+07:00", "amount": 3, "unit": "calendar_days"},
         "2026-02-23T17:00:00+07:00"),
        ({"start": "2026-02-13T10:00:00+07:00", "amount": MAX_AMOUNT, "unit": "calendar_days"},
         "2036-02-11T17:00:00+07:00"),
    ],
)
def test_due_date_returns_the_due_time(client, params, due):
    response = get(client, **params)
    assert response.status_code == 200, response.content
    assert response.json()["due"] == due


def test_unencoded_plus_before_the_offset_is_accepted(client):
    # A raw "+" in a query string decodes as a space.
    response = client.get(f"{URL}?start=2026-02-13T10:00:00+07:00&amount=5&unit=working_days")
    assert response.status_code == 200, response.content
    assert response.json()["due"] == "2026-02-27T17:00:00+07:00"


def test_administrator_day_off_is_applied(client):
    CalendarException.objects.create(date=date(2026, 2, 27), kind=CalendarExceptionKind.DAY_OFF)
    response = get(client, start="2026-02-13T10:00:00+07:00", amount=5, unit="working_days")
    assert response.json()["due"] == "2026-03-02T17:00:00+07:00"


def test_agency_office_hours_are_applied(client):
    Agency.objects.create(code="TEST.LATE", name="Late agency", kind=AgencyKind.SERVICE_CENTRE,
                          level=AgencyLevel.PROVINCE, afternoon_end=time(17, 30), cutoff=time(16, 0))
    response = get(client, start="2026-03-02T15:45:00+07:00", amount=1, unit="working_days", agency="TEST.LATE")
    assert response.status_code == 200, response.content
    assert response.json()["due"] == "2026-03-03T17:30:00+07:00"


GOOD = {"start": "2026-02-13T10:00:00+07:00", "amount": "5", "unit": "working_days"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start": "2026-02-13T10:00:00"}, "start", "offset"),
        ({"start": "2026-13-45T99:00+07:00"}, "start", "ISO 8601"),
        ({"start": "+275760-09-13"}, "start", "ISO 8601"),
        ({"start": "yesterday"}, "start", "ISO 8601"),
        ({"start": ""}, "start", ""),
        ({"start": "9999-12-31T23:59:59-23:59"}, "start", "years"),
        ({"start": "0001-01-01T00:00:00+14:00"}, "start", "years"),
        ({"start": "2150-01-01T10:00:00+07:00"}, "start", "years"),
        ({"start": "x" * 5000}, "start", "ISO 8601"),
        ({"amount": "-1"}, "amount", "negative"),
        ({"amount": "2.5"}, "amount", "whole number"),
        ({"amount": "5.0"}, "amount", "whole number"),
        ({"amount": "1e3"}, "amount", "whole number"),
        ({"amount": "five"}, "amount", "whole number"),
        ({"amount": str(MAX_AMOUNT + 1)}, "amount", str(MAX_AMOUNT)),
        ({"amount": "9" * 5000}, "amount", "whole number"),
        ({"unit": "fortnights"}, "unit", "valid choice"),
        ({"agency": "NO.SUCH.AGENCY"}, "agency", "NO.SUCH.AGENCY"),
        ({"colour": "blue"}, "colour", "Unknown query parameter"),
    ],
)
def test_invalid_query_is_a_problem(client, change, field, message):
    response = get(client, **{**GOOD, **change})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400
    assert field in body["errors"]
    assert message in " ".join(body["errors"][field])


@pytest.mark.parametrize("missing", ["start", "amount", "unit"])
def test_missing_parameter_is_a_problem(client, missing):
    params = {k: v for k, v in GOOD.items() if k != missing}
    response = get(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert missing in response.json()["errors"]


def test_repeated_parameter_is_a_problem(client):
    response = client.get(f"{URL}?{urlencode(GOOD)}&unit=same_day")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "unit" in response.json()["errors"]


def test_due_time_beyond_the_known_holiday_years_is_a_problem(client):
    response = get(client, start="2100-12-01T10:00:00+07:00", amount=MAX_AMOUNT, unit="working_days")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "amount" in response.json()["errors"]


def test_due_date_is_in_the_openapi_schema(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/calendar/due-date"]["get"]
    names = {p["name"]: p for p in operation["parameters"]}
    assert set(names) == {"start", "amount", "unit", "agency"}
    assert names["unit"]["schema"]["enum"] == ["calendar_days", "same_day", "working_days", "working_hours"]
    assert {"200", "400"} <= set(operation["responses"])
