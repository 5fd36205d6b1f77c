"""``POST /api/v1/dossiers/<code>/documents`` (issue 3 point 8): limits from settings, type from the bytes, SHA-256
stored, generated storage names, a scan hook that can reject, and an ``upload_document`` event that keeps the state."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import DossierDocument
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import AGENCY, Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
SCANNED: list[dict] = []


def rejecting_scanner(fileobj, *, name, content_type, size):
    raise RuntimeError("EICAR test signature found")


def recording_scanner(fileobj, *, name, content_type, size):
    SCANNED.append({"name": name, "content_type": content_type, "size": size, "head": fileobj.read(5)})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def dossier(media):
    procedure()
    return submitted(actor=user("an"), role="applicant")


def upload(client, code, content=PDF, name="to-khai.pdf", content_type="application/pdf", **fields):
    headers = {k: fields.pop(k) for k in list(fields) if k.startswith("HTTP_")}
    data = {"file": SimpleUploadedFile(name, content, content_type=content_type), **fields}
    return client.post(f"/api/v1/dossiers/{code}/documents", data, format="multipart", **headers)


def test_the_applicant_uploads_a_pdf_and_the_dossier_records_it(dossier, media):
    client = client_for(user("an"))
    response = upload(client, dossier.code, name="../../../etc/to khai.pdf", content_type="application/x-msdownload")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["content_type"] == "application/pdf"  # from the bytes, not the client's header
    assert data["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (data["size"], data["filename"], data["uploaded_role"]) == (len(PDF), "to khai.pdf", "applicant")
    assert response["ETag"] == '"2"'
    document = DossierDocument.objects.get()
    stored = Path(document.file.path)
    assert stored.is_relative_to(media / "dossiers" / dossier.code)
    assert stored.name != "to khai.pdf" and stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF
    event = dossier.events.order_by("seq").last()
    assert (event.action, event.from_state, event.to_state, event.seq) == (
        "upload_document", "submitted", "submitted", 2)
    assert event.data["sha256"] == data["sha256"]
    detail = client.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert [d["filename"] for d in detail["documents"]] == ["to khai.pdf"]
    assert detail["state"] == "submitted"


def test_a_file_answers_a_required_document_of_the_procedure(dossier):
    component = dossier.procedure_version.documents.first()
    response = upload(client_for(user("an")), dossier.code, required_document=component.pk)
    assert response.status_code == 201
    assert response.json()["required_document"] == component.pk
    assert response.json()["name"] == component.name
    response = upload(client_for(user("an")), dossier.code, required_document=999999)
    assert response.status_code == 400 and "required_document" in response.json()["errors"]


def test_an_executable_named_pdf_is_refused_415(dossier, media):
    response = upload(client_for(user("an")), dossier.code, content=b"MZ\x90\x00" + b"\x00" * 100, name="scan.pdf")
    assert response.status_code == 415
    assert response.json()["rule"] == "type_not_allowed"
    assert not DossierDocument.objects.exists() and not any(media.rglob("*.*"))


def test_the_accepted_types_and_size_come_from_settings(dossier, settings):
    client = client_for(user("an"))
    text = "Bản khai".encode()
    assert upload(client, dossier.code, content=text, name="ban-khai.txt").status_code == 415
    settings.MOTCUA_UPLOAD_TYPES = ["pdf", "txt"]
    assert upload(client, dossier.code, content=text, name="ban-khai.txt").json()["content_type"] == "text/plain"
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1000
    response = upload(client, dossier.code)
    assert response.status_code == 413
    assert response.json()["rule"] == "file_too_large"


def test_an_empty_or_missing_file_is_400(dossier):
    client = client_for(user("an"))
    assert upload(client, dossier.code, content=b"").status_code == 400
    response = client.post(f"/api/v1/dossiers/{dossier.code}/documents", {"name": "x"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_the_scan_hook_sees_the_file_before_it_is_stored_and_can_reject_it(dossier, settings, media):
    settings.MOTCUA_UPLOAD_SCANNER = f"{__name__}.recording_scanner"
    SCANNED.clear()
    assert upload(client_for(user("an")), dossier.code).status_code == 201
    assert [{"name": "to-khai.pdf", "content_type": "application/pdf", "size": len(PDF),
                        "head": b"%PDF-"}] == SCANNED
    settings.MOTCUA_UPLOAD_SCANNER = f"{__name__}.rejecting_scanner"
    response = upload(client_for(user("an")), dossier.code)
    assert response.status_code == 422
    assert response.json()["rule"] == "rejected_by_scanner"
    assert DossierDocument.objects.count() == 1
    assert len(list((media / "dossiers").rglob("*.pdf"))) == 1


def test_uploads_follow_the_state_and_the_role(dossier):
    flow = Flow(dossier)
    desk = client_for(user("desk", ("desk_officer", AGENCY)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    applicant = client_for(user("an"))
    response = upload(applicant, dossier.code)
    assert response.status_code == 409  # received: the applicant no longer adds documents
    assert response.json()["rule"] == "upload_not_allowed_in_state"
    assert upload(desk, dossier.code).json()["uploaded_role"] == "desk_officer"  # the desk scans papers
    supervisor = client_for(user("sup", ("supervisor", "H01")))
    assert upload(supervisor, dossier.code).status_code == 403
    assert upload(client_for(user("stranger")), dossier.code).status_code == 404


def test_if_match_is_checked_when_given(dossier):
    client = client_for(user("an"))
    assert upload(client, dossier.code, HTTP_IF_MATCH='"7"').status_code == 412
    assert upload(client, dossier.code, HTTP_IF_MATCH='"1"').status_code == 201
