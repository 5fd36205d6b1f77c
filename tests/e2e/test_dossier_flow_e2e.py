"""Issue 3 point 12: one dossier's whole life in Debian's Chromium through Playwright, against the live server.

A citizen signs in and submits "Đăng ký khai sinh" online with two PDF documents; the desk officer finds the dossier
in the queue by its code, receives it and assigns it to the specialist; the specialist completes the appraisal step;
the leader approves; the electronic result is attached and issued; the desk officer returns it; the citizen sees the
returned dossier, downloads the result (a PDF) and rates the handling "satisfied", once.

Each officer works in a browser context of their own (their own session cookie), as four people at four desks would.
The pages are in Vietnamese (the default language); buttons and fields are found by their Vietnamese labels, taken
from ``src/motcua/locale/vi/LC_MESSAGES/django.po``. The database is checked along the way: the state after each step
and, at the end, the dossier's events in order.

The electronic result is attached by the leader through the dossier page's upload form ("Đính kèm kết quả điện
tử": choose the PDF, name it, "Tải lên"), as an officer would, before the result is issued from the same page.

Screenshots go to ``var/e2e/dossier-*.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from browsing import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"

pytestmark = [
    pytest.mark.e2e,
]

PROCEDURE = "1.001193"
AGENCY = "H01.TTPVHCC"
PASSWORD = "mat-khau-e2e-2026"
CITIZEN_ID = "001090012345"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """A published procedure with an online channel (3 working days) at the Hanoi service centre, its desk officer,
    specialist and leader, and a citizen whose user name is their personal ID number.

    ``live_server`` runs on ``transactional_db``, which flushes the tables between tests: the agency loaded by the
    data migration may be gone, so it is created here when missing.
    """
    from django.contrib.auth import get_user_model

    from motcua.catalog.records import AgencyRecord, ChannelRecord, DocumentRecord, FeeRecord, ResultRecord, TimeLimit
    from motcua.catalog.tests.factories import create_procedure
    from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"

    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    create_procedure(
        PROCEDURE, "Đăng ký khai sinh",
        channels=[
            ChannelRecord("in_person", TimeLimit(Decimal(3), "working_days"), "3 Ngày làm việc",
                          [FeeRecord(0, "Miễn lệ phí đăng ký khai sinh đúng hạn")], "Nộp tại bộ phận một cửa"),
            ChannelRecord("online", TimeLimit(Decimal(3), "working_days"), "3 Ngày làm việc",
                          [FeeRecord(0, "Miễn lệ phí đăng ký khai sinh đúng hạn")], "Nộp qua Cổng Dịch vụ công"),
        ],
        documents=[DocumentRecord("Tờ khai đăng ký khai sinh", 1, 0, "Mẫu tờ khai đăng ký khai sinh"),
                   DocumentRecord("Giấy chứng sinh", 1, 0)],
        agencies=[AgencyRecord("implementing", agency.name, AGENCY)],
        results=[ResultRecord("Giấy khai sinh (bản chính)")],
        decision_date=dt.date(2024, 6, 28),
    )
    users = get_user_model().objects
    officers = {}
    for role, first, last in (("desk_officer", "Hoa", "Lê Thị"), ("specialist", "Minh", "Phạm Văn"),
                              ("leader", "Dũng", "Trần Quốc")):
        officers[role] = users.create_user(f"{role}-e2e", password=PASSWORD, first_name=first, last_name=last)
        Membership.objects.create(user=officers[role], agency=agency, role=role)
    citizen = users.create_user(CITIZEN_ID, password=PASSWORD, email="an@example.vn")
    return {"citizen": citizen, **officers}


# Each person signs in in a context of their own, which keeps what they download.
_sign_in = partial(sign_in, password=PASSWORD, accept_downloads=True)


def _act(page, label: str) -> None:
    """Click an action button on the officer's dossier page and wait for the confirmation after the redirect."""
    from playwright.sync_api import expect

    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text(f"Đã thực hiện: {label}.")


def _state(code: str) -> str:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.get(code=code).state


