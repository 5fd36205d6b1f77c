"""A citizen finds "Đăng ký khai sinh" by typing without accents, opens it and reads the channels table,
in Debian's Chromium through Playwright. Screenshots go to var/e2e/ (screen and print emulation)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"

pytestmark = [
    pytest.mark.e2e,
]


@pytest.fixture
def seeded(transactional_db):
    from motcua.catalog.records import ChannelRecord, DocumentRecord, FeeRecord, LegalRecord, ResultRecord, TimeLimit
    from motcua.catalog.tests.factories import create_procedure

    create_procedure(
        "1.001193", "Đăng ký khai sinh",
        channels=[
            ChannelRecord("in_person", TimeLimit(Decimal(1), "working_days"), "1 Ngày làm việc",
                          [FeeRecord(0, "Miễn lệ phí đăng ký khai sinh đúng hạn")], "Nộp tại UBND cấp xã"),
            ChannelRecord("online", TimeLimit(Decimal(1), "working_days"), "1 Ngày làm việc",
                          [FeeRecord(8000, "Lệ phí cấp bản sao trích lục")], "Nộp qua Cổng Dịch vụ công"),
            ChannelRecord("postal", TimeLimit(Decimal(3), "working_days"), "3 Ngày làm việc",
                          [FeeRecord(None, "Cước bưu chính theo giá dịch vụ")], "Gửi qua bưu điện"),
        ],
        documents=[
            DocumentRecord("Tờ khai đăng ký khai sinh", 1, 0, "Mẫu tờ khai đăng ký khai sinh"),
            DocumentRecord("Giấy chứng sinh", 1, 0),
            DocumentRecord("Văn bản ủy quyền", 1, 0, case="Trường hợp ủy quyền"),
        ],
        legal_basis=[LegalRecord("60/2014/QH13", "Luật Hộ tịch", dt.date(2014, 11, 20), dt.date(2016, 1, 1)),
                     LegalRecord("123/2015/NĐ-CP", "Nghị định quy định chi tiết Luật Hộ tịch",
                                 dt.date(2015, 11, 15), dt.date(2016, 1, 1))],
        results=[ResultRecord("Giấy khai sinh (bản chính)")],
        decision_date=dt.date(2024, 6, 28),
    )
    create_procedure("1.001190", "Đăng ký lại khai sinh", online_level="partial")
    create_procedure("1.000894", "Đăng ký kết hôn", documents=[DocumentRecord("Tờ khai đăng ký kết hôn", 1)],
                     results=[ResultRecord("Giấy chứng nhận kết hôn")])
    create_procedure("2.000635", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam", sector="Lý lịch tư pháp",
                     levels=["province"], online_level="partial", documents=[], results=[])


def test_search_without_accents_and_read_the_channels_table(seeded, live_server, browser):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)

    page.get_by_label("Tìm kiếm thủ tục hành chính").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"/thu-tuc/\?q=dang"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kết quả tìm kiếm")
    results = page.locator(".result-list > li")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("Đăng ký khai sinh")
    page.screenshot(path=str(SHOTS / "results.png"), full_page=True)

    results.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/thu-tuc/1\.001193/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký khai sinh")
    table = page.locator("table.channels")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Trực tiếp")
    expect(rows.nth(0).locator("td.time-limit")).to_have_text("1 ngày làm việc")
    expect(rows.nth(1)).to_contain_text("8.000 đ")
    expect(table.locator("caption")).to_be_visible()
    page.screenshot(path=str(SHOTS / "procedure.png"), full_page=True)

    # Keyboard: the first Tab reaches the skip link, which is visible when focused.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()

    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator(".toc")).to_be_hidden()
    expect(page.locator(".print-ref")).to_be_visible()
    expect(page.locator(".print-ref")).to_contain_text("1.001193")
    page.screenshot(path=str(SHOTS / "procedure-print.png"), full_page=True)
    page.pdf(path=str(SHOTS / "procedure.pdf"), format="A4", print_background=True)

    page.emulate_media(media="screen")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name="How to submit")).to_be_visible()

    # Narrow screens: the tables scroll inside their wrapper instead of widening the page.
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone.goto(live_server.url + "/thu-tuc/1.001193/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "procedure-phone.png"), full_page=True)
