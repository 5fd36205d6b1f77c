"""Issue 14 points 1 and 2 in Chromium, at desktop (1280 px) and phone (390 px) widths: a signed-in citizen opens
the online form of a commune-level procedure, chooses the province and sees the places that may receive it by name
(no agency code to type); the ward of the address is preselected; a submission with a missing field moves the
focus to the error summary; once completed, the dossier is submitted to the ward chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORD = "mat-khau-e2e-2026"
CITIZEN_ID = "001090012345"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

pytestmark = [
    pytest.mark.e2e,
]


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """Reference units (flushed by ``transactional_db``), a commune-level procedure whose record names only "Ủy ban
    nhân dân cấp xã", and a citizen."""
    from django.contrib.auth import get_user_model

    from motcua.catalog.records import AgencyRecord, DocumentRecord
    from motcua.catalog.tests.factories import create_procedure
    from motcua.units.services import load_reference_units

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    load_reference_units()
    create_procedure("1.001193", "Đăng ký khai sinh", levels=["commune"],
                     agencies=[AgencyRecord("implementing", "Ủy ban nhân dân cấp xã")],
                     documents=[DocumentRecord("Giấy chứng sinh", 1, 0)])
    get_user_model().objects.create_user(CITIZEN_ID, password=PASSWORD, email="an@example.vn")


def _sign_in(browser, base: str, width: int):
    page = sign_in(browser, base, CITIZEN_ID, PASSWORD, width=width)
    return page.context, page

def test_a_citizen_chooses_the_ward_by_name_and_lands_on_the_error_summary(seeded, live_server, tmp_path, browser):
    from playwright.sync_api import expect

    from motcua.dossiers.models import Dossier

    SHOTS.mkdir(parents=True, exist_ok=True)
    certificate = tmp_path / "giay-chung-sinh.pdf"
    certificate.write_bytes(PDF)
    for label, width in WIDTHS.items():
        context, page = _sign_in(browser, live_server.url, width)
        page.goto(f"{live_server.url}/ho-so/nop/1.001193/")
        expect(page.get_by_text("ví dụ H01")).to_have_count(0)
        agency = page.get_by_label("Cơ quan tiếp nhận")
        expect(agency.locator("option")).to_have_count(1)  # nothing to choose before the province
        page.get_by_label("Tỉnh, thành phố nơi nộp hồ sơ").select_option(label="Thành phố Hà Nội")
        page.get_by_role("button", name="Xem nơi tiếp nhận").click()
        page.wait_for_url(re.compile(r"\?tinh=1$"))
        expect(agency.locator("option", has_text="Trung tâm Phục vụ hành chính công thành phố Hà Nội")
               ).to_have_count(1)
        expect(agency.locator("option", has_text="Ủy ban nhân dân phường Hoàn Kiếm")).to_have_count(1)
        texts = agency.locator("option").all_inner_texts()
        assert not any(re.search(r"\bH\d\d\b", t) for t in texts), texts  # names, not codes
        agency.select_option(label="Ủy ban nhân dân phường Hoàn Kiếm")

        # A failed submission: the focus lands on the error summary, which names the missing field.
        page.get_by_role("button", name="Nộp hồ sơ").click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("Giấy chứng sinh")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"where-to-submit-errors-{label}.png"), full_page=True)

        # The choice survived the failed submission; complete the form and submit.
        expect(page.get_by_label("Cơ quan tiếp nhận")).to_have_value(re.compile(r"^H01\.X"))
        page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Văn An")
        page.get_by_label("Địa chỉ").fill("Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội")
        page.get_by_label("Giấy chứng sinh").set_input_files(certificate)
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_url(re.compile(r"/ho-so/da-nop/"))
        code = page.url.rstrip("/").rsplit("/", 1)[-1]
        dossier = Dossier.objects.select_related("agency").get(code=code)
        assert dossier.agency.name == "Ủy ban nhân dân phường Hoàn Kiếm"
        context.close()
