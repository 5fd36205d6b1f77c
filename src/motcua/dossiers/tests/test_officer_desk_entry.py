"""Issue 3 point 5: at the desk (or on arrival by post) the desk officer enters the dossier for the applicant, scans
each paper, and lands on the dossier page where receiving it is one click."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.web import officer_views

from .factories import AGENCY, officer, procedure, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
URL = "/can-bo/tiep-nhan/moi/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 2, 10))


def _data(version, **overrides):
    doc = RequiredDocument.objects.get(version=version)
    data = {"procedure": "1.000001", "channel": "in_person", "agency": AGENCY, "kind": "citizen",
            "full_name": "Lê Văn Cường", "personal_id": "001080011111", "phone": "0903 111 222", "email": "",
            "address": "Ba Đình, Hà Nội",
            f"document_{doc.pk}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")}
    data.update(overrides)
    return data


def test_the_desk_officer_enters_a_dossier_with_its_scanned_papers_and_lands_on_its_page(client):
    version = procedure()
    desk = officer("desk", "desk_officer")
    client.force_login(desk)
    response = client.post(URL + "?procedure=1.000001", _data(version), **EN)
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert (dossier.state, dossier.channel, dossier.applicant_name) == ("submitted", "in_person", "Lê Văn Cường")
    assert dossier.applicant_user is None and dossier.submitted_at == vn(2026, 3, 2, 10)
    first = dossier.events.order_by("seq").first()
    assert (first.role, first.actor) == ("desk_officer", desk)
    document = DossierDocument.objects.get(dossier=dossier)
    assert (document.uploaded_role, document.uploaded_by, document.content_type) == (
        "desk_officer", desk, "application/pdf")
    page = client.get(response["Location"], **EN).content.decode()
    # Receiving it (form 01) is one click: a button without inputs.
    assert re.search(r'name="action" value="receive"', page) and "Receive (complete dossier)" in page
    assert f"/can-bo/ho-so/{dossier.code}/tai-lieu/{document.pk}/" in page


def test_a_postal_dossier_is_entered_on_arrival(client):
    version = procedure()
    client.force_login(officer("desk", "desk_officer"))
    response = client.post(URL, _data(version, channel="postal"), **EN)
    assert response.status_code == 302
    assert Dossier.objects.get().channel == "postal"


def test_the_form_offers_only_desk_channels_and_the_officers_agencies(client):
    version = procedure()
    client.force_login(officer("desk", "desk_officer"))
    html = client.get(URL + "?procedure=1.000001", **EN).content.decode()
    assert 'value="in_person"' in html and 'value="postal"' in html and 'value="online"' not in html
    assert f'<option value="{AGENCY}"' in html
    doc = RequiredDocument.objects.get(version=version)
    assert f'name="document_{doc.pk}"' in html and doc.name in html


def test_the_applicant_data_is_checked_like_the_citizen_form_and_nothing_is_stored(client):
    version = procedure()
    client.force_login(officer("desk", "desk_officer"))
    response = client.post(URL, _data(version, personal_id="123", phone=""), **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The personal identification number has exactly 12 digits." in html
    assert Dossier.objects.count() == 0 and DossierDocument.objects.count() == 0


def test_a_refused_scan_rolls_the_whole_entry_back(client):
    version = procedure()
    client.force_login(officer("desk", "desk_officer"))
    doc = RequiredDocument.objects.get(version=version)
    bad = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(URL, _data(version, **{f"document_{doc.pk}": bad}), **EN)
    assert response.status_code == 400
    assert Dossier.objects.count() == 0 and DossierDocument.objects.count() == 0


def test_an_online_only_procedure_cannot_be_entered_at_the_desk(client):
    procedure(kinds=("online",))
    client.force_login(officer("desk", "desk_officer"))
    html = client.get(URL + "?procedure=1.000001", **EN).content.decode()
    assert "offered online only" in html and 'name="full_name"' not in html


def test_an_unknown_procedure_code_says_so(client):
    client.force_login(officer("desk", "desk_officer"))
    response = client.get(URL + "?procedure=9.999999", **EN)
    assert response.status_code == 404 and "No published procedure has the code 9.999999." in response.content.decode()


def test_only_desk_officers_may_enter_dossiers_and_only_they_see_the_link(client):
    procedure()
    client.force_login(officer("spec", "specialist"))
    assert client.get(URL, **EN).status_code == 403
    assert URL not in client.get("/can-bo/", **EN).content.decode()
    client.force_login(officer("desk", "desk_officer"))
    queue = client.get("/can-bo/", **EN).content.decode()
    assert f'href="{URL}"' in queue and "Receive a new dossier" in queue
