"""Issue 14 point 3 in Chromium, at desktop (1280 px) and phone (390 px) widths: a signed-in citizen opens "Hồ sơ
của tôi" from the menu and sees their dossier (status, due date, what is asked of them next) and their PAKN item,
without the page widening on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORD = "mat-khau-e2e-2026"
CITIZEN_ID = "001090012345"
AGENCY = "H01.TTPVHCC"

pytestmark = [
    pytest.mark.e2e,
]


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    from django.contrib.auth import get_user_model

    from motcua.dossiers import services
    from motcua.dossiers.tests.factories import CITIZEN, procedure
    from motcua.feedback.models import Feedback
    from motcua.units.models import Agency, AgencyKind, AgencyLevel

    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    citizen = get_user_model().objects.create_user(CITIZEN_ID, password=PASSWORD)
    procedure()
    dossier = services.submit("1.000001", AGENCY, "online", dict(CITIZEN), {}, actor=citizen, role="applicant")
    from django.utils import timezone

    Feedback.objects.create(code="PAKN-260302-000001", title="Chậm trả kết quả đăng ký khai sinh", content="…",
                            submitter_user=citizen, received_by=agency, agency=agency, submitted_at=timezone.now(),
                            received_at=timezone.now())
    return dossier


def test_my_dossiers_from_the_menu(seeded, live_server, browser):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.goto(live_server.url + "/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(CITIZEN_ID)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
        page.wait_for_url(re.compile(r"^(?!.*/dang-nhap/)"))
        page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
            "link", name="Hồ sơ của tôi").click()
        page.wait_for_url(re.compile(r"/ho-so/cua-toi/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
        card = page.locator(".my-item", has_text=seeded.code)
        expect(card).to_contain_text("Mới đăng ký")
        expect(card).to_contain_text("Chờ cơ quan tiếp nhận: quý vị chưa cần làm gì.")
        expect(page.locator(".my-item", has_text="PAKN-260302-000001")).to_contain_text(
            "Chậm trả kết quả đăng ký khai sinh")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"my-dossiers-{label}.png"), full_page=True)
        context.close()
