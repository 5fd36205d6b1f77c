"""Issue 12 point 2, from the attacker's side: a desk-entered dossier has no applicant account, and that is not an
invitation — only the signed-in person whose verified personal ID is the dossier's applicant may add a store item
to it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.tests.factories import AGENCY, CITIZEN, officer, vn
from motcua.exchange.store import services as store

from .factories import PDF, citizen, later_procedure

pytestmark = pytest.mark.django_db
BINH = "001185004321"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _desk_entered_dossier_of_an():
    version = later_procedure()
    desk = officer("desk-store", "desk_officer")
    dossier = dossier_services.submit("3.000001", AGENCY, "in_person", dict(CITIZEN), {}, actor=desk,
                                      role="desk_officer", at=vn(2026, 3, 2, 9))
    assert dossier.applicant_user_id is None
    return dossier, RequiredDocument.objects.get(version=version, reusable_from_result=True)


def _reuse(client, user, dossier, component):
    item = store.keep_upload(user, SimpleUploadedFile("l.pdf", PDF), "Phiếu lý lịch tư pháp")
    client.force_login(user)
    return client.post(f"/api/v1/me/store/{item.pk}/reuse", {"dossier": dossier.code,
                                                             "required_document": component.pk},
                       content_type="application/json")


def test_another_citizen_cannot_add_a_file_to_a_desk_entered_dossier(client):
    dossier, component = _desk_entered_dossier_of_an()
    response = _reuse(client, citizen(BINH), dossier, component)
    assert response.status_code == 404, response.content
    assert not DossierDocument.objects.filter(dossier=dossier).exists()


def test_an_officer_account_without_a_verified_identity_cannot_either(client):
    dossier, component = _desk_entered_dossier_of_an()
    assert _reuse(client, officer("spec-store", "specialist"), dossier, component).status_code == 404


def test_the_applicant_signed_in_with_their_personal_id_can(client):
    dossier, component = _desk_entered_dossier_of_an()
    response = _reuse(client, citizen(CITIZEN["personal_id"]), dossier, component)
    assert response.status_code == 201, response.content
