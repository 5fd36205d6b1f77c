"""Issue 4 points 2, 3, 7, 11 through the citizen's web form (/ho-so/nop/<code>/):

- a procedure whose documents registry data replaces requires a level-2 session (level 1 and anonymous refused with a
  clear message, nothing submitted);
- a level-2 citizen's applicant fields come prefilled from the registries, locked, with their source; a typed-over
  locked value is ignored;
- the replaced document is not asked for: a registry extract with its provenance is attached, flagged "replaced by
  population data"; the officer's page shows which data came from where;
- a result in the citizen's store is offered and reused; an upload can be kept in the store;
- the registry down → a clear message and the upload asked for; submitting with the upload works.
"""

from __future__ import annotations

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.catalog.records import ChannelRecord, DocumentRecord, FeeRecord, TimeLimit
from motcua.catalog.tests.factories import create_procedure
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.factories import AGENCY, officer
from motcua.exchange import registries
from motcua.exchange.models import AccessLogEntry
from motcua.exchange.registries.http import HttpRegistry
from motcua.exchange.store.models import StoreItem, StoreItemUse
from motcua.exchange.store.tests.factories import PDF, issued_result

pytestmark = pytest.mark.django_db

AN = "001090012345"
CODE = "9.000001"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    registries.reset()
    yield
    registries.reset()


def _procedure():
    from decimal import Decimal

    create_procedure(CODE, "Cấp giấy phép hành nghề", channels=[
        ChannelRecord("online", TimeLimit(Decimal(5), "working_days"), "5 ngày", [FeeRecord(0, "Miễn phí")], "")],
        documents=[
            DocumentRecord("Tờ khai đề nghị cấp giấy phép", 1, 0, "Mẫu 01"),
            DocumentRecord("Bản sao Căn cước công dân", 0, 1, "", replaceable_by_registry=True),
            DocumentRecord("Phiếu lý lịch tư pháp", 1, 0, "", reusable_from_result=True),
        ])
    return {d.name: d for d in RequiredDocument.objects.filter(version__procedure__code=CODE)}


def _sign_in(client, level: int):
    assert client.post("/dinh-danh/demo/", {"personal_id": AN, "level": str(level)}).status_code == 302


def _post(client, docs, **extra):
    data = {"channel": "online", "agency": AGENCY, "kind": "citizen", "full_name": "Tên Gõ Đè",
            "personal_id": AN, "phone": "0912345678", "email": "", "address": "gõ tay",
            f"document_{docs['Tờ khai đề nghị cấp giấy phép'].pk}": SimpleUploadedFile("tk.pdf", PDF),
            f"document_{docs['Phiếu lý lịch tư pháp'].pk}": SimpleUploadedFile("lltp.pdf", PDF)}
    data.update(extra)
    return client.post(f"/ho-so/nop/{CODE}/", {k: v for k, v in data.items() if v is not None})


def test_level_two_is_required_anonymous_and_level_one_are_refused(client):
    docs = _procedure()
    page = client.get(f"/ho-so/nop/{CODE}/")
    assert page.status_code == 302 and page["Location"].startswith("/dang-nhap/")  # issue 12 point 12
    _sign_in(client, 1)
    page = client.get(f"/ho-so/nop/{CODE}/")
    assert page.status_code == 403 and "định danh mức 1" in page.content.decode()
    assert _post(client, docs).status_code == 403
    assert not Dossier.objects.exists()


def test_a_procedure_without_replaced_documents_takes_any_session(client):
    create_procedure("9.000002", "Thủ tục khác")
    _sign_in(client, 1)
    assert client.get("/ho-so/nop/9.000002/").status_code == 200


