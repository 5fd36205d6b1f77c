"""Issue 14 point 9 in Chromium: the monthly report is prepared in the background and announced. The supervisor
asks for it, lands on a page whose progress bar follows the job's steps (polling a small JSON endpoint), is told when
it is ready and downloads the file; the page is axe clean at desktop and phone widths. Screenshots go to
``var/e2e/report-*.png``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = {"desktop": 1280, "phone": 390}

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def supervisor(transactional_db):
    from django.contrib.auth import get_user_model

    from motcua.dossiers.tests.factories import procedure, vn
    from motcua.oversight import facts
    from motcua.oversight.index import directory
    from motcua.oversight.tests.conftest import approve, handled
    from motcua.units.models import Agency, Membership

    procedure()
    received = vn(2026, 2, 13, 10)
    handled(received, approve(vn(2026, 2, 26, 10)))
    handled(received, approve(vn(2026, 3, 2, 10)))
    facts.refresh()
    directory(fresh=True)
    user = get_user_model().objects.create_user("bao-cao-e2e", password="mat-khau-e2e", first_name="Minh",
                                                last_name="Lê Văn")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="BTP"), role="supervisor")
    return user


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target)}));
    }""")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_report_is_prepared_with_progress_then_downloaded(supervisor, live_server, browser, width, tmp_path):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    page = sign_in(browser, live_server.url, "bao-cao-e2e", "mat-khau-e2e", width=WIDTHS[width],
                   next_path="/bao-cao/", accept_downloads=True)
    expect(page.locator("h1")).to_have_text("Báo cáo tháng gửi Tổ công tác")
    page.locator("input[name=period]").fill("2026-02")
    page.get_by_label("Phạm vi").select_option(label="Cả nước")
    page.get_by_label("Định dạng").select_option("docx")
    page.get_by_role("button", name="Tải báo cáo").click()
    expect(page).to_have_url(re.compile(r"/bao-cao/chuan-bi/\d+/$"))
    expect(page.locator("progress#report-progress")).to_be_visible()
    # The page follows the job without a reload and announces the file (role=status, polite).
    expect(page.get_by_role("status")).to_have_text("Báo cáo đã sẵn sàng.", timeout=30_000)
    expect(page.locator("progress#report-progress")).to_have_attribute("value", "9")
    assert page.locator("#report-reload").is_hidden()  # the no-script link is replaced by the live progress
    assert not _axe(page)
    page.screenshot(path=str(SHOTS / f"report-ready-{width}.png"), full_page=True)
    with page.expect_download() as caught:
        page.get_by_role("link", name="Tải báo cáo").click()
    download = caught.value
    assert download.suggested_filename == "bao-cao-thang-2026-02-national.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"PK") and saved.stat().st_size > 10_000
    page.context.close()
