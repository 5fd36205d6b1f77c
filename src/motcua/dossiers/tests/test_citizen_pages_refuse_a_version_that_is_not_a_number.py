"""The citizen's pages read the dossier version the page showed from a hidden field: a value that is not a number
(a tampered form) is a stale page — a 400 that says the dossier changed — never a server error, and changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Dossier, DossierDocument

from .factories import CITIZEN, Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture
def flow():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow


def test_a_withdrawal_with_a_version_that_is_not_a_number_is_refused(client, flow):
    client.force_login(get_user_model().objects.create_user(CITIZEN["personal_id"]))
    response = client.post(f"/ho-so/{flow.code}/rut/", {"version": "1e9; DROP", "confirm": "yes"})
    assert response.status_code == 400
    assert "changed" in response.content.decode() or "thay đổi" in response.content.decode()
    assert Dossier.objects.get().state == "received"


def test_a_supplement_with_a_version_that_is_not_a_number_stores_nothing(client, flow):
    flow("request_supplement", "specialist", vn(2026, 3, 3, 9), data={"missing": ["Tờ khai"]})
    client.post(f"/ho-so/tra-cuu/?code={flow.code}", {"code": flow.code, "secret": CITIZEN["personal_id"]})
    response = client.post(f"/ho-so/{flow.code}/bo-sung/", {"version": "x", "item_0": SimpleUploadedFile("t.pdf", PDF)})
    assert response.status_code == 400
    assert Dossier.objects.get().state == "supplement_requested" and not DossierDocument.objects.exists()
