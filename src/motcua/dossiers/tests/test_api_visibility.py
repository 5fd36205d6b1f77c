"""Who sees which dossiers (issue 3 point 10): officers their agency's (and its child units'), supervisors their
province's or all at the Government Office, read-only; applicants their own; anything else is 404."""

import pytest

from motcua.dossiers.tests.api_clients import client_for, user

from .factories import AGENCY, CITIZEN, procedure, submitted

pytestmark = pytest.mark.django_db
COMMUNE = "H01.X00070"


@pytest.fixture
def dossiers():
    procedure()
    applicant = user("an")
    mine = submitted(actor=applicant, role="applicant")
    commune = submitted(agency=COMMUNE)
    return mine, commune


def codes(client, **params):
    response = client.get("/api/v1/dossiers", params)
    assert response.status_code == 200, response.content
    return {d["code"] for d in response.json()["results"]}


def test_the_applicant_sees_only_their_own_dossiers(dossiers):
    mine, commune = dossiers
    client = client_for(user("an"))
    assert codes(client) == {mine.code}
    assert client.get(f"/api/v1/dossiers/{mine.code}").status_code == 200
    assert client.get(f"/api/v1/dossiers/{commune.code}").status_code == 404


def test_a_citizen_account_named_by_the_personal_id_sees_every_dossier_with_that_id(dossiers):
    mine, commune = dossiers  # both for CITIZEN's personal id: one submitted online by "an", one at the commune
    assert codes(client_for(user(CITIZEN["personal_id"]))) == {mine.code, commune.code}


def test_a_stranger_gets_404_for_an_existing_and_a_missing_dossier_alike(dossiers):
    mine, _ = dossiers
    stranger = client_for(user("stranger"))
    existing = stranger.get(f"/api/v1/dossiers/{mine.code}")
    missing = stranger.get("/api/v1/dossiers/H01.TTPVHCC-260302-9999")
    assert existing.status_code == missing.status_code == 404
    assert existing["Content-Type"] == "application/problem+json"
    assert stranger.get(f"/api/v1/dossiers/{mine.code}/events").status_code == 404
    assert codes(stranger) == set()


def test_officers_see_their_agency_and_its_child_units(dossiers):
    mine, commune = dossiers
    assert codes(client_for(user("centre-desk", ("desk_officer", AGENCY)))) == {mine.code}
    assert codes(client_for(user("commune-specialist", ("specialist", COMMUNE)))) == {commune.code}
    assert codes(client_for(user("province-leader", ("leader", "H01")))) == {mine.code, commune.code}
    assert codes(client_for(user("other-province", ("leader", "H79")))) == set()


def test_supervisors_see_their_province_or_everything_at_the_government_office_read_only(dossiers):
    mine, commune = dossiers
    other = submitted(agency="H79.TTPVHCC")
    province = client_for(user("sup-h01", ("supervisor", "H01.TTPVHCC")))
    assert codes(province) == {mine.code, commune.code}
    assert codes(client_for(user("sup-btp", ("supervisor", "BTP")))) == {mine.code, commune.code, other.code}
    detail = province.get(f"/api/v1/dossiers/{mine.code}")
    assert detail.json()["allowed_actions"] == []
    response = province.post(f"/api/v1/dossiers/{mine.code}/actions/receive", {}, format="json",
                             HTTP_IF_MATCH=detail["ETag"])
    assert response.status_code == 403


def test_the_detail_lists_the_actions_the_user_may_take(dossiers):
    mine, _ = dossiers
    desk = client_for(user("centre-desk", ("desk_officer", AGENCY)))
    assert desk.get(f"/api/v1/dossiers/{mine.code}").json()["allowed_actions"] == [
        "receive", "request_supplement", "refuse", "withdraw"]
    # An online applicant stops (withdraw) or amends until the decision (Decree 118/2025 Art. 21(2)).
    assert client_for(user("an")).get(f"/api/v1/dossiers/{mine.code}").json()["allowed_actions"] == [
        "withdraw", "amend"]