def test_a_dossier_from_online_submission_to_the_citizens_rating(seeded, live_server, tmp_path, browser):
    from playwright.sync_api import expect

    from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    declaration, birth_certificate = tmp_path / "to-khai.pdf", tmp_path / "giay-chung-sinh.pdf"
    declaration.write_bytes(PDF)
    birth_certificate.write_bytes(PDF)

    # 1. The citizen signs in, opens the procedure's online submission form, fills in the applicant data,
    #    attaches both required documents and submits; the confirmation page shows the dossier code.
    citizen = _sign_in(browser, base, CITIZEN_ID)
    citizen.goto(f"{base}/ho-so/nop/{PROCEDURE}/")
    expect(citizen.locator("html")).to_have_attribute("lang", "vi")
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    expect(citizen.get_by_label("Trực tuyến", exact=True)).to_be_checked()
    expect(citizen.get_by_label("Cơ quan tiếp nhận")).to_have_value(AGENCY)
    expect(citizen.get_by_label("Công dân", exact=True)).to_be_checked()
    citizen.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Văn An")
    # The personal ID is the signed-in account's, shown read-only (issue 12 point 12).
    expect(citizen.get_by_label("Số định danh cá nhân")).to_have_value(CITIZEN_ID)
    citizen.get_by_label("Số điện thoại").fill("0912 345 678")
    expect(citizen.get_by_label("Thư điện tử")).to_have_value("an@example.vn")  # from the account
    citizen.get_by_label("Địa chỉ").fill("Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội")
    citizen.get_by_label("Tờ khai đăng ký khai sinh").set_input_files(declaration)
    citizen.get_by_label("Giấy chứng sinh").set_input_files(birth_certificate)
    citizen.screenshot(path=str(SHOTS / "dossier-1-submit.png"), full_page=True)
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    citizen.wait_for_url(re.compile(r"/ho-so/da-nop/[^/]+/$"))
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Hồ sơ của bạn đã được nộp")
    code = citizen.locator("#dossier-code").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(AGENCY)}-\d{{6}}-0001", code), code
    citizen.screenshot(path=str(SHOTS / "dossier-2-submitted.png"), full_page=True)
    dossier = Dossier.objects.get(code=code)
    assert (dossier.state, dossier.channel, dossier.applicant_user_id) == ("submitted", "online",
                                                                          seeded["citizen"].pk)
    assert dossier.documents.count() == 2

    # 2. The desk officer finds the dossier in the queue by its code, opens it and receives it.
    desk = _sign_in(browser, base, "desk_officer-e2e")
    desk.goto(f"{base}/can-bo/")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Danh sách hồ sơ")
    desk.get_by_label("Mã hồ sơ, tên người nộp hoặc số định danh").fill(code)
    desk.get_by_role("button", name="Lọc", exact=True).click()
    rows = desk.locator("table.queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nguyễn Văn An")
    desk.screenshot(path=str(SHOTS / "dossier-3-queue.png"), full_page=True)
    rows.first.get_by_role("link", name=code).click()
    desk.wait_for_url(f"{base}/can-bo/ho-so/{code}/")
    expect(desk.get_by_role("heading", level=1)).to_contain_text(code)
    _act(desk, "Tiếp nhận (hồ sơ đầy đủ)")
    assert _state(code) == "received"
    expect(desk.locator(".facts")).to_contain_text("Được tiếp nhận (2)")

    # 3. The desk officer forwards it: the specialist is assigned as the handler.
    desk.get_by_label("Người xử lý", exact=True).select_option("specialist-e2e")
    _act(desk, "Phân công xử lý")
    assert _state(code) == "processing"
    assert Dossier.objects.get(code=code).assigned_to == seeded["specialist"]
    desk.screenshot(path=str(SHOTS / "dossier-4-officer-assigned.png"), full_page=True)

    # 4. The specialist finds it in their queue and completes the appraisal step. The default process is
    #    receive → appraise → approve → return: one step for the specialist, then the leader approves.
    specialist = _sign_in(browser, base, "specialist-e2e")
    specialist.goto(f"{base}/can-bo/")
    specialist.get_by_role("link", name=code).click()
    expect(specialist.locator(".facts")).to_contain_text("Minh")  # the handler
    _act(specialist, "Hoàn thành bước này")
    assert _state(code) == "processing"
    appraise = specialist.locator("section[aria-labelledby=process-h] tbody tr").nth(1)
    expect(appraise).to_contain_text("Thẩm định, xử lý hồ sơ")
    expect(appraise).not_to_contain_text("Chưa đến bước")  # handed over, not pending
    assert Dossier.objects.get(code=code).current_step == 2

    # 5. The leader approves the result.
    leader = _sign_in(browser, base, "leader-e2e")
    leader.goto(f"{base}/can-bo/ho-so/{code}/")
    _act(leader, "Phê duyệt")
    assert _state(code) == "approved"

    # 6. The leader attaches the electronic result with the page's upload form, then issues it.
    upload = leader.locator("#upload-form")
    expect(upload.locator("legend")).to_have_text("Đính kèm kết quả điện tử")
    result_pdf = tmp_path / "giay-khai-sinh-ban-dien-tu.pdf"
    result_pdf.write_bytes(PDF)
    upload.get_by_label("Tên (không bắt buộc)").fill("Giấy khai sinh (bản điện tử)")
    upload.get_by_label("Tệp (PDF hoặc ảnh)").set_input_files(str(result_pdf))
    upload.get_by_role("button", name="Tải lên").click()
    leader.wait_for_load_state()
    stored = DossierDocument.objects.get(dossier__code=code, uploaded_role="leader")
    assert (stored.name, stored.content_type, stored.uploaded_by) == (
        "Giấy khai sinh (bản điện tử)", "application/pdf", seeded["leader"])
    expect(leader.get_by_role("heading", level=2, name="Thành phần hồ sơ")).to_be_visible()
    expect(leader.get_by_text("Giấy khai sinh (bản điện tử)")).to_be_visible()
    _act(leader, "Phát hành kết quả")
    assert _state(code) == "result_issued"

    # 7. The desk officer returns the result.
    desk.reload()
    _act(desk, "Trả kết quả")
    assert _state(code) == "returned"
    desk.screenshot(path=str(SHOTS / "dossier-5-officer-returned.png"), full_page=True)
    expect(desk.get_by_role("button", name="Trả kết quả", exact=True)).to_have_count(0)
    expect(desk.locator("section.actions")).to_contain_text("Không có thao tác nào")

    # 8. The citizen opens the dossier: returned, with the electronic result to download (a PDF).
    citizen.goto(f"{base}/ho-so/{code}/")
    expect(citizen.locator("#dossier-status")).to_have_text("Đã trả kết quả")
    result_section = citizen.locator("section[aria-labelledby=result-heading]")
    expect(result_section.get_by_role("heading", name="Kết quả điện tử")).to_be_visible()
    link = result_section.get_by_role("link", name=re.compile(r"^Tải về: Giấy khai sinh \(bản điện tử\)"))
    expect(link).to_be_visible()
    citizen.screenshot(path=str(SHOTS / "dossier-6-citizen-returned.png"), full_page=True)
    with citizen.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "giay-khai-sinh-ban-dien-tu.pdf"
    assert Path(download.path()).read_bytes() == PDF
    response = citizen.request.get(base + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

    # 9. The citizen rates the handling "satisfied"; the page shows the rating and no second rating form.
    rating = citizen.locator("section[aria-labelledby=rate-heading]")
    expect(rating.get_by_role("heading", name="Đánh giá việc giải quyết hồ sơ")).to_be_visible()
    rating.get_by_role("button", name="Hài lòng", exact=True).click()
    citizen.wait_for_url(re.compile(r"\?done=rated$"))
    expect(citizen.get_by_role("status")).to_contain_text("Cảm ơn bạn đã đánh giá việc giải quyết hồ sơ.")
    expect(citizen.locator("#dossier-rating")).to_have_text("Hài lòng")
    expect(citizen.locator("section[aria-labelledby=rate-heading]")).to_have_count(0)
    expect(citizen.get_by_role("button", name="Hài lòng", exact=True)).to_have_count(0)
    citizen.screenshot(path=str(SHOTS / "dossier-7-citizen-rated.png"), full_page=True)
    # 10. The database: the dossier is returned and rated, with one event per step, in order, by the right roles.
    dossier = Dossier.objects.get(code=code)
    assert (dossier.state, dossier.status_code, dossier.rating) == ("returned", 10, "satisfied")
    assert dossier.received_at is not None and dossier.due_at is not None and dossier.returned_at is not None
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values_list("action", "role",
                                                                                           "to_state"))
    assert events == [
        ("submit", "applicant", "submitted"),
        ("upload_document", "applicant", "submitted"),
        ("upload_document", "applicant", "submitted"),
        ("receive", "desk_officer", "received"),
        ("assign", "desk_officer", "processing"),
        ("complete_step", "specialist", "processing"),
        ("approve", "leader", "approved"),
        ("upload_document", "leader", "approved"),
        ("issue_result", "leader", "result_issued"),
        ("return_result", "desk_officer", "returned"),
        ("rate", "applicant", "returned"),
    ]
    assert list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 12))
    assert dossier.version == 11
