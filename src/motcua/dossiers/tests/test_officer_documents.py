"""Issue 3 points 5, 6 and 8 on the officer's side: the dossier page lists its documents, each opens from the stored
file with its detected content type for officers who may see the dossier; officers scan papers at any open state,
and after approval an officer's upload is the electronic result (the same rule as the citizen's side)."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.web import officer_views

from .factories import Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 3, 12))
    cache.clear()


def _received():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow


def _upload(client, flow, version, content=PDF, filename="scan.pdf", **fields):
    return client.post(f"/can-bo/ho-so/{flow.code}/tai-lieu/",
                       {"file": SimpleUploadedFile(filename, content), "version": version, **fields}, **EN)


def test_an_officer_opens_a_document_with_its_detected_content_type(client):
    flow = _received()
    document = services.add_document(flow.code, SimpleUploadedFile("anh.pdf", PNG), actor=flow.users["desk_officer"],
                                     role="desk_officer", name="Ảnh chụp")
    client.force_login(flow.users["specialist"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    url = f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/"
    assert f'href="{url}"' in page and "Ảnh chụp" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    # Issue 12 point 14: always an attachment, named after what the bytes are, never sniffed by the browser.
    assert response["Content-Disposition"].startswith("attachment") and 'filename="anh.png"' in response[
        "Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_documents_are_hidden_outside_the_officers_scope(client):
    flow = _received()
    document = services.add_document(flow.code, SimpleUploadedFile("a.pdf", PDF), actor=flow.users["desk_officer"],
                                     role="desk_officer")
    url = f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(officer("elsewhere", "desk_officer", "BTP"))
    assert client.get(url).status_code == 404
    client.force_login(flow.users["desk_officer"])
    other = Flow(submitted(at=vn(2026, 3, 2, 11)))
    assert client.get(f"/can-bo/ho-so/{other.code}/tai-lieu/{document.pk}/").status_code == 404


def test_an_officer_scans_a_paper_into_an_open_dossier(client):
    flow = _received()
    client.force_login(flow.users["desk_officer"])
    response = _upload(client, flow, 2, name="Bản sao CCCD")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{flow.code}/"
    document = DossierDocument.objects.get()
    assert (document.name, document.uploaded_role, document.content_type) == (
        "Bản sao CCCD", "desk_officer", "application/pdf")
    dossier = Dossier.objects.get()
    assert dossier.version == 3 and dossier.events.order_by("-seq").first().action == "upload_document"
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert "Bản sao CCCD" in page and "Desk officer: desk_officer-H01.TTPVHCC" in page


def test_an_upload_with_a_stale_version_stores_nothing(client):
    flow = _received()
    client.force_login(flow.users["desk_officer"])
    response = _upload(client, flow, 1)
    assert response.status_code == 409 and 'data-kind="conflict"' in response.content.decode()
    assert DossierDocument.objects.count() == 0


def test_a_file_of_a_refused_type_is_named_and_not_stored(client):
    flow = _received()
    client.force_login(flow.users["desk_officer"])
    response = _upload(client, flow, 2, content=b"MZ\x90\x00 executable", filename="x.pdf")
    assert response.status_code == 422
    assert "This kind of file is not accepted" in response.content.decode()
    assert DossierDocument.objects.count() == 0


def test_after_approval_the_upload_is_the_result_on_both_sides(client):
    flow = _received()
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("complete_step", "specialist", vn(2026, 3, 3, 9))
    # A working paper before approval is not the result.
    services.add_document(flow.code, SimpleUploadedFile("note.pdf", PDF), actor=flow.users["specialist"],
                          role="specialist", name="Ghi chú nội bộ", at=vn(2026, 3, 3, 9, 30))
    flow.dossier = Dossier.objects.get()
    flow("approve", "leader", vn(2026, 3, 3, 10))
    client.force_login(flow.users["specialist"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert "Attach the electronic result" in page
    response = _upload(client, flow, Dossier.objects.get().version, name="Giấy khai sinh (bản điện tử)")
    assert response.status_code == 302
    result = DossierDocument.objects.get(name="Giấy khai sinh (bản điện tử)")
    rows = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).context["documents"]
    assert {r.document.name: r.is_result for r in rows} == {"Ghi chú nội bộ": False,
                                                            "Giấy khai sinh (bản điện tử)": True}
    flow.dossier = Dossier.objects.get()
    flow("issue_result", "specialist", vn(2026, 3, 3, 14))
    client.logout()
    client.post(f"/ho-so/tra-cuu/?code={flow.code}", {"code": flow.code, "secret": "001090012345"})
    assert [d.pk for d in client.get(f"/ho-so/{flow.code}/").context["results"]] == [result.pk]


def test_a_closed_dossier_takes_no_more_documents(client):
    procedure()
    flow = Flow(submitted())
    flow("refuse", "desk_officer", vn(2026, 3, 2, 11), reason="Không thuộc thẩm quyền")
    client.force_login(flow.users["desk_officer"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert 'id="upload-form"' not in page
    response = _upload(client, flow, Dossier.objects.get().version)
    assert response.status_code == 409 and DossierDocument.objects.count() == 0
