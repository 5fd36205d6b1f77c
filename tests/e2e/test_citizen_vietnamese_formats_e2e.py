"""Issue 14 point 4 in Chromium, at desktop (1280 px) and phone (390 px) widths, on the 1,399 national-portal
records the project ships: the home page counts with a thousands separator ("1.399", not "1399") and lists the
sectors in Vietnamese order (those beginning with Đ after D, not after V)."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": 1280, "phone": 390}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(apt-get install chromium, or `make system-packages`)"),
]


@pytest.fixture
def real_catalog(transactional_db):
    from motcua.catalog.services import upsert_records
    from motcua.demo.services import demo_records

    upsert_records(demo_records())


def test_home_counts_with_separators_and_sectors_in_vietnamese_order(real_catalog, live_server):
    from playwright.sync_api import expect, sync_playwright

    from motcua.core.text import vn_sort_key

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            for label, width in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": 900}, locale="vi-VN")
                page.goto(live_server.url + "/")
                expect(page.locator("dd", has_text="1.399")).to_have_count(1)
                expect(page.locator("dd", has_text="1399")).to_have_count(0)
                sectors = [t.strip() for t in page.locator("a[href*='?sector=']").all_inner_texts()]
                assert sectors and sectors == sorted(sectors, key=vn_sort_key)
                d_stroke = [i for i, s in enumerate(sectors) if s.startswith("Đ")]
                v_words = [i for i, s in enumerate(sectors) if s.startswith("V")]
                if d_stroke and v_words:
                    assert max(d_stroke) < min(v_words)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(SHOTS / f"home-formats-{label}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
