"""Issue 12 point 7, in a real browser: under the Content-Security-Policy every page renders without a single
violation (no inline script or style was left behind), including the officer pages, a printable form and the API's
documentation viewer, whose script now loads from a file."""

from __future__ import annotations

import pytest

AXE_EVERY_PAGE = False  # issue 14 point 13: Swagger UI at /api/v1/docs/ fails axe (no h1, two main landmarks, contrast)

pytestmark = [
    pytest.mark.e2e,
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


def test_pages_render_without_any_content_security_policy_violation(live_server, seeded, browser):
    violations: list[str] = []
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
    assert violations == []
