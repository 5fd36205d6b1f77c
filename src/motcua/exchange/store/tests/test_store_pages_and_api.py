"""The store's page at /du-lieu-cua-toi/kho/ and API at /api/v1/me/store/: only the owner sees, keeps, downloads and
removes; bad files get a clear refusal and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import services as dossier_services
from motcua.dossiers.tests.factories import AGENCY, CITIZEN
from motcua.exchange.store.models import StoreItem

from .factories import PDF, citizen, issued_result, later_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


def test_the_page_needs_a_sign_in(client):
    response = client.get("/du-lieu-cua-toi/kho/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_the_page_lists_results_keeps_downloads_and_removes(client):
    user = citizen()
    dossier = issued_result(user)
    client.force_login(user)
    html = client.get("/du-lieu-cua-toi/kho/").content.decode()
    assert "Phiếu lý lịch tư pháp số 1" in html and dossier.code in html
    response = client.post("/du-lieu-cua-toi/kho/", {"title": "Bằng lái xe", "file": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 302
    kept = StoreItem.objects.get(owner=user, title="Bằng lái xe")
    download = client.get(f"/du-lieu-cua-toi/kho/{kept.pk}/tai-ve/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client.post(f"/du-lieu-cua-toi/kho/{kept.pk}/xoa/").status_code == 302
    assert "Bằng lái xe" not in client.get("/du-lieu-cua-toi/kho/").content.decode()
    bad = client.post("/du-lieu-cua-toi/kho/", {"title": "X", "file": SimpleUploadedFile("x.pdf", b"hello")})
    assert bad.status_code == 400 and "PDF" in bad.content.decode()


def test_someone_else_cannot_see_or_remove_an_item(client):
    user = citizen()
    issued_result(user)
    item = StoreItem.objects.get(owner=user)
    client.force_login(citizen("001185004321"))
    assert client.get(f"/du-lieu-cua-toi/kho/{item.pk}/tai-ve/").status_code == 404
    assert client.post(f"/du-lieu-cua-toi/kho/{item.pk}/xoa/").status_code == 404
    assert client.get(f"/api/v1/me/store/{item.pk}").status_code == 404
    assert client.delete(f"/api/v1/me/store/{item.pk}").status_code == 404
    item.refresh_from_db()
    assert item.removed_at is None


def test_api_lists_keeps_and_reuses(client):
    user = citizen()
    issued_result(user)
    client.force_login(user)
    listing = client.get("/api/v1/me/store/").json()
    assert [i["source"] for i in listing] == ["issued_result"]
    created = client.post("/api/v1/me/store/", {"title": "Phiếu lý lịch tư pháp", "file": SimpleUploadedFile(
        "l.pdf", PDF)})
    assert created.status_code == 201 and created.json()["kind"] == "judicial_record"
    refused = client.post("/api/v1/me/store/", {"title": "A", "file": SimpleUploadedFile("l.pdf", b"GIF89a")})
    assert refused.status_code == 415 and refused["Content-Type"] == "application/problem+json"

    version = later_procedure()
    judicial = RequiredDocument.objects.get(version=version, reusable_from_result=True)
    dossier = dossier_services.submit("3.000001", AGENCY, "online", dict(CITIZEN), {}, actor=user)
    item_id = listing[0]["id"]
    reused = client.post(f"/api/v1/me/store/{item_id}/reuse", {"dossier": dossier.code,
                                                                "required_document": judicial.pk},
                         content_type="application/json")
    assert reused.status_code == 201, reused.content
    assert reused.json()["from_personal_store"] is True
    wrong = client.post(f"/api/v1/me/store/{item_id}/reuse", {"dossier": "NOPE", "required_document": judicial.pk},
                        content_type="application/json")
    assert wrong.status_code == 404


def test_api_needs_authentication(client):
    assert client.get("/api/v1/me/store/").status_code in (401, 403)
