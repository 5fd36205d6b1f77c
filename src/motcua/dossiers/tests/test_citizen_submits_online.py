"""Issue 3 point 7: a citizen submits online through the web form — channel, applicant data, one file per required
document, the fee — and gets a confirmation page with the dossier code."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.dossiers.models import Dossier, DossierDocument

from .factories import AGENCY, procedure

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


BINH = "001190054321"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


def _sign_in(client, personal_id: str = BINH):
    """The demo identity provider (the embedded default's e-identification) signs the citizen in."""
    assert client.post("/dinh-danh/demo/", {"personal_id": personal_id, "level": "1"}).status_code == 302


def _post(client, version, **overrides):
    doc = RequiredDocument.objects.get(version=version)
    data = {"channel": "online", "agency": AGENCY, "kind": "citizen", "full_name": "Trần Thị Bình",
            "personal_id": "001190054321", "phone": "0987 654 321", "email": "binh@example.vn",
            "address": "Hà Nội", f"document_{doc.pk}": SimpleUploadedFile("tờ khai.pdf", PDF, "application/pdf")}
    data.update(overrides)
    return client.post("/ho-so/nop/1.000001/", data)


def test_the_form_lists_the_channels_the_required_documents_and_the_fee(client):
    version = procedure()
    _sign_in(client)
    page = client.get("/ho-so/nop/1.000001/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="channel"' in html and 'value="online"' in html and 'value="postal"' in html
    doc = RequiredDocument.objects.get(version=version)
    assert f'name="document_{doc.pk}"' in html and doc.name in html
    assert "Miễn phí" in html  # the fee description of the catalog
    assert 'enctype="multipart/form-data"' in html


def test_a_citizen_signed_in_by_e_identification_submits_and_sees_the_dossier_code(client):
    version = procedure()
    _sign_in(client)
    response = _post(client, version)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/ho-so/da-nop/{dossier.code}/"
    assert (dossier.state, dossier.channel) == ("submitted", "online")  # the name is prefilled from the registry
    assert dossier.applicant_user is not None and dossier.applicant_personal_id == BINH
    document = DossierDocument.objects.get(dossier=dossier)
    assert document.required_document.version == version and document.content_type == "application/pdf"
    page = client.get(response["Location"])
    assert page.status_code == 200 and dossier.code in page.content.decode()
    # The session that submitted may follow the dossier without proving anything again.
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 200


def test_a_signed_in_citizen_is_the_applicant(client):
    from motcua.exchange import services as exchange

    version = procedure()
    user = get_user_model().objects.create_user("citizen-1", email="c1@example.vn")
    exchange.link_person(user, BINH, source="vneid")
    client.force_login(user)
    assert _post(client, version).status_code == 302
    assert Dossier.objects.get().applicant_user == user


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_stored(client, method):
    """Issue 12 point 12 (attacker's side): typing someone's personal ID into the form without signing in."""
    version = procedure()
    response = _post(client, version) if method == "post" else client.get("/ho-so/nop/1.000001/?agency=x")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/ho-so/nop/1.000001/")
    assert not Dossier.objects.exists()


def test_an_account_without_e_identification_cannot_submit_as_a_citizen(client, settings):
    """Issue 12 point 12 (attacker's side): an officer's (or unverified) account types a citizen's number."""
    version = procedure()
    settings.ENVIRONMENT = "production"  # only the e-identification link counts, not the user name
    client.force_login(get_user_model().objects.create_user(BINH))
    response = _post(client, version)
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "tài khoản định danh điện tử" in response.content.decode()


def test_the_form_shows_the_e_identifications_number_read_only(client):
    procedure()
    _sign_in(client)
    html = client.get("/ho-so/nop/1.000001/").content.decode()
    assert f'value="{BINH}"' in html and "readonly" in html


def test_invalid_data_is_shown_on_the_form_and_nothing_is_stored(client):
    version = procedure()
    _sign_in(client)
    doc = RequiredDocument.objects.get(version=version)
    response = _post(client, version, personal_id="12345", phone="", email="", **{f"document_{doc.pk}": ""})
    assert response.status_code == 400
    form = response.context["form"]
    # The personal ID is locked to the e-identification's: the typed "12345" is not even read.
    assert set(form.errors) >= {"phone", f"document_{doc.pk}"} and "personal_id" not in form.errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_file_whose_bytes_are_not_an_accepted_type_is_refused_and_nothing_is_stored(client):
    version = procedure()
    _sign_in(client)
    doc = RequiredDocument.objects.get(version=version)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")
    response = _post(client, version, **{f"document_{doc.pk}": fake})
    assert response.status_code == 400
    assert f"document_{doc.pk}" in response.context["form"].errors
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()


def test_the_confirmation_page_is_only_for_the_session_that_submitted(client):
    version = procedure()
    _sign_in(client)
    _post(client, version)
    code = Dossier.objects.get().code
    client.logout()
    client.cookies.clear()
    assert client.get(f"/ho-so/da-nop/{code}/").status_code == 404


def test_an_unknown_or_unpublished_procedure_is_not_found(client):
    _sign_in(client)
    assert client.get("/ho-so/nop/9.999999/").status_code == 404
