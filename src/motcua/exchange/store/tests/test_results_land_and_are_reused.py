"""Issue 4 point 7: the electronic result issued by motcua lands in the citizen's store; a later dossier requiring
that kind of evidence is offered it and reuses it instead of an upload; each reuse is recorded per dossier document
with the service index's flags."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import personal_store
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DossierDocument, DossierEvent
from motcua.dossiers.tests.factories import AGENCY, CITIZEN, vn
from motcua.exchange.store import queries, services
from motcua.exchange.store.models import AppendOnlyError, ItemSource, StoreItem, StoreItemUse

from .factories import PDF, PNG, citizen, issued_result, later_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


def test_issuing_the_result_puts_it_in_the_applicants_store_once():
    user = citizen()
    dossier = issued_result(user)
    items = list(StoreItem.objects.filter(owner=user))
    assert len(items) == 1
    item = items[0]
    assert (item.source, item.kind, item.origin_dossier_id) == (ItemSource.ISSUED_RESULT, "judicial_record",
                                                                dossier.pk)
    assert item.file.open("rb").read() == PDF
    personal_store.keep_results(dossier)  # idempotent
    assert StoreItem.objects.filter(owner=user).count() == 1


def test_a_later_dossier_is_offered_the_result_and_reuses_it():
    user = citizen()
    issued_result(user)
    version = later_procedure()
    judicial = RequiredDocument.objects.get(version=version, reusable_from_result=True)
    form = RequiredDocument.objects.get(version=version, reusable_from_result=False)
    offers = queries.offers(user, [judicial, form])
    assert list(offers) == [judicial.pk]
    item = offers[judicial.pk][0]

    dossier = dossier_services.submit("3.000001", AGENCY, "online", dict(CITIZEN), {}, actor=user,
                                      at=vn(2026, 3, 10, 9))
    document = personal_store.reuse(user, item.pk, dossier.code, judicial.pk, at=vn(2026, 3, 10, 9, 1))
    document.refresh_from_db()
    assert document.kind == "personal_store"
    assert document.from_personal_store and document.reused_from_digitised
    assert not document.replaced_by_population_data
    assert document.provenance["store_item"] == item.pk and document.provenance["source"] == "issued_result"
    assert document.file.open("rb").read() == PDF
    assert document.required_document_id == judicial.pk
    use = StoreItemUse.objects.get(document=document)
    assert (use.item_id, use.dossier_id) == (item.pk, dossier.pk)
    event = DossierEvent.objects.get(dossier=dossier, seq=2)
    assert event.action == "upload_document" and event.data["kind"] == "personal_store"
    with pytest.raises(AppendOnlyError):
        StoreItemUse.objects.all().delete()


def test_reuse_is_refused_for_the_wrong_kind_a_removed_item_or_someone_elses_item():
    user = citizen()
    issued_result(user)
    version = later_procedure()
    form = RequiredDocument.objects.get(version=version, reusable_from_result=False)
    judicial = RequiredDocument.objects.get(version=version, reusable_from_result=True)
    item = StoreItem.objects.get(owner=user)
    dossier = dossier_services.submit("3.000001", AGENCY, "online", dict(CITIZEN), {}, actor=user)
    with pytest.raises(services.StoreError) as wrong:
        personal_store.reuse(user, item.pk, dossier.code, form.pk)
    assert wrong.value.rule == "not_matching"
    other = citizen("001185004321")
    with pytest.raises(services.StoreError) as theirs:
        personal_store.reuse(other, item.pk, dossier.code, judicial.pk)
    assert theirs.value.rule == "not_found"
    services.remove(user, item.pk)
    with pytest.raises(services.StoreError) as removed:
        personal_store.reuse(user, item.pk, dossier.code, judicial.pk)
    assert removed.value.rule == "removed"
    assert not DossierDocument.objects.filter(dossier=dossier).exists()
    assert queries.offers(user, [judicial]) == {}


def test_reuse_into_someone_elses_dossier_is_refused():
    user, other = citizen(), citizen("001185004321")
    item = services.keep_upload(user, SimpleUploadedFile("lltp.pdf", PDF), "Phiếu lý lịch tư pháp")
    version = later_procedure()
    judicial = RequiredDocument.objects.get(version=version, reusable_from_result=True)
    theirs = dossier_services.submit("3.000001", AGENCY, "online", dict(CITIZEN, personal_id="001185004321"), {},
                                     actor=other)
    with pytest.raises(dossier_services.ActorNotAllowed):
        personal_store.reuse(user, item.pk, theirs.code, judicial.pk)
    assert not DossierDocument.objects.filter(dossier=theirs).exists()


def test_kept_files_are_checked_like_uploads_and_a_kept_item_is_not_digitised_data():
    user = citizen()
    with pytest.raises(services.StoreError) as bad:
        services.keep_upload(user, SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"), "Phiếu lý lịch tư pháp")
    assert bad.value.rule == "type_not_allowed"
    with pytest.raises(services.StoreError):
        services.keep_upload(user, SimpleUploadedFile("x.pdf", b""), "Phiếu lý lịch tư pháp")
    item = services.keep_upload(user, SimpleUploadedFile("lltp.png", PNG), "Phiếu lý lịch tư pháp")
    assert (item.kind, item.source, item.content_type) == ("judicial_record", "kept", "image/png")
    version = later_procedure()
    judicial = RequiredDocument.objects.get(version=version, reusable_from_result=True)
    dossier = dossier_services.submit("3.000001", AGENCY, "online", dict(CITIZEN), {}, actor=user)
    document = personal_store.reuse(user, item.pk, dossier.code, judicial.pk)
    assert document.from_personal_store and not document.reused_from_digitised


def test_flagging_the_catalog_from_document_names():
    from motcua.catalog.records import DocumentRecord
    from motcua.catalog.tests.factories import create_procedure

    version = create_procedure("4.000001", "Đăng ký thường trú", documents=[
        DocumentRecord("Tờ khai thay đổi thông tin cư trú", 1, 0, "CT01"),
        DocumentRecord("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", 1, 0, ""),
        DocumentRecord("Bản sao Giấy khai sinh", 0, 1, ""),
        DocumentRecord("Bản sao Căn cước công dân", 0, 1, ""),
    ])
    assert services.flag_catalog_documents([version.pk]) == (2, 1)
    flags = list(RequiredDocument.objects.filter(version=version).order_by("position").values_list(
        "replaceable_by_registry", "reusable_from_result"))
    assert flags == [(False, False), (False, False), (True, True), (True, False)]
    assert services.flag_catalog_documents([version.pk]) == (0, 0)
