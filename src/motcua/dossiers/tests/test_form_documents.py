"""The official forms (Circular 03/2025/TT-VPCP Annex I from 1/7/2025; before, Circular 01/2018 forms 01–06) in the
official Vietnamese layout: national emblem lines, issuing
body, number, place and date, title, signature block, and a QR code of the dossier code at the top left
(Circular 01/2023); HTML with print CSS (A5, the register A4 landscape) and PDF."""

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


@pytest.mark.parametrize("form", ["01", "02", "04", "06"])
def test_each_dossier_form_renders_with_the_qr_code_and_the_emblem_lines(client, handled, form):
    flow, _ = handled
    _login(client, flow)
    response = client.get(f"/can-bo/ho-so/{flow.code}/mau/{form}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert all(line in html for line in EMBLEM)
    definition = next(f for f in forms_docs.FORM_SETS["tt03-2025"].values() if f.number == form)
    assert definition.title in html and f"Mẫu số {form}" in html
    qr = html.index('<div class="qr"')
    assert html.index("<svg", qr) < html.index("CỘNG HÒA")  # QR first: top left
    assert f"<title>{flow.code}</title>" in html
    assert "Hà Nội, ngày" in html and "dossiers/page-a5-portrait.css" in html


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
    control = client.get(f"/can-bo/ho-so/{flow.code}/mau/06/").content.decode()
    assert "Tiếp nhận hồ sơ" in control and "specialist-H01.TTPVHCC" in control and "Đang xử lý" in control


def test_a_form_the_dossier_has_not_reached_is_not_found(client, handled):
    flow, refused = handled
    _login(client, flow)
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/03/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{refused.code}/mau/01/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/05/").status_code == 404  # not stopped
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/07/").status_code == 404  # the register is not a dossier form
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/08/").status_code == 404


@pytest.mark.parametrize("form", ["01", "02", "04", "06"])
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
    assert "dossiers/page-a4-landscape.css" in html and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in html
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


# The form sets by date (Circular 03/2025/TT-VPCP Annex I from 1/7/2025; Circular 01/2018 before) -----------------

NEW_SET = [("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
           ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
           ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"), ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
           ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), ("07", "SỔ THEO DÕI HỒ SƠ")]


@pytest.mark.parametrize(("number", "title"), NEW_SET, ids=[f"TT03-2025 form {n}" for n, _ in NEW_SET])
def test_circular_03_2025_numbers_and_titles(number, title):
    by_number = {f.number: f for f in forms_docs.FORM_SETS["tt03-2025"].values()}
    assert by_number[number].title == title and by_number[number].fields


@pytest.mark.parametrize(("day", "key"), [
    (vn(2025, 6, 30, 16).date(), "tt01-2018"),  # Circular 01/2018 (history: Decree 61/2018 until 30/6/2025)
    (vn(2025, 7, 1, 8).date(), "tt03-2025"),  # Decree 118/2025 in force
    (vn(2026, 8, 5, 8).date(), "tt03-2025"),  # as amended by Decree 309/2026
])
def test_the_form_set_follows_the_date(day, key):
    assert forms_docs.set_key_for(day) == key


def test_each_form_shows_the_fields_the_law_requires(client, handled):
    """Every built form of the new set contains its definition's required fields (Decree 118/2025 Art. 17, 19)."""
    flow, refused = handled
    _login(client, flow)
    defs = forms_docs.FORM_SETS["tt03-2025"]
    for code, kind in [(flow.code, "receipt"), (flow.code, "supplement"), (refused.code, "refusal"),
                       (flow.code, "apology"), (flow.code, "control")]:
        html = client.get(f"/can-bo/ho-so/{code}/mau/{defs[kind].number}/").content.decode()
        for required in defs[kind].fields:
            assert required in html, (kind, required)


def test_the_receipt_shows_the_return_date(client, handled):
    """Form 01 carries the appointment (Decree 118/2025 Art. 17(3): the limit is shown on the receipt)."""
    flow, _ = handled
    _login(client, flow)
    html = client.get(f"/can-bo/ho-so/{flow.code}/mau/01/").content.decode()
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 09/03/2026" in html


def test_a_stopped_dossier_has_the_stop_notice(client, handled):
    flow, _ = handled
    flow("stop", "leader", vn(2026, 3, 6, 10), reason="Người nộp đề nghị dừng giải quyết")
    _login(client, flow)
    html = client.get(f"/can-bo/ho-so/{flow.code}/mau/05/").content.decode()
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in html and "Người nộp đề nghị dừng giải quyết" in html
    assert "10 giờ 00 phút, ngày 06/03/2026" in html
    page = client.get(f"/can-bo/ho-so/{flow.code}/").content.decode()
    assert f"/can-bo/ho-so/{flow.code}/mau/05/" in page


def test_a_dossier_received_before_1_7_2025_keeps_the_old_forms(client, monkeypatch):
    """History: received 30/6/2025 → Circular 01/2018 numbering (05 is the control slip, no stop notice)."""
    monkeypatch.setattr(officer_views, "now", lambda: vn(2025, 7, 3, 9))
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2025, 6, 30, 9)))
    flow("receive", "desk_officer", vn(2025, 6, 30, 10))
    _login(client, flow)
    control = client.get(f"/can-bo/ho-so/{flow.code}/mau/05/").content.decode()
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control and "Mẫu số 05" in control
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/06/").status_code == 404
    html = client.get("/can-bo/so-theo-doi/", {"agency": "H01.TTPVHCC", "from": "2025-06-01",
                                               "to": "2025-06-30"}).content.decode()
    assert "Mẫu số 06" in html and "SỔ THEO DÕI HỒ SƠ" in html


