"""``GET /api/v1/dossiers`` (issue 3 point 10): filters by state, status, agency, procedure, overdue, at risk,
received and due date ranges; cursor pagination by due time (none last), then code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader():
    procedure()
    procedure("1.000002")
    return client_for(user("province-leader", ("leader", "H01")))


def listing(client, **params):
    response = client.get("/api/v1/dossiers", params)
    assert response.status_code == 200, response.content
    return response.json()


def codes(client, **params):
    return [d["code"] for d in listing(client, **params)["results"]]


def test_pages_follow_due_time_then_code_with_undated_dossiers_last(leader):
    made = [submitted(at=vn(2026, 3, 2, 9)) for _ in range(5)]
    now = timezone.now()
    dues = [now + timedelta(days=3), now + timedelta(days=1), None, now + timedelta(days=1), None]
    for dossier, due in zip(made, dues, strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(due_at=due)
    expected = [made[1].code, made[3].code, made[0].code, made[2].code, made[4].code]
    seen, url, pages = [], "/api/v1/dossiers?page_size=2", 0
    while url:
        data = leader.get(url).json()
        seen += [d["code"] for d in data["results"]]
        url, pages = data["next"], pages + 1
    assert seen == expected
    assert pages == 3


def test_filters_by_state_status_agency_and_procedure(leader):
    received = Flow(submitted())
    received("receive", "desk_officer", vn(2026, 3, 2, 10))
    waiting = submitted()
    commune = submitted(agency="H01.X00070", code="1.000002")
    assert codes(leader, state="received") == [received.code]
    assert set(codes(leader, status=1)) == {waiting.code, commune.code}
    assert codes(leader, agency="H01.X00070") == [commune.code]
    assert codes(leader, procedure="1.000002") == [commune.code]


def test_filters_by_received_and_due_date_ranges(leader):
    early = Flow(submitted(at=vn(2026, 3, 2, 9)))
    early("receive", "desk_officer", vn(2026, 3, 2, 10))
    late = Flow(submitted(at=vn(2026, 3, 9, 9)))
    late("receive", "desk_officer", vn(2026, 3, 9, 10))
    assert codes(leader, received_from="2026-03-03") == [late.code]
    assert codes(leader, received_to="2026-03-02") == [early.code]
    assert codes(leader, due_from="2026-03-01", due_to="2026-03-09") == [early.code]  # due Mon 9/3 17:00


def test_filters_overdue_and_at_risk(leader):
    now = timezone.now()
    overdue = Flow(submitted(at=vn(2026, 3, 2, 9)))
    overdue("receive", "desk_officer", vn(2026, 3, 2, 10))
    risky = Flow(submitted(at=vn(2026, 3, 2, 9)))
    risky("receive", "desk_officer", vn(2026, 3, 2, 10))
    # Due in an hour, with the whole process (days of budgets) still ahead: at risk.
    Dossier.objects.filter(code=risky.code).update(due_at=now + timedelta(hours=1), step_started_at=now)
    fresh = submitted()
    assert codes(leader, overdue="true") == [overdue.code]
    assert set(codes(leader, overdue="false")) == {risky.code, fresh.code}
    assert codes(leader, at_risk="true") == [risky.code]
    flags = {d["code"]: d["deadline"] for d in listing(leader)["results"]}
    assert flags[overdue.code] == {"overdue": True, "at_risk": False}
    assert flags[risky.code] == {"overdue": False, "at_risk": True}


@pytest.mark.parametrize("params", [{"colour": "red"}, {"status": "11"}, {"state": "lost"}, {"overdue": "maybe"},
                                    {"received_from": "02/03/2026"}, {"cursor": "not-a-cursor"},
                                    {"page_size": "500"}])
def test_unknown_or_invalid_parameters_are_400(leader, params):
    response = leader.get("/api/v1/dossiers", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == set(params)
