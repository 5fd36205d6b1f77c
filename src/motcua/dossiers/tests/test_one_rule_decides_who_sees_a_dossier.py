"""Who may see a dossier is one rule (``Dossier.objects.visible_to``, :mod:`motcua.dossiers.access`), used by the API,
the officer pages and the citizen pages (issue 15 point 3) — tried here from the attacker's side: another agency's
officer, another citizen, a citizen on the officer pages, a deactivated account. Each gets a 404 (or the sign-in
page), and nothing changes."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import access
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.api_clients import client_for

from .factories import AGENCY, CITIZEN, Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db
OTHER_CITIZEN = "001190054321"  # a valid personal ID that is not CITIZEN's


@pytest.fixture
def dossier():
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow.dossier


def _citizen(username: str):
    return get_user_model().objects.create_user(username)


def _officer_urls(code: str) -> list[str]:
    return [f"/can-bo/ho-so/{code}/", f"/can-bo/ho-so/{code}/mau/01/"]


def test_another_agencys_officer_sees_no_officer_page_and_cannot_act(client, dossier):
    client.force_login(officer("desk-h79", "desk_officer", "H79.TTPVHCC"))
    for url in _officer_urls(dossier.code):
        assert client.get(url).status_code == 404, url
    events = DossierEvent.objects.filter(dossier=dossier).count()
    response = client.post(f"/can-bo/ho-so/{dossier.code}/hanh-dong/", {
        "action": "assign", "role": "leader", "version": dossier.version, "assignee": "x"})
    assert response.status_code == 404
    assert DossierEvent.objects.filter(dossier=dossier).count() == events
    assert not Dossier.objects.visible_to(officer("desk-h79", "desk_officer", "H79.TTPVHCC")).exists()


def test_the_applicant_does_not_see_the_officer_pages_of_their_own_dossier(client, dossier):
    applicant = _citizen(CITIZEN["personal_id"])  # the demo convention: a citizen account named by its personal ID
    assert Dossier.objects.visible_to(applicant).filter(pk=dossier.pk).exists()  # their own, on the citizen side
    client.force_login(applicant)
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 200
    for url in _officer_urls(dossier.code):
        assert client.get(url).status_code in (403, 404), url


def test_another_citizen_sees_neither_the_details_nor_the_result_of_someone_elses_dossier(client, dossier):
    client.force_login(_citizen(OTHER_CITIZEN))
    for url in (f"/ho-so/{dossier.code}/", f"/ho-so/{dossier.code}/bo-sung/", f"/ho-so/{dossier.code}/rut/",
                f"/ho-so/{dossier.code}/dieu-chinh/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/ho-so/{dossier.code}/danh-gia/", {"satisfied": "no"}).status_code == 404
    assert client_for(_citizen("001190054322")).get(f"/api/v1/dossiers/{dossier.code}").status_code == 404


def test_a_code_proved_in_one_session_opens_nothing_in_another(client, dossier):
    client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": CITIZEN["personal_id"]})
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 200
    from django.test import Client

    assert Client().get(f"/ho-so/{dossier.code}/").status_code == 404


def test_a_deactivated_officer_sees_nothing_at_once(client, dossier):
    desk = officer("desk", "desk_officer")
    client.force_login(desk)
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200
    desk.is_active = False
    desk.save()
    response = client.get(f"/can-bo/ho-so/{dossier.code}/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert not Dossier.objects.visible_to(desk).exists()
    assert access.officer_scope(desk) == {}


@pytest.mark.parametrize("who", [
    ("desk_officer", AGENCY), ("leader", "H01"), ("specialist", "H01.X00070"), ("supervisor", "H01"),
    ("supervisor", "VPCP"), ("supervisor", "BTP"), ("desk_officer", "H79.TTPVHCC"), ("supervisor", "H79"),
], ids=lambda w: f"{w[0]}-{w[1]}")
def test_the_queue_scope_and_the_visibility_rule_agree(who):
    """The officer pages' scope (agency ids, for the queue) is the visibility rule's officer part, agency by agency."""
    procedure()
    dossiers = [submitted(agency=code) for code in (AGENCY, "H01.X00070", "H01", "H79.TTPVHCC", "BTP")]
    role, agency = who
    user = officer(f"{role}-{agency}", role, agency)
    scope = access.officer_scope(user)
    visible = set(Dossier.objects.visible_to(user, as_applicant=False).values_list("pk", flat=True))
    assert {d.pk for d in dossiers if d.agency_id in scope} == visible & {d.pk for d in dossiers}
