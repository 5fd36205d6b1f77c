"""Issue 14 points 5, 6, 8, 11 and 13, as a desk officer, a supervisor, an Advisory Council member and a passer-by
would meet them in Debian's Chromium, at desktop (1280 px) and phone (390 px) widths:

- menus list only what the user may open (no "Báo cáo" for a desk officer, no "Tổng hợp hằng tháng" or "Theo cơ
  quan" for a Council member), and a page they may not open answers in the site's layout, in Vietnamese;
- 404 pages in the layout; ``/favicon.ico`` served;
- no command line or setting name on the oversight, review and report pages;
- the phone width never widens the page (tables scroll inside their container);
- axe-core (vendored from the npm registry in ``tests/e2e/vendor/axe.min.js``, no CDN) finds no violation on any page
  opened here, at both widths.

Screenshots go to ``var/e2e/staff-*.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
AGENCY = "H01.TTPVHCC"
# What a user must never be told to type or configure (issue 14 point 5).
LEAKS = re.compile(r"MOTCUA_|motcua (oversight|report|review)|chạy «|Chạy lệnh|receipt_supplement_requested")

pytestmark = [
    pytest.mark.e2e,
]


@pytest.fixture
def people(transactional_db):
    """A desk officer and a supervisor of the Hanoi service centre, and an Advisory Council member."""
    from django.contrib.auth import get_user_model

    from motcua.steering.models import SteeringRole
    from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership

    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    users = get_user_model().objects
    desk = users.create_user("mot-cua-e2e", first_name="Lan", last_name="Trần Thị")
    Membership.objects.create(user=desk, agency=agency, role="desk_officer")
    supervisor = users.create_user("giam-sat-e2e", first_name="Minh", last_name="Lê Văn")
    Membership.objects.create(user=supervisor, agency=agency, role="supervisor")
    member = users.create_user("hoi-dong-e2e", first_name="Hà", last_name="Phạm Thu")
    SteeringRole.objects.create(user=member, role="council_member", organisation="Phòng Thương mại và Công nghiệp")
    return {"desk": desk, "supervisor": supervisor, "member": member}


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _axe(page) -> list[dict]:
    """axe-core's violations on the page as it is (WCAG 2.1 A/AA and best practices)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result


