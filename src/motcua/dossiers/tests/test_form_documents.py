"""Forms 01–06 (the layout before 1/7/2025, history: Circular 01/2018/TT-VPCP Annex) in the official Vietnamese layout:
national emblem lines, issuing body, number, place and date, title, signature block, and a QR code of the dossier code
at the top left (Circular 01/2023); HTML with print CSS (A5, the register A4 landscape) and PDF."""

import contextlib
import re
import zlib

import pytest

from motcua.dossiers.web import forms_docs, officer_views

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db
EMBLEM = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@pytest.fixture
def handled(monkeypatch):
    """A dossier received, sent back for a supplement during appraisal, supplemented, assigned and apologised for;
    and one refused at receipt."""
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 6, 9))
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "desk_officer", vn(2026, 3, 3, 9), data={"missing": ["Bản sao giấy khai sinh"]})
    flow("submit_supplement", "desk_officer", vn(2026, 3, 4, 10))  # due restarts: Wednesday 11/3 17:00
    flow("assign", "leader", vn(2026, 3, 4, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("apologise", "leader", vn(2026, 3, 5, 10), reason="Cần xác minh thêm",
         data={"new_due_at": vn(2026, 3, 13, 17).isoformat()})
    refused = Flow(submitted(at=vn(2026, 3, 2, 9, 30)))
    refused("refuse", "desk_officer", vn(2026, 3, 2, 11), reason="Không thuộc thẩm quyền giải quyết")
    return flow, refused


def _login(client, flow):
    client.force_login(flow.users["desk_officer"])


def _pdf_text_free(body: bytes) -> bytes:
    """The PDF with its compressed streams inflated (for looking at metadata and structure)."""
    parts = [body]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


@pytest.mark.parametrize("form", ["01", "02", "04", "05"])
def test_each_dossier_form_renders_with_the_qr_code_and_the_emblem_lines(client, handled, form):
    flow, _ = handled
    _login(client, flow)
    response = client.get(f"/can-bo/ho-so/{flow.code}/mau/{form}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert all(line in html for line in EMBLEM)
    assert forms_docs.FORM_TITLES[form] in html
    qr = html.index('<div class="qr"')
    assert html.index("<svg", qr) < html.index("CỘNG HÒA")  # QR first: top left
    assert f"<title>{flow.code}</title>" in html
    assert "Hà Nội, ngày" in html and "size: A5 portrait" in html


def test_the_refusal_form_gives_the_reasons(client, handled):
    flow, refused = handled
    _login(client, flow)
    html = client.get(f"/can-bo/ho-so/{refused.code}/mau/03/").content.decode()
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in html and "Không thuộc thẩm quyền giải quyết" in html
    assert "<svg" in html and EMBLEM[0] in html


def test_the_forms_carry_the_facts_of_the_dossier(client, handled):
    flow, _ = handled
    _login(client, flow)
    receipt = client.get(f"/can-bo/ho-so/{flow.code}/mau/01/").content.decode()
    assert "10 giờ 00 phút, ngày 02/03/2026" in receipt  # received
    assert "17 giờ 00 phút, ngày 09/03/2026" in receipt  # the appointment given at receipt
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in receipt and "5 ngày làm việc" in receipt
    supplement = client.get(f"/can-bo/ho-so/{flow.code}/mau/02/").content.decode()
    assert "Bản sao giấy khai sinh" in supplement
    apology = client.get(f"/can-bo/ho-so/{flow.code}/mau/04/").content.decode()
    assert "17 giờ 00 phút, ngày 11/03/2026" in apology and "17 giờ 00 phút, ngày 13/03/2026" in apology
    control = client.get(f"/can-bo/ho-so/{flow.code}/mau/05/").content.decode()
    assert "Tiếp nhận hồ sơ" in control and "specialist-H01.TTPVHCC" in control and "Đang xử lý" in control


def test_a_form_the_dossier_has_not_reached_is_not_found(client, handled):
    flow, refused = handled
    _login(client, flow)
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/03/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{refused.code}/mau/01/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/07/").status_code == 404


@pytest.mark.parametrize("form", ["01", "02", "04", "05"])
def test_each_form_downloads_as_a_pdf_with_the_dossier_code(client, handled, form):
    flow, _ = handled
    _login(client, flow)
    response = client.get(f"/can-bo/ho-so/{flow.code}/mau/{form}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert flow.code.encode() in _pdf_text_free(body)
    assert b"/MediaBox [0 0 419.53 595.28]" in _pdf_text_free(body)  # A5 portrait


def test_the_tracking_register_lists_the_period_in_a4_landscape(client, handled):
    flow, refused = handled
    _login(client, flow)
    query = {"agency": "H01.TTPVHCC", "from": "2026-03-01", "to": "2026-03-31"}
    html = client.get("/can-bo/so-theo-doi/", query).content.decode()
    assert "SỔ THEO DÕI HỒ SƠ" in html and all(line in html for line in EMBLEM) and "<svg" in html
    assert flow.code in html and refused.code not in html  # refused at receipt: never received
    assert "size: A4 landscape" in html and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in html
    response = client.get("/can-bo/so-theo-doi.pdf", query)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"/MediaBox [0 0 841.89 595.28]" in _pdf_text_free(response.content)  # A4 landscape
    assert b"H01.TTPVHCC" in _pdf_text_free(response.content)


def test_the_register_of_an_agency_that_is_not_the_officers_is_not_found(client, handled):
    flow, _ = handled
    _login(client, flow)
    assert client.get("/can-bo/so-theo-doi/", {"agency": "H79.TTPVHCC"}).status_code == 404


def test_without_a_vietnamese_font_the_pdf_says_what_to_install(client, handled, settings, monkeypatch):
    flow, _ = handled
    _login(client, flow)
    monkeypatch.setattr(forms_docs, "FONT_CANDIDATES", ())
    settings.MOTCUA_PDF_FONTS = None
    response = client.get(f"/can-bo/ho-so/{flow.code}/mau/01.pdf")
    assert response.status_code == 503 and b"fonts-liberation2" in response.content
