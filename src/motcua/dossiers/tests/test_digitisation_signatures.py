"""Digitisation (issue 11 point 8; Decree 118/2025 Art. 17(1)(c), 19(2), 22(4)): the desk officer's scans carry
their personal signature, results and digitised components the agency's, with the minimum data fields and the
document code; the original is kept; the pages show the verdict of the verification; citizens' uploads are not
signed."""

from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from motcua.catalog.models import Result
from motcua.core import signing
from motcua.core.tests.pki import PASSPHRASE, FakeCA, one_page_pdf
from motcua.dossiers import digitisation, services
from motcua.dossiers.digitisation import DigitalData, InvalidCode, document_code, missing_fields, signature_kind
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.web import officer_views

from .factories import Flow, officer, procedure, submitted, vn

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# Pure rules ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("holder", "kind", "code"), [
    pytest.param("001090012345", "KQ.G01.00262", "001090012345.KQ.G01.00262", id="Art22(4)-personal-id+result-type"),
    pytest.param("0101234567", "gpkd", "0101234567.GPKD", id="Art22(4)-enterprise-code+type-upper-cased"),
    pytest.param(" 0101234567-001 ", "KQ-01", "0101234567-001.KQ-01", id="Art22(4)-branch-code-trimmed"),
])
def test_the_document_code_is_the_holders_identifier_and_the_document_type_code(holder, kind, code):
    assert document_code(holder, kind) == code
    assert digitisation.split_document_code(code) == (holder.strip(), kind.upper())


@pytest.mark.parametrize(("holder", "kind"), [
    pytest.param("", "KQ.G01", id="Art22(4)-no-holder"),
    pytest.param("001090012345", "", id="Art22(4)-no-type-code"),
    pytest.param("00109.0012345", "KQ", id="holder-with-a-dot-would-be-ambiguous"),
    pytest.param("001090012345", "KQ/../x", id="type-code-with-a-slash"),
])
def test_a_document_code_needs_both_parts_well_formed(holder, kind):
    with pytest.raises(InvalidCode):
        document_code(holder, kind)


@pytest.mark.parametrize(("role", "state", "kind"), [
    pytest.param("desk_officer", "received", "officer", id="Art17(1)(c)-desk-scan-at-receipt-officer-signature"),
    pytest.param("desk_officer", "submitted", "officer", id="Art17(1)(c)-desk-entry-officer-signature"),
    pytest.param("specialist", "processing", "agency", id="Art19(2)-digitised-component-agency-signature"),
    pytest.param("specialist", "approved", "agency", id="Art19(2)-22(1)-result-agency-signature"),
    pytest.param("desk_officer", "result_issued", "agency", id="Art22(1)-result-attached-by-desk-agency-signature"),
    pytest.param("applicant", "submitted", None, id="citizen-upload-not-signed"),
    pytest.param("applicant", "supplement_requested", None, id="citizen-supplement-not-signed"),
])
def test_who_signs_which_document(role, state, kind):
    assert signature_kind(role, state) == kind


@pytest.mark.parametrize(("data", "missing"), [
    pytest.param(DigitalData("KQ.G01", "001090012345", "An", document_name="Giấy khai sinh", summary="Khai sinh",
                             valid_indefinitely=True), [], id="Art19(2)-complete-no-time-limit"),
    pytest.param(DigitalData("KQ.G01", "001090012345", document_name="GCN", summary="s", valid_until="2031-01-01"),
                 [], id="Art19(2)-complete-with-end-date-scope-optional"),
    pytest.param(DigitalData(holder_id="001090012345", document_name="GCN"),
                 ["document_type_code", "summary", "valid_until"], id="Art19(2)-type-summary-validity-missing"),
    pytest.param(DigitalData("KQ.G01", holder_name="Bà B", document_name="GCN", summary="s", valid_indefinitely=True),
                 ["holder_birth_year", "issued_on", "issuer"], id="Art19(2)-no-identifier-needs-birth-year-issue"),
])
def test_the_minimum_data_fields_of_a_document(data, missing):
    assert missing_fields(data) == missing


