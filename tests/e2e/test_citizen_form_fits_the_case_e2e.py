"""Issue 14 point 2 in Chromium, at desktop (1280 px) and phone (390 px) widths, on the documents of the national
portal's "Đăng ký khai sinh" record as imported (headings in the case field, notes among the documents, a paper
declaration and an electronic form): no broken hint, notes apart, a conditional document asked before its input,
one declaration for the channel chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
WIDTHS = {"desktop": 1280, "phone": 390}
AGENCY = "H01.TTPVHCC"
PAPER = ("- Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp "
         "hoặc gửi qua hệ thống bưu chính)")
ELECTRONIC = "- Mẫu hộ tịch điện tử tương tác đăng ký khai sinh"
ABANDONED = "- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi"
NOTE = "+ Bản chụp các giấy tờ gửi kèm theo hồ sơ đăng ký khai sinh trực tuyến phải bảo đảm rõ nét"

pytestmark = [
    pytest.mark.e2e,
]


@pytest.fixture
def seeded(transactional_db):
    from decimal import Decimal

    from motcua.catalog.records import AgencyRecord, ChannelRecord, DocumentRecord, FeeRecord, TimeLimit
    from motcua.catalog.tests.factories import create_procedure
    from motcua.units.models import Agency, AgencyKind, AgencyLevel

    Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    limit = TimeLimit(Decimal(3), "working_days")
    create_procedure(
        "1.001193", "Thủ tục đăng ký khai sinh",
        channels=[ChannelRecord(kind, limit, "3 Ngày làm việc", [FeeRecord(0, "Miễn lệ phí")], kind)
                  for kind in ("in_person", "online")],
        documents=[DocumentRecord(ABANDONED, 1, 0, case="* Giấy tờ phải nộp:"),
                   DocumentRecord("- Giấy chứng sinh", 1, 0, case="* Giấy tờ phải nộp:"),
                   DocumentRecord(NOTE, 1, 0, case="* Lưu ý:"),
                   DocumentRecord(PAPER, 1, 0, form="Mẫu tờ khai ban hành kèm theo sau::"),
                   DocumentRecord(ELECTRONIC, 1, 0)],
        agencies=[AgencyRecord("implementing", "Trung tâm Phục vụ hành chính công thành phố Hà Nội", AGENCY)])
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("001090012345", password="mat-khau-e2e-2026")


def test_the_form_asks_the_case_and_shows_one_declaration(seeded, live_server, browser):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
        page.goto(f"{live_server.url}/dang-nhap/?next=/ho-so/nop/1.001193/")  # the form asks a signed-in citizen
        page.get_by_label("Tên đăng nhập").fill("001090012345")
        page.get_by_label("Mật khẩu").fill("mat-khau-e2e-2026")
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        page.wait_for_url(f"{live_server.url}/ho-so/nop/1.001193/")
        expect(page.locator("body")).not_to_contain_text("Chỉ áp dụng cho trường hợp: * Giấy tờ")
        expect(page.locator("body")).not_to_contain_text("::")
        # Online: the electronic form and the birth certificate; the paper declaration is hidden.
        expect(page.get_by_label("Trực tuyến", exact=True)).to_be_checked()
        expect(page.get_by_label("Mẫu hộ tịch điện tử tương tác đăng ký khai sinh")).to_be_visible()
        expect(page.get_by_label("Giấy chứng sinh", exact=True)).to_be_visible()
        expect(page.locator(".only-paper input[type=file]")).to_be_hidden()
        # The abandoned-child record only once that case is ticked.
        case_input = page.locator(".case-doc input[type=file]")
        expect(case_input).to_be_hidden()
        page.get_by_label("Trường hợp của tôi: Trường hợp trẻ em bị bỏ rơi", exact=False).check()
        expect(case_input).to_be_visible()
        # The note is a note, not an upload.
        expect(page.locator("input[type=file]")).to_have_count(4)
        expect(page.locator("details.doc-notes")).to_contain_text("Lưu ý của thủ tục (1)")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"form-fits-the-case-{label}.png"), full_page=True)
        # In person: the paper declaration, not the electronic form.
        page.get_by_label("Trực tiếp", exact=True).check()
        expect(page.locator(".only-paper input[type=file]")).to_be_visible()
        expect(page.get_by_label("Mẫu hộ tịch điện tử tương tác đăng ký khai sinh")).to_be_hidden()
        page.close()
