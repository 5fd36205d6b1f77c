"""Issue 12 points 5 and 9, from the attacker's side.

5. Each action declares its data (keys, types): ``withdraw {"data":{"due_at":"not-a-date","assignee":"demo-admin"}}``
   is a 400 problem and nothing is stored; the officer's page never breaks on what older events hold.
9. A dossier is assigned only to the receiving agency's staff holding the step's role (Decree 118/2025 Art. 19(1)-(3)):
   not a citizen, not another agency's officer, not the administrator, never by numeric id; the event names the
   officer.
"""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import action_data
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.api_clients import client_for

from .factories import CITIZEN, Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def _act(client, dossier, action, **body):
    return client.post(f"/api/v1/dossiers/{dossier.code}/actions/{action}", body, format="json",
                       HTTP_IF_MATCH=f'"{dossier.version}"')


@pytest.fixture
def received():
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow


def test_client_keys_an_action_does_not_declare_are_400_and_not_stored(received):
    desk = client_for(received.users["desk_officer"])
    response = _act(desk, received.dossier, "withdraw",
                    data={"due_at": "not-a-date", "assignee": "demo-admin"}, reason="x")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"data.due_at", "data.assignee"}
    assert Dossier.objects.get(code=received.code).state == "received"
    assert not DossierEvent.objects.filter(dossier__code=received.code, action="withdraw").exists()


@pytest.mark.parametrize(("action", "data", "key"), [
    ("consult", {"unit": "Sở Xây dựng", "due_at": "not-a-date"}, "data.due_at"),
    ("consult", {"unit": ["a"], "working_days": 3}, "data.unit"),
    ("consult", {"unit": "Sở Xây dựng", "working_days": "3"}, "data.working_days"),
    ("request_payment", {"amount_vnd": "100000"}, "data.amount_vnd"),
    ("request_supplement", {"missing": "Tờ khai"}, "data.missing"),
    ("apologise", {"new_due_at": "2026-03-20"}, "data.new_due_at"),  # no time zone
    ("assign", {"assignee": 1}, "data.assignee"),
])
def test_bad_values_are_refused_by_the_schema(action, data, key):
    with pytest.raises(action_data.ActionDataInvalid) as invalid:
        action_data.check(action, data)
    assert key in invalid.value.errors


def test_the_officer_page_survives_events_written_before_the_schemas(received, client):
    dossier = Dossier.objects.get(code=received.code)
    from django.db import transaction

    with transaction.atomic():  # what the unchecked service used to store
        dossier.version += 1
        dossier.save(update_fields=["version"])
        dossier_services.append_event(dossier, actor=None, role="system", at=vn(2026, 3, 2, 11), action="withdraw",
                                       from_state="received", to_state="received", reason="",
                                       data={"due_at": "not-a-date", "new_due_at": 5, "assignee": 17,
                                             "missing": "x"})
    client.force_login(received.users["desk_officer"])
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200


@pytest.mark.parametrize("who", ["citizen", "other_agency", "admin", "desk_of_agency", "numeric_id"])
def test_a_leader_cannot_assign_outside_the_agencys_staff_with_the_steps_role(received, who):
    User = get_user_model()
    target = {
        "citizen": lambda: User.objects.create_user(CITIZEN["personal_id"]).username,
        "other_agency": lambda: officer("specialist-hcm", "specialist", "H79.TTPVHCC").username,
        "admin": lambda: User.objects.create_superuser("root-admin", password="x").username,
        "desk_of_agency": lambda: received.users["desk_officer"].username,
        "numeric_id": lambda: User.objects.create_user(CITIZEN["personal_id"]).pk,
    }[who]()
    leader = client_for(received.users["leader"])
    response = _act(leader, received.dossier, "assign", data={"assignee": target})
    assert response.status_code == 400, response.content
    assert "data.assignee" in response.json()["errors"]
    assert Dossier.objects.get(code=received.code).assigned_to_id is None


def test_the_agencys_specialist_is_assigned_and_named_by_user_name(received):
    leader = client_for(received.users["leader"])
    specialist = received.users["specialist"]
    response = _act(leader, received.dossier, "assign", data={"assignee": specialist.username})
    assert response.status_code == 200, response.content
    event = DossierEvent.objects.filter(dossier__code=received.code, action="assign").get()
    assert event.data["assignee"] == specialist.username