def test_level_two_prefill_locked_extract_attached_and_sources_shown(client):
    docs = _procedure()
    _sign_in(client, 2)
    page = client.get(f"/ho-so/nop/{CODE}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="prefill-notice"' in html and "Cơ sở dữ liệu quốc gia về dân cư" in html
    assert 'readonly' in html
    replaced = docs["Bản sao Căn cước công dân"]
    assert f'id="doc-document_{replaced.pk}"' in html and "không cần nộp" in html

    response = _post(client, docs)
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.applicant_personal_id == AN
    assert dossier.applicant_name != "Tên Gõ Đè"  # the locked registry value, not the typed one
    assert dossier.applicant_identity_level == 2
    assert dossier.prefill["fields"]["full_name"]["registry"] == "population"
    assert dossier.prefill["applicant_fields"] == 5
    extract = DossierDocument.objects.get(dossier=dossier, kind="registry_extract")
    assert extract.required_document_id == replaced.pk
    assert extract.replaced_by_population_data and not extract.from_personal_store
    assert extract.provenance["registry"] == "population" and extract.provenance["access_log_entry"]
    body = extract.file.open("rb").read().decode()
    assert dossier.applicant_name in body and "Cơ sở dữ liệu quốc gia về dân cư" in body
    entry = AccessLogEntry.objects.get(pk=extract.provenance["access_log_entry"])
    assert entry.subject == AN and entry.procedure_code == CODE

    desk = officer("desk-x", "desk_officer")
    client.force_login(desk)
    officer_html = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="data-sources"' in officer_html
    assert "Cơ sở dữ liệu quốc gia về dân cư" in officer_html and "Trích xuất" in officer_html
    # Issue 14 point 4: when the data was fetched reads "HH:MM dd/mm/yyyy", not ISO.
    import re

    sources = officer_html[officer_html.index('id="data-sources"'):].split("</section>")[0]
    assert re.search(r"lấy lúc \d{2}:\d{2} \d{2}/\d{2}/\d{4}", sources)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", sources)


def test_a_stored_result_is_offered_reused_and_an_upload_kept(client):
    docs = _procedure()
    _sign_in(client, 2)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=AN)
    issued_result(user)
    item = StoreItem.objects.get(owner=user)
    judicial = docs["Phiếu lý lịch tư pháp"]
    html = client.get(f"/ho-so/nop/{CODE}/").content.decode()
    assert f'name="store_{judicial.pk}"' in html and item.title in html
    form = docs["Tờ khai đề nghị cấp giấy phép"]
    response = _post(client, docs, **{f"document_{judicial.pk}": None, f"store_{judicial.pk}": str(item.pk),
                                      f"keep_{form.pk}": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get(procedure__code=CODE)
    reused = DossierDocument.objects.get(dossier=dossier, required_document=judicial)
    assert reused.kind == "personal_store" and reused.from_personal_store and reused.reused_from_digitised
    assert StoreItemUse.objects.get(document=reused).item_id == item.pk
    kept = StoreItem.objects.get(owner=user, source="kept")
    assert kept.origin_dossier_id == dossier.pk and kept.title == form.name


def test_a_required_document_needs_an_upload_or_a_store_item(client):
    docs = _procedure()
    _sign_in(client, 2)
    from django.contrib.auth import get_user_model

    issued_result(get_user_model().objects.get(username=AN))
    judicial = docs["Phiếu lý lịch tư pháp"]
    response = _post(client, docs, **{f"document_{judicial.pk}": None, f"store_{judicial.pk}": ""})
    assert response.status_code == 400
    assert "chọn một giấy tờ trong kho" in response.content.decode()
    assert not Dossier.objects.filter(procedure__code=CODE).exists()


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_registry_down_clear_message_then_upload_fallback(client):
    docs = _procedure()
    _sign_in(client, 2)
    client.get(f"/ho-so/nop/{CODE}/")  # prefill from the in-process registries
    down = dict(registries.current())
    down["population"] = HttpRegistry(registries.SPECS["population"], f"http://127.0.0.1:{_closed_port()}",
                                      timeout=0.5, retries=0)
    replaced = docs["Bản sao Căn cước công dân"]
    with registries.use(down):
        response = _post(client, docs)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Không lấy được dữ liệu từ Cơ sở dữ liệu quốc gia về dân cư" in html
        assert not Dossier.objects.exists()
        response = _post(client, docs, **{f"document_{replaced.pk}": SimpleUploadedFile("cccd.pdf", PDF)})
        assert response.status_code == 302
    dossier = Dossier.objects.get()
    upload = DossierDocument.objects.get(dossier=dossier, required_document=replaced)
    assert upload.kind == "upload" and not upload.replaced_by_population_data
    assert AccessLogEntry.objects.filter(subject=AN, outcome="unavailable").exists()


@pytest.mark.parametrize("personal_id", ["001690012345", "001399012345", "099090012345"])
def test_a_malformed_personal_id_on_the_form_is_refused_clearly(client, personal_id):
    from html import escape

    from django.utils import translation

    from motcua.core.identifiers import personal_id_error

    create_procedure("9.000002", "Thủ tục khác")
    doc = RequiredDocument.objects.get(version__procedure__code="9.000002")
    # A signed-in citizen's number is locked to the e-identification's; an account without one still meets the
    # form's own check first (the same check as desk entry).
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("account-without-e-id"))
    response = client.post("/ho-so/nop/9.000002/", {
        "channel": "online", "agency": AGENCY, "kind": "citizen", "full_name": "A", "personal_id": personal_id,
        "phone": "0912345678", f"document_{doc.pk}": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 400
    with translation.override("vi"):
        assert escape(personal_id_error(personal_id)) in response.content.decode()
    assert not Dossier.objects.exists()
