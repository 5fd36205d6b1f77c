"""Issue 4 points 7 and 10: ``reuse_figures(agency, period)`` — shares of prefilled applicant fields, of required
components replaced by registry data or reused, and of dossiers from VNeID level-2 accounts, per agency tree and
period."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.catalog.records import DocumentRecord
from motcua.catalog.tests.factories import create_procedure
from motcua.dossiers import evidence, personal_store
from motcua.dossiers import services as dossier_services
from motcua.dossiers.tests.factories import AGENCY, CITIZEN, vn
from motcua.exchange.store import services
from motcua.exchange.store.queries import reuse_figures

from .factories import PDF, citizen

pytestmark = pytest.mark.django_db

MARCH = (vn(2026, 3, 1), vn(2026, 4, 1))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


def _procedure():
    version = create_procedure("5.000001", "Đăng ký thường trú", documents=[
        DocumentRecord("Tờ khai thay đổi thông tin cư trú", 1, 0, "CT01"),
        DocumentRecord("Bản sao Căn cước công dân", 0, 1, "", replaceable_by_registry=True),
        DocumentRecord("Bản sao Giấy khai sinh", 0, 1, "", replaceable_by_registry=True, reusable_from_result=True),
    ])
    return {d.name: d for d in RequiredDocument.objects.filter(version=version)}


def _extract(code, doc, registry, population):
    proof = evidence.registry_extract(registry=registry, label=registry, authority="", identifier="001090012345",
                                      fields={"full_name": "Nguyễn Văn An"}, labels={}, fetched_at=vn(2026, 3, 2, 9),
                                      document_name=doc.name, population=population)
    evidence.attach(code, proof, required_document=doc.pk, actor=None, role="system", at=vn(2026, 3, 2, 9))


def test_figures_count_prefill_replacements_reuse_and_verified_accounts():
    docs = _procedure()
    user = citizen()
    # Dossier 1: level 2, 4 of 6 applicant fields prefilled, ID card replaced by population data, birth certificate
    # from the personal store, the form uploaded.
    d1 = dossier_services.submit("5.000001", AGENCY, "online", dict(CITIZEN), {}, actor=user, at=vn(2026, 3, 2, 9))
    evidence.record_sources(d1.code, identity_level=2, prefill={"fields": {k: {"registry": "population"} for k in (
        "full_name", "personal_id", "address", "birth_date")}, "applicant_fields": 6})
    _extract(d1.code, docs["Bản sao Căn cước công dân"], "population", True)
    item = services.keep_upload(user, SimpleUploadedFile("ks.pdf", PDF), "Giấy khai sinh")
    personal_store.reuse(user, item.pk, d1.code, docs["Bản sao Giấy khai sinh"].pk, at=vn(2026, 3, 2, 9, 5))
    dossier_services.add_document(d1.code, SimpleUploadedFile("tk.pdf", PDF), actor=user, role="applicant",
                                  required_document=docs["Tờ khai thay đổi thông tin cư trú"].pk,
                                  at=vn(2026, 3, 2, 9, 6))
    # Dossier 2: not e-identified, nothing prefilled, three uploads.
    d2 = dossier_services.submit("5.000001", AGENCY, "online", dict(CITIZEN, personal_id="001185004321"), {},
                                 at=vn(2026, 3, 3, 9))
    evidence.record_sources(d2.code, identity_level=0, prefill={"fields": {}, "applicant_fields": 6})
    for doc in docs.values():
        dossier_services.add_document(d2.code, SimpleUploadedFile("x.pdf", PDF), actor=None, role="applicant",
                                      required_document=doc.pk, at=vn(2026, 3, 3, 9, 1))
    # Dossier 3: in April, outside the period.
    dossier_services.submit("5.000001", AGENCY, "online", dict(CITIZEN), {}, actor=user, at=vn(2026, 4, 2, 9))

    figures = reuse_figures(AGENCY, MARCH)
    assert figures.dossiers == 2
    assert (figures.prefilled_fields, figures.applicant_fields, figures.prefilled_share) == (4, 12, round(4 / 12, 4))
    assert figures.components == 6
    assert (figures.replaced_by_data, figures.replaced_by_population_data, figures.from_personal_store) == (1, 1, 1)
    assert figures.replaced_or_reused_share == round(2 / 6, 4)
    assert (figures.verified_accounts, figures.verified_share) == (1, 0.5)
    # The province takes its centre's dossiers; another agency has none; all agencies is the same as the province.
    assert reuse_figures("H01", MARCH).dossiers == 2
    assert reuse_figures("BTP", MARCH).dossiers == 0
    assert reuse_figures("BTP", MARCH).prefilled_share is None
    assert reuse_figures(None, (vn(2026, 3, 1), datetime.max.replace(tzinfo=vn(2026, 1, 1).tzinfo))).dossiers == 3
