"""``POST /api/v1/dossiers/<code>/actions/<action>`` (issue 3 points 1–2): If-Match with the ETag is required (428
without, 412 when stale, with the current state); an action the user's roles cannot take now is 409 with the allowed
actions; a legal rule is 422 naming it; success appends one event and returns the new ETag."""

import threading

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import AGENCY, procedure, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    procedure()
    dossier = submitted(actor=user("an"), role="applicant")
    desk = client_for(user("desk", ("desk_officer", AGENCY)))
    return dossier, desk


def act(client, code, action, etag=None, **body):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.post(f"/api/v1/dossiers/{code}/actions/{action}", body, format="json", **headers)


def test_receiving_with_the_current_etag_moves_the_dossier_and_returns_the_new_etag(setup):
    dossier, desk = setup
    etag = desk.get(f"/api/v1/dossiers/{dossier.code}")["ETag"]
    response = act(desk, dossier.code, "receive", etag)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["state"], data["status"]["code"], data["version"]) == ("received", 2, 2)
    assert data["received_at"] and data["due_at"]
    assert response["ETag"] == '"2"'
    events = desk.get(f"/api/v1/dossiers/{dossier.code}/events").json()
    assert [(e["action"], e["from_state"], e["to_state"], e["role"], e["actor"]) for e in events] == [
        ("submit", "new", "submitted", "applicant", "an"), ("receive", "submitted", "received", "desk_officer", "desk")]


def test_an_action_without_if_match_is_428(setup):
    dossier, desk = setup
    response = act(desk, dossier.code, "receive")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert act(desk, dossier.code, "receive", "*").status_code == 428
    assert Dossier.objects.get(pk=dossier.pk).version == 1


def test_an_action_on_a_stale_etag_is_412_with_the_current_state(setup):
    dossier, desk = setup
    act(desk, dossier.code, "receive", '"1"')
    response = act(desk, dossier.code, "request_supplement", '"1"', data={"missing": ["Tờ khai"]})
    assert response.status_code == 412
    assert response["ETag"] == '"2"'
    assert response.json()["current"] == {"state": "received", "status": {"code": 2, "name": "Được tiếp nhận"},
                                          "version": 2}
    assert Dossier.objects.get(pk=dossier.pk).events.count() == 2


def test_weak_etags_are_accepted_in_if_match(setup):
    dossier, desk = setup
    assert act(desk, dossier.code, "receive", 'W/"1"').status_code == 200


def test_an_action_not_allowed_in_the_state_is_409_listing_the_allowed_actions(setup):
    dossier, desk = setup
    response = act(desk, dossier.code, "approve", '"1"')
    assert response.status_code == 409
    problem = response.json()
    assert problem["allowed_actions"] == ["receive", "request_supplement", "refuse", "withdraw"]
    assert problem["state"] == "submitted"
    leader = client_for(user("leader", ("leader", AGENCY)))
    assert act(leader, dossier.code, "approve", '"1"').json()["allowed_actions"] == []


def test_the_applicant_withdraws_their_own_dossier(setup):
    dossier, _ = setup
    response = act(client_for(user("an")), dossier.code, "withdraw", '"1"', reason="Không còn nhu cầu")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == 7


def test_a_rule_violation_is_422_naming_the_rule(setup):
    dossier, desk = setup
    response = act(desk, dossier.code, "request_supplement", '"1"', data={"missing": []})
    assert response.status_code == 422
    assert response.json()["rule"] == "supplement_missing_items"
    response = act(desk, dossier.code, "refuse", '"1"')
    assert response.json()["rule"] == "reason_required"


def test_an_unknown_action_is_404_and_a_role_not_held_is_403(setup):
    dossier, desk = setup
    assert act(desk, dossier.code, "teleport", '"1"').status_code == 404
    assert act(desk, dossier.code, "receive", '"1"', role="leader").status_code == 403


def test_a_malformed_body_is_400(setup):
    dossier, desk = setup
    response = desk.post(f"/api/v1/dossiers/{dossier.code}/actions/receive", "{oops", content_type="application/json",
                         HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    response = act(desk, dossier.code, "request_supplement", '"1"', data="Tờ khai")
    assert response.status_code == 400 and "data" in response.json()["errors"]


def test_the_whole_lifecycle_through_the_api(setup):
    dossier, desk = setup
    leader = client_for(user("leader", ("leader", AGENCY)))
    specialist = client_for(user("specialist", ("specialist", AGENCY)))
    steps = [(desk, "receive", {}), (leader, "assign", {"data": {"assignee": "specialist"}}),
             (specialist, "complete_step", {}), (leader, "approve", {}), (leader, "issue_result", {}),
             (desk, "return_result", {})]
    etag = '"1"'
    for client, action, body in steps:
        response = act(client, dossier.code, action, etag, **body)
        assert response.status_code == 200, (action, response.content)
        etag = response["ETag"]
    final = desk.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert (final["state"], final["status"]["code"], final["version"]) == ("returned", 10, 7)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises all writers; the race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_acting_on_the_same_etag_one_succeeds_and_the_other_gets_412():
    procedure()
    dossier = submitted()
    desk_user = user("desk", ("desk_officer", AGENCY))
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    client_for(desk_user)  # the token exists before the race

    def officer(action, body):
        try:
            client = client_for(desk_user)
            barrier.wait()
            statuses.append(act(client, dossier.code, action, '"1"', **body).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=officer, args=("receive", {})),
               threading.Thread(target=officer, args=("request_supplement", {"data": {"missing": ["Tờ khai"]}}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    dossier.refresh_from_db()
    assert (dossier.version, dossier.events.count()) == (2, 2)
