"""Issue 12 point 7, in a real browser: under the Content-Security-Policy every page renders without a single
violation (no inline script or style was left behind), including the officer pages, a printable form and the API's
documentation viewer, whose script now loads from a file."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                                     "(apt-get install chromium, or `make system-packages`)"),
]


@pytest.fixture
def seeded(transactional_db):
    from django.contrib.auth import get_user_model

    from motcua.dossiers.tests.factories import officer, procedure, submitted

    procedure()
    dossier = submitted()
    desk = officer("desk-csp", "desk_officer")
    desk.set_password("mat-khau-thu")
    desk.save()
    get_user_model().objects.filter(pk=desk.pk).update(password=desk.password)
    return dossier


def test_pages_render_without_any_content_security_policy_violation(live_server, seeded):
    from playwright.sync_api import sync_playwright

    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        page = browser.new_page()
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        for path in ["/", "/thu-tuc/1.000001/", "/phan-anh-kien-nghi/", "/ho-so/tra-cuu/", "/dang-nhap/"]:
            page.goto(live_server.url + path)
        page.fill("#id_username", "desk-csp")
        page.fill("#id_password", "mat-khau-thu")
        page.click("button[type=submit]")
        for path in ["/can-bo/", f"/can-bo/ho-so/{seeded.code}/", f"/can-bo/ho-so/{seeded.code}/mau/01/",
                     "/api/v1/docs/"]:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status < 400, path
        page.wait_for_selector(".swagger-ui", timeout=15_000)  # the viewer ran: its script was allowed
        browser.close()
    assert violations == []
