"""``POST /api/v1/dossiers`` (issue 3 point 10): a submission gets its code, status 1 and an ETag; invalid input is a
400 problem naming each field, never a 500."""

import pytest

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import AGENCY, CITIZEN, procedure

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"


def body(**overrides):
    data = {"procedure": "1.000001", "agency": AGENCY, "channel": "online", "applicant": dict(CITIZEN),
            "form_data": {"ho_ten_tre": "Nguyễn Văn Bình"}}
    data.update(overrides)
    return data


@pytest.fixture
def citizen_client():
    procedure()
    return client_for(user("001090012345"))


def test_an_online_submission_returns_the_dossier_with_code_status_and_etag(citizen_client):
    response = citizen_client.post(URL, body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["code"].startswith(f"{AGENCY}-") and data["code"].endswith("-0001")
    assert data["status"] == {"code": 1, "name": "Mới đăng ký"}
    assert (data["state"], data["procedure"], data["agency"], data["channel"]) == (
        "submitted", "1.000001", AGENCY, "online")
    assert data["submitted_at"] and data["received_at"] is None and data["due_at"] is None
    assert data["version"] == 1
    assert data["applicant"]["personal_id"] == CITIZEN["personal_id"]
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/api/v1/dossiers/{data['code']}")
    dossier = Dossier.objects.get(code=data["code"])
    assert dossier.applicant_user.username == "001090012345"
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.action, event.role, event.actor.username) == ("submit", "applicant", "001090012345")
    assert citizen_client.get(response["Location"]).status_code == 200


def test_a_desk_officer_enters_an_in_person_dossier_for_the_applicant():
    procedure()
    desk = client_for(user("desk", ("desk_officer", AGENCY)))
    response = desk.post(URL, body(channel="in_person"), format="json")
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.applicant_user is None
    assert dossier.events.get().role == "desk_officer"


def test_only_a_desk_officer_of_the_agency_enters_in_person_or_postal_dossiers(citizen_client):
    response = citizen_client.post(URL, body(channel="postal"), format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    other_desk = client_for(user("desk-elsewhere", ("desk_officer", "H01.X00070")))
    assert other_desk.post(URL, body(channel="in_person"), format="json").status_code == 403
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("personal_id", "rule_text"),
    [
        ("12345", "12 digits"),
        ("097090012345", "province"),
        ("001790012345", "Digit 4"),
        ("001299012345", "future"),
    ],
)
def test_an_invalid_personal_id_is_a_field_error(citizen_client, personal_id, rule_text):
    response = citizen_client.post(URL, body(applicant={**CITIZEN, "personal_id": personal_id}), format="json",
                                   HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    problem = response.json()
    assert rule_text in problem["errors"]["applicant.personal_id"][0]
    assert not Dossier.objects.exists()


def test_a_business_needs_a_valid_enterprise_code(citizen_client):
    business = {"kind": "business", "enterprise_code": "01012345", "full_name": "Công ty TNHH An Bình"}
    response = citizen_client.post(URL, body(applicant=business), format="json")
    assert response.status_code == 400
    assert "applicant.enterprise_code" in response.json()["errors"]
    business["enterprise_code"] = "0101234567-001"
    assert citizen_client.post(URL, body(applicant=business), format="json").status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"procedure": "9.999999"}, "procedure"),
        ({"agency": "H99.NOWHERE"}, "agency"),
        ({"channel": "fax"}, "channel"),
        ({"applicant": {"kind": "citizen", "personal_id": "001090012345"}}, "applicant.full_name"),
        ({"applicant": "Nguyễn Văn An"}, "applicant.non_field_errors"),
        ({"form_data": ["not", "an", "object"]}, "form_data"),
    ],
)
def test_unknown_procedure_agency_or_channel_and_bad_shapes_are_field_errors(citizen_client, overrides, field):
    response = citizen_client.post(URL, body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_a_channel_the_procedure_does_not_offer_is_a_field_error():
    procedure(kinds=("in_person",))
    response = client_for(user("001090012345")).post(URL, body(), format="json")
    assert response.status_code == 400
    assert "channel" in response.json()["errors"]


@pytest.mark.parametrize("payload", ['{"procedure": ', "[1, 2]", "null", '"text"'])
def test_malformed_json_is_a_400_problem(citizen_client, payload):
    response = citizen_client.post(URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_without_a_bearer_token_the_api_answers_401():
    procedure()
    from rest_framework.test import APIClient

    response = APIClient().post(URL, body(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.get(URL).status_code == 401