def _visit(page, url: str, status: int, checks: list[str], shot: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)
    body = page.locator("body").inner_text()
    assert not LEAKS.search(body), (url, LEAKS.search(body).group(0))
    violations = _axe(page)
    assert not violations, f"{url}: {json.dumps(violations, ensure_ascii=False, indent=1)}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:  # name the elements that stick out, for the failure message
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
            .slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        raise AssertionError(f"{url} is {overflow} px wider than the window: {wide}")
    page.screenshot(path=str(SHOTS / f"staff-{shot}.png"), full_page=True)
    checks.append(url)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_staff_pages_menus_and_refusals_at_desktop_and_phone_width(people, live_server, width, browser):
    from playwright.sync_api import expect

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    seen: list[str] = []
    def as_(who: str | None):
        context = browser.new_context(viewport=WIDTHS[width], locale="vi-VN", bypass_csp=True)
        if who:
            context.add_cookies([{"name": "sessionid", "value": _session(people[who]), "url": base}])
        return context.new_page()

    # A passer-by: the 404 page in the layout, the favicon.
    anyone = as_(None)
    _visit(anyone, f"{base}/khong-co-trang-nay/", 404, seen, f"404-{width}")
    expect(anyone.locator("h1")).to_have_text("Không tìm thấy trang")
    expect(anyone.locator("header.site-header")).to_be_visible()
    icon = anyone.request.get(f"{base}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"

    # The desk officer: the queue; no "Báo cáo" in the menu; typing its address answers 403 in the layout.
    desk = as_("desk")
    _visit(desk, f"{base}/can-bo/", 200, seen, f"desk-queue-{width}")
    nav = desk.locator("nav.site-nav")
    expect(nav.get_by_role("link", name="Báo cáo")).to_have_count(0)
    _visit(desk, f"{base}/bao-cao/", 403, seen, f"desk-403-{width}")
    expect(desk.locator("header.site-header")).to_be_visible()

    # The Council member: the steering menu without the standing agency's pages; their address: 403.
    member = as_("member")
    _visit(member, f"{base}/chi-dao/", 200, seen, f"member-steering-{width}")
    steering = member.locator("nav.steering-nav")
    expect(steering.get_by_role("link", name="Báo cáo vướng mắc")).to_have_count(1)
    expect(steering.get_by_role("link", name="Tổng hợp hằng tháng")).to_have_count(0)
    expect(steering.get_by_role("link", name="Theo cơ quan")).to_have_count(0)
    _visit(member, f"{base}/chi-dao/tong-quan/", 403, seen, f"member-403-{width}")
    expect(member.locator("h1")).to_have_text("Không có quyền truy cập")

    # The supervisor: reports offered; oversight and review pages before any batch say the figures are
    # being prepared, never which command to run.
    sup = as_("supervisor")
    _visit(sup, f"{base}/giam-sat/", 200, seen, f"supervisor-dashboard-{width}")
    expect(sup.locator("nav.site-nav").get_by_role("link", name="Báo cáo")).to_have_count(1)
    _visit(sup, f"{base}/bao-cao/", 200, seen, f"supervisor-report-{width}")
    _visit(sup, f"{base}/giam-sat/ra-soat/diem-nghen/", 200, seen, f"supervisor-bottlenecks-{width}")
    expect(sup.locator("main")).to_contain_text("Số liệu đang được chuẩn bị")
    _visit(sup, f"{base}/giam-sat/ra-soat/nhan-luc/", 200, seen, f"supervisor-workload-{width}")
    _visit(sup, f"{base}/giam-sat/chi-so/?level=province", 200, seen, f"supervisor-index-{width}")
    _visit(sup, f"{base}/giam-sat/danh-gia/", 200, seen, f"supervisor-evaluation-{width}")
    assert len(seen) == 11


@pytest.mark.parametrize("width", list(WIDTHS))
def test_officer_dossier_page_shows_the_effect_confirms_refusal_and_keeps_documents_beside(people, live_server,
                                                                                           width, browser):
    """Issue 14 point 10 in the browser: the specialist completes the appraisal step and the page says at once which
    step comes next; the leader's "Dừng xử lý" sits apart, behind a disclosure and a required confirmation;
    the documents stand beside the actions; the queue's deadline column says "Trong hạn"; axe clean."""
    from django.utils import timezone
    from playwright.sync_api import expect

    from motcua.dossiers.tests.factories import Flow, officer, procedure, submitted

    SHOTS.mkdir(parents=True, exist_ok=True)
    procedure()
    now = timezone.now()
    dossier = submitted(at=now)
    flow = Flow(dossier)
    flow("receive", "desk_officer", now)
    spec = officer(f"specialist-{AGENCY}", "specialist")
    flow("assign", "leader", now, data={"assignee": spec.username})
    base = live_server.url
    seen: list[str] = []
    def as_(user):
        context = browser.new_context(viewport=WIDTHS[width], locale="vi-VN", bypass_csp=True)
        context.add_cookies([{"name": "sessionid", "value": _session(user), "url": base}])
        return context.new_page()

    page = as_(spec)
    _visit(page, f"{base}/can-bo/", 200, seen, f"officer-queue-{width}")
    expect(page.locator("tr", has_text=dossier.code)).to_contain_text("Trong hạn")
    _visit(page, f"{base}/can-bo/ho-so/{dossier.code}/", 200, seen, f"officer-dossier-{width}")
    expect(page.locator("[data-current-step]")).to_contain_text("Thẩm định, xử lý hồ sơ")
    page.get_by_role("button", name="Hoàn thành bước này").click()
    expect(page.locator(".messages")).to_contain_text("Bước tiếp theo: Phê duyệt kết quả")
    expect(page.locator("[data-current-step]")).to_contain_text("Phê duyệt kết quả")
    assert not _axe(page)

    leader = as_(flow.users["leader"])
    _visit(leader, f"{base}/can-bo/ho-so/{dossier.code}/", 200, seen, f"officer-leader-{width}")
    danger = leader.locator("details.action-danger", has_text="Dừng xử lý")
    stop = danger.get_by_role("button", name="Dừng xử lý")
    expect(stop).to_be_hidden()  # behind the disclosure
    danger.locator("summary").click()
    expect(stop).to_be_visible()
    stop.click()  # the confirmation box is required: the browser does not send the form
    expect(leader).to_have_url(re.compile(rf"/can-bo/ho-so/{re.escape(dossier.code)}/$"))
    assert not _axe(leader)
    if width == "desktop":  # documents beside the actions on a wide screen
        actions = leader.locator("#actions-h").bounding_box()
        docs = leader.locator("#docs-h").bounding_box()
        assert docs["x"] > actions["x"] + 200 and abs(docs["y"] - actions["y"]) < 5
    leader.screenshot(path=str(SHOTS / f"staff-officer-stop-{width}.png"), full_page=True)
    dossier.refresh_from_db()
    assert dossier.state == "processing" and len(seen) == 3