def _png(size=(40, 30), mode="RGBA") -> bytes:
    out = BytesIO()
    Image.new(mode, size, (200, 10, 10, 128) if mode == "RGBA" else (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def test_images_are_wrapped_into_a_pdf_and_pdfs_kept_as_they_are():
    pdf = one_page_pdf()
    assert digitisation.as_pdf(pdf, "application/pdf") is pdf
    wrapped = digitisation.as_pdf(_png(), "image/png")
    assert wrapped.startswith(b"%PDF-")
    jpeg = BytesIO()
    Image.effect_noise((60, 40), 50).convert("RGB").save(jpeg, "JPEG", dpi=(300, 300))
    wrapped_jpeg = digitisation.as_pdf(jpeg.getvalue(), "image/jpeg")
    # The scan is embedded as it is (no second lossy compression), on a page of its size at its resolution.
    assert wrapped_jpeg.startswith(b"%PDF-") and jpeg.getvalue() in wrapped_jpeg
    assert b"/MediaBox [0 0 14.40 9.60]" in wrapped_jpeg  # 60 x 40 px at 300 dpi = 14.4 x 9.6 pt
    assert digitisation.as_pdf(b"PK\x03\x04", "application/zip") is None


# Through the service and the pages --------------------------------------------------------------------------------


@pytest.fixture
def ca(settings, tmp_path, monkeypatch):
    """Keys from configuration: a test root, the desk officer's and the agency's PKCS#12 files; no demo CA."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_SIGNING_DIR = str(tmp_path / "keys")
    settings.MOTCUA_SIGNING_PASSPHRASE = PASSPHRASE
    settings.MOTCUA_SIGNING_DEMO_CA = False
    authority = FakeCA(tmp_path)
    settings.MOTCUA_SIGNING_TRUST_ROOTS = str(authority.root_path)
    authority.issue(signing.SignerRef(signing.OFFICER, "desk_officer-H01.TTPVHCC", "Cán bộ tiếp nhận"))
    authority.issue(signing.SignerRef(signing.AGENCY, "H01.TTPVHCC", "Trung tâm PVHCC Hà Nội"))
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 3, 12))
    cache.clear()
    return authority


def _received():
    procedure()
    Result.objects.update(code="KQ.G01.00262")
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow


def _approved():
    flow = _received()
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("complete_step", "specialist", vn(2026, 3, 3, 9))
    flow("approve", "leader", vn(2026, 3, 3, 10))
    return flow


def _read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_a_scanned_pdf_carries_the_desk_officers_signature_and_the_original_is_kept(ca):
    flow = _received()
    original = one_page_pdf("Ban sao CCCD")
    document = services.add_document(flow.code, SimpleUploadedFile("cccd.pdf", original),
                                     actor=flow.users["desk_officer"], role="desk_officer", name="Bản sao CCCD")
    document.refresh_from_db()
    assert _read(document.file) == original and document.sha256 == hashlib.sha256(original).hexdigest()
    signed = _read(document.signed_file)
    assert document.signature_kind == "officer" and document.signed_by == "Cán bộ tiếp nhận"
    assert document.signed_sha256 == hashlib.sha256(signed).hexdigest()
    [found] = signing.verify_pdf(signed)
    assert (found.status, found.signer) == ("valid", "Cán bộ tiếp nhận")
    event = Dossier.objects.get().events.order_by("-seq").first()
    assert event.action == "upload_document"
    assert event.data["digitised"]["signature"] == "officer"
    assert event.data["digitised"]["signed_sha256"] == document.signed_sha256


@pytest.mark.django_db
def test_a_scanned_image_is_wrapped_into_a_pdf_then_signed_and_the_image_kept(ca):
    flow = _received()
    png = _png()
    document = services.add_document(flow.code, SimpleUploadedFile("anh.png", png), actor=flow.users["desk_officer"],
                                     role="desk_officer", name="Ảnh giấy tờ")
    document.refresh_from_db()
    assert _read(document.file) == png and document.content_type == "image/png"
    assert signing.verify_pdf(_read(document.signed_file))[0].status == "valid"


@pytest.mark.django_db
def test_a_result_carries_the_agencys_signature_its_data_and_its_document_code(ca):
    flow = _approved()
    document = services.add_document(
        flow.code, SimpleUploadedFile("kq.pdf", one_page_pdf()), actor=flow.users["specialist"], role="specialist",
        name="Giấy khai sinh", digital_data={"summary": "Khai sinh cho Nguyễn Văn Bình", "valid_indefinitely": True})
    document.refresh_from_db()
    # Art. 22(4): the applicant's personal identifier and the catalog's result-type code.
    assert document.document_code == "001090012345.KQ.G01.00262"
    assert document.document_type_code == "KQ.G01.00262" and document.signature_kind == "agency"
    assert document.digital_data["missing"] == [] and document.digital_data["holder_name"] == "Nguyễn Văn An"
    signed = _read(document.signed_file)
    assert signing.verify_pdf(signed)[0].signer == "Trung tâm PVHCC Hà Nội"
    embedded = signing.read_metadata(signed)
    assert embedded["DocumentCode"] == "001090012345.KQ.G01.00262"
    assert embedded["HolderId"] == "001090012345" and embedded["DocumentTypeCode"] == "KQ.G01.00262"
    assert embedded["Summary"] == "Khai sinh cho Nguyễn Văn Bình" and embedded["ValidUntil"] == "vô thời hạn"
    assert embedded["DossierCode"] == flow.code


@pytest.mark.django_db
def test_a_result_without_summary_or_validity_is_signed_and_its_missing_fields_listed(ca, client):
    flow = _approved()
    document = services.add_document(flow.code, SimpleUploadedFile("kq.pdf", one_page_pdf()),
                                     actor=flow.users["specialist"], role="specialist", name="Giấy khai sinh")
    document.refresh_from_db()
    assert document.digital_data["missing"] == ["summary", "valid_until"]
    client.force_login(flow.users["specialist"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert "Thiếu trường dữ liệu (Điều 19 khoản 2): Trích yếu nội dung, Thời hạn có hiệu lực" in page


@pytest.mark.django_db
def test_a_malformed_date_of_the_documents_data_is_refused_with_a_4xx(ca, client):
    flow = _approved()
    client.force_login(flow.users["specialist"])
    response = client.post(f"/can-bo/ho-so/{flow.code}/tai-lieu/", {
        "file": SimpleUploadedFile("kq.pdf", one_page_pdf()), "version": Dossier.objects.get().version,
        "valid_until": "31/02/2030"}, **EN)
    assert response.status_code == 422 and not DossierDocument.objects.exists()


@pytest.mark.django_db
def test_citizens_uploads_are_not_signed(ca):
    procedure()
    flow = Flow(submitted())
    document = services.add_document(flow.code, SimpleUploadedFile("a.pdf", one_page_pdf()), actor=None,
                                     role="applicant")
    document.refresh_from_db()
    assert not document.signed_file and document.signature_kind == "" and document.digital_data == {}
    assert "digitised" not in Dossier.objects.get().events.order_by("-seq").first().data


@pytest.mark.django_db
def test_without_a_key_for_the_officer_the_scan_is_refused_and_nothing_is_stored(ca, settings):
    flow = _received()
    stranger = officer("khong-co-khoa", "desk_officer")
    with pytest.raises(services.UploadRejected) as refused:
        services.add_document(flow.code, SimpleUploadedFile("a.pdf", one_page_pdf()), actor=stranger,
                              role="desk_officer")
    assert refused.value.rule == "no_signing_key"
    assert not DossierDocument.objects.exists() and Dossier.objects.get().version == 2
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


@pytest.mark.django_db
def test_the_officers_page_shows_a_valid_signature_and_then_the_tampering(ca, client):
    flow = _received()
    document = services.add_document(flow.code, SimpleUploadedFile("cccd.pdf", one_page_pdf("So 123")),
                                     actor=flow.users["desk_officer"], role="desk_officer", name="Bản sao CCCD")
    client.force_login(flow.users["specialist"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert 'data-signature="valid"' in page and "Chữ ký số hợp lệ" in page and "Cán bộ tiếp nhận" in page
    signed = client.get(f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/?signed=1&download=1")
    assert signed["Content-Type"] == "application/pdf" and "cccd-da-ky.pdf" in signed["Content-Disposition"]
    document.refresh_from_db()
    storage = document.signed_file.storage
    tampered = _read(document.signed_file).replace(b"So 123", b"So 923")
    storage.delete(document.signed_file.name)
    storage.save(document.signed_file.name, ContentFile(tampered))
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert 'data-signature="tampered"' in page and "Tài liệu đã bị sửa sau khi ký" in page


@pytest.mark.django_db
def test_the_page_reports_a_signer_outside_the_trusted_roots(ca, client, settings, tmp_path):
    flow = _received()
    services.add_document(flow.code, SimpleUploadedFile("cccd.pdf", one_page_pdf()), actor=flow.users["desk_officer"],
                          role="desk_officer")
    settings.MOTCUA_SIGNING_TRUST_ROOTS = str(FakeCA(tmp_path, "Another root").root_path)  # the root was replaced
    client.force_login(flow.users["desk_officer"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert 'data-signature="untrusted"' in page


@pytest.mark.django_db
def test_another_agencys_officer_cannot_fetch_the_signed_pdf(ca, client):
    flow = _received()
    document = services.add_document(flow.code, SimpleUploadedFile("cccd.pdf", one_page_pdf()),
                                     actor=flow.users["desk_officer"], role="desk_officer")
    client.force_login(officer("elsewhere", "desk_officer", "BTP"))
    assert client.get(f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/?signed=1").status_code == 404


@pytest.mark.django_db
def test_the_citizen_downloads_the_signed_result_and_sees_its_verification(ca, client):
    flow = _approved()
    services.add_document(flow.code, SimpleUploadedFile("giay-khai-sinh.pdf", one_page_pdf()),
                          actor=flow.users["specialist"], role="specialist", name="Giấy khai sinh",
                          digital_data={"summary": "Khai sinh", "valid_indefinitely": True})
    flow.dossier = Dossier.objects.get()
    flow("issue_result", "specialist", vn(2026, 3, 3, 14))
    client.post(f"/ho-so/tra-cuu/?code={flow.code}", {"code": flow.code, "secret": "001090012345"})
    page = client.get(f"/ho-so/{flow.code}/")
    html = page.content.decode()
    assert 'data-signature="valid"' in html and "001090012345.KQ.G01.00262" in html
    [result] = page.context["results"]
    download = client.get(f"/ho-so/{flow.code}/ket-qua/{result.pk}/")
    body = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and signing.verify_pdf(body)[0].status == "valid"
    assert "giay-khai-sinh-da-ky.pdf" in download["Content-Disposition"]


@pytest.mark.django_db
def test_another_citizen_cannot_download_the_signed_result(ca, client):
    flow = _approved()
    document = services.add_document(flow.code, SimpleUploadedFile("kq.pdf", one_page_pdf()),
                                     actor=flow.users["specialist"], role="specialist", name="Giấy khai sinh")
    flow.dossier = Dossier.objects.get()
    flow("issue_result", "specialist", vn(2026, 3, 3, 14))
    client.post(f"/ho-so/tra-cuu/?code={flow.code}", {"code": flow.code, "secret": "079201006789"})
    assert client.get(f"/ho-so/{flow.code}/ket-qua/{document.pk}/").status_code in (302, 403, 404)


@pytest.mark.django_db
def test_an_officer_uploads_a_result_through_the_api_with_its_data(ca):
    from motcua.dossiers.tests.api_clients import client_for

    flow = _approved()
    client = client_for(flow.users["specialist"])
    response = client.post(f"/api/v1/dossiers/{flow.code}/documents", {
        "file": SimpleUploadedFile("kq.pdf", one_page_pdf()), "name": "Giấy khai sinh", "summary": "Khai sinh",
        "valid_until": "2036-03-03", "document_type_code": "kq.g01.00262"}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["document_code"], body["signature_kind"]) == ("001090012345.KQ.G01.00262", "agency")
    assert body["digital_data"]["valid_until"] == "2036-03-03" and body["digital_data"]["missing"] == []
    bad = client.post(f"/api/v1/dossiers/{flow.code}/documents", {
        "file": SimpleUploadedFile("kq.pdf", one_page_pdf()), "valid_until": "2036-02-30"}, format="multipart")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")


def test_a_multi_page_tiff_becomes_a_pdf_with_every_page():
    from pyhanko.pdf_utils.reader import PdfFileReader

    out = BytesIO()
    pages = [Image.new("L", (30, 40), shade) for shade in (0, 128, 255)]
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    wrapped = digitisation.as_pdf(out.getvalue(), "image/tiff")
    assert len(PdfFileReader(BytesIO(wrapped)).root["/Pages"]["/Kids"]) == 3


@pytest.mark.django_db
def test_papers_scanned_when_the_desk_enters_a_dossier_carry_the_officers_signature(ca, client):
    from motcua.catalog.models import RequiredDocument

    version = procedure()
    doc = RequiredDocument.objects.get(version=version)
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    response = client.post("/can-bo/tiep-nhan/moi/?procedure=1.000001", {
        "procedure": "1.000001", "channel": "in_person", "agency": "H01.TTPVHCC", "kind": "citizen",
        "full_name": "Lê Văn Cường", "personal_id": "001080011111", "phone": "0903 111 222", "email": "",
        "address": "Ba Đình, Hà Nội", f"document_{doc.pk}": SimpleUploadedFile("scan.pdf", one_page_pdf())}, **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = DossierDocument.objects.get()
    assert document.signature_kind == "officer" and document.signed_by == "Cán bộ tiếp nhận"
    assert signing.verify_pdf(_read(document.signed_file))[0].status == "valid"


@pytest.mark.django_db
def test_a_scan_that_cannot_be_parsed_is_kept_and_shown_as_not_signed(ca, client):
    flow = _received()
    document = services.add_document(flow.code, SimpleUploadedFile("hong.pdf", b"%PDF-1.4\n%%EOF\n"),
                                     actor=flow.users["desk_officer"], role="desk_officer", name="Tệp hỏng")
    document.refresh_from_db()
    assert not document.signed_file
    assert Dossier.objects.get().events.order_by("-seq").first().data["digitised"]["unsigned"] == "unreadable"
    client.force_login(flow.users["desk_officer"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/", **EN).content.decode()
    assert 'data-signature="unsigned"' in page and "Chưa ký số" in page