def test_the_layout_is_configuration(settings):
    settings.MOTCUA_FORM_SETS = {"tt03-2025": {"stop": {"number": "05", "title": "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"}}}
    assert forms_docs.form_set("tt03-2025")["stop"].title == "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"


MARKDOWN_NAME = "[x](https://evil.example/)"


def test_user_text_is_never_markup_in_the_forms(client, handled):
    """Issue 12 point 6: a name written as a Markdown link stays plain text in the HTML and the PDF (no link)."""
    flow, _ = handled
    from motcua.dossiers.models import Dossier

    Dossier.objects.filter(pk=flow.dossier.pk).update(applicant_name=MARKDOWN_NAME + " <b>Bold</b>",
                                                      applicant_address="**Phố** _Huế_ [y](javascript:alert(1))")
    _login(client, flow)
    html = client.get(f"/can-bo/ho-so/{flow.code}/mau/01/").content.decode()
    assert "[x](https://evil.example/) &lt;b&gt;Bold&lt;/b&gt;" in html
    assert 'href="https://evil' not in html and "<b>Bold" not in html
    for number in ("01", "02", "04"):
        body = _pdf_text_free(client.get(f"/can-bo/ho-so/{flow.code}/mau/{number}.pdf").content)
        # fpdf2's Markdown turns "[x](url)" into a link annotation: none may exist.
        assert b"/URI" not in body and b"/Annots" not in body and b"evil.example" not in body


def test_the_officer_pages_name_the_forms_of_the_set(client, handled):
    """The dossier page and the queue give the Circular 03/2025 numbers, in Vietnamese (the default language)."""
    flow, _ = handled
    _login(client, flow)
    page = client.get(f"/can-bo/ho-so/{flow.code}/").content.decode()
    assert "Phiếu kiểm soát quá trình (mẫu số 06)" in page
    queue = client.get("/can-bo/").content.decode()
    assert "Sổ theo dõi hồ sơ (mẫu số 07)" in queue


def test_no_receipt_slip_is_issued_for_a_procedure_settled_at_once(client):
    """Decree 118/2025 Art. 17(4): a procedure settled and returned at once needs no receipt and appointment slip
    (form 01): the receive event says ``receipt_slip: false`` and the form is neither listed nor built."""
    from motcua.dossiers.models import ProcessDefinition

    proc = procedure(amount=5)
    ProcessDefinition.objects.create(procedure=proc.procedure, settled_at_once=True)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    d = flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    events = list(d.events.order_by("id"))
    assert events[-1].data["receipt_slip"] is False
    assert "01" not in forms_docs.available_forms(events, d)
    with pytest.raises(forms_docs.FormNotAvailable):
        forms_docs.form_01(d, events)
    _login(client, flow)
    assert client.get(f"/can-bo/ho-so/{flow.code}/mau/01/").status_code == 404


def test_a_receipt_slip_is_issued_when_the_applicant_of_such_a_procedure_asks_for_one():
    from motcua.dossiers.models import ProcessDefinition

    proc = procedure(amount=5)
    ProcessDefinition.objects.create(procedure=proc.procedure, settled_at_once=True)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    d = flow("receive", "desk_officer", vn(2026, 3, 2, 10), data={"receipt_slip_requested": True})
    events = list(d.events.order_by("id"))
    assert "01" in forms_docs.available_forms(events, d)
    assert forms_docs.form_01(d, events).form == "01"


def test_the_receipt_slip_of_a_time_limit_without_unit_shows_the_return_date_the_desk_entered(client):
    """Decree 118/2025 Art. 17(3): the slip carries the return date; for a time limit without a machine-readable
    unit it is the one the desk entered at receipt."""
    procedure(amount=1, unit="unknown")
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10), data={"return_due_at": "2026-03-04T16:30:00+07:00"})
    _login(client, flow)
    html = client.get(f"/can-bo/ho-so/{flow.code}/mau/01/").content.decode()
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 04/03/2026" in html
