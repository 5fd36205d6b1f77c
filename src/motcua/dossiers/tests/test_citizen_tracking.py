"""Issue 3 point 7: tracking by code shows only the state and due date; the details (timeline, documents, result)
need the applicant's personal ID number or phone, and guessing is rate-limited."""

import re

import pytest
from django.core.cache import cache

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    cache.clear()
    yield
    cache.clear()


def _received():
    procedure(amount=5)
    dossier = submitted(at=vn(2026, 3, 2, 9))
    return Flow(dossier)("receive", "desk_officer", vn(2026, 3, 2, 10))


def test_the_code_alone_shows_the_state_and_due_date_but_no_details(client):
    dossier = _received()
    page = client.get("/ho-so/tra-cuu/", {"code": dossier.code.lower()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Được tiếp nhận" in html and "09/03/2026" in html  # status 2 and the due date (5 working days)
    assert dossier.applicant_name not in html and "timeline" not in html
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 404


@pytest.mark.parametrize("secret", ["001090012345", "0912345678", "+84 912 345 678", "0912.345.678"])
def test_the_personal_id_or_phone_opens_the_details(client, secret):
    dossier = _received()
    response = client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": secret},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{dossier.code}/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and dossier.applicant_name in html
    assert [e.text for e in page.context["timeline"]] == ["The dossier was submitted.",
                                                          "The agency received the dossier and set the date for the "
                                                          "result."]


def test_a_wrong_id_does_not_open_the_details(client):
    dossier = _received()
    response = client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "001090099999"})
    assert response.status_code == 400 and "secret" in response.context["verify_form"].errors
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 404


def test_an_unknown_code_is_not_found(client):
    assert client.get("/ho-so/tra-cuu/", {"code": "H01-000000-0000"}).status_code == 404


def test_guesses_are_limited_per_session_and_ip(client, settings):
    settings.MOTCUA_TRACK_ATTEMPTS = 3
    dossier = _received()
    for _ in range(3):
        client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "000000000000"})
    # Even the right answer is refused once the limit is reached.
    response = client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "001090012345"})
    assert response.status_code == 429
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 404


def test_the_signed_in_applicant_sees_the_details_without_proving_anything(client, django_user_model):
    procedure()
    user = django_user_model.objects.create_user("citizen-2")
    dossier = submitted(actor=user, role="applicant")
    client.force_login(user)
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 200
    assert client.get("/ho-so/tra-cuu/", {"code": dossier.code})["Location"] == f"/ho-so/{dossier.code}/"


def test_the_timeline_is_in_plain_language_with_the_apology_date_and_no_internal_names(client):
    dossier = _received()
    flow = Flow(dossier)
    flow.dossier = dossier
    flow("apologise", "leader", vn(2026, 3, 5, 9), reason="Chờ ý kiến Sở Tư pháp",
         data={"new_due_at": vn(2026, 3, 20, 17).isoformat()})
    client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "001090012345"})
    page = client.get(f"/ho-so/{dossier.code}/")
    html = page.content.decode()
    last = page.context["timeline"][-1]
    assert last.reason == "Chờ ý kiến Sở Tư pháp" and last.new_due_at == vn(2026, 3, 20, 17)
    assert "20/03/2026" in html
    assert not re.search(r"\b(apologise|desk_officer|receive)\b", html)  # no internal action or role names


def test_the_timeline_reads_in_vietnamese_by_default(client):
    dossier = _received()
    client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "001090012345"})
    page = client.get(f"/ho-so/{dossier.code}/")
    assert page.status_code == 200
    assert page.context["timeline"][0].text != "The dossier was submitted."
    assert 'lang="vi"' in page.content.decode()
