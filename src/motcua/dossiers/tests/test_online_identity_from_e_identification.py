"""Issue 12 point 12, from the attacker's side: online, a citizen submits only as themselves — the applicant's
personal ID is the signed-in e-identification's, never the one typed in the body."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_clients import client_for, user
from motcua.exchange import services as exchange

from .factories import AGENCY, CITIZEN, procedure

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"
BINH = "001185004321"


def _body(personal_id: str):
    applicant = {**CITIZEN, "personal_id": personal_id}
    return {"procedure": "1.000001", "agency": AGENCY, "channel": "online", "applicant": applicant, "form_data": {}}


def test_a_citizen_cannot_submit_online_with_someone_elses_personal_id():
    procedure()
    binh = client_for(user(BINH))
    response = binh.post(URL, _body(CITIZEN["personal_id"]), format="json")
    assert response.status_code == 403 and response.json()["rule"] == "identity_mismatch"
    assert not Dossier.objects.exists()


def test_an_account_without_a_verified_identity_cannot_submit_online_as_a_citizen():
    procedure()
    anonymous_officer = client_for(user("desk-x", ("desk_officer", AGENCY)))
    response = anonymous_officer.post(URL, _body(CITIZEN["personal_id"]), format="json")
    assert response.status_code == 403 and response.json()["rule"] == "identity_required"


def test_the_personal_id_comes_from_the_e_identification_link(settings):
    procedure()
    settings.ENVIRONMENT = "production"  # only the link counts, not the user name
    account = get_user_model().objects.create_user("vneid-sub-123")
    exchange.link_person(account, BINH, source="vneid")
    response = client_for(account).post(URL, _body(BINH), format="json")
    assert response.status_code == 201, response.content
    assert Dossier.objects.get().applicant_personal_id == BINH


def test_on_the_web_a_verified_citizen_cannot_type_another_number(client):
    from .test_citizen_submits_online import _post

    version = procedure()
    client.force_login(get_user_model().objects.create_user(CITIZEN["personal_id"]))
    response = _post(client, version)  # the form's number is another person's
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "tài khoản định danh điện tử" in response.content.decode()
