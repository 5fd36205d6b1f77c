"""Issue 14 points 5, 6 and 11: menus list only what the user may open; 403/404/500 pages in the site's layout and
in Vietnamese; no command lines or setting names shown to users; small things (favicon, API docs, extract names).
Each access rule is tried from the side of the user who may not open the page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership

pytestmark = pytest.mark.django_db

AGENCY = "H01.TTPVHCC"


def _agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    return agency


def _client(username: str, role: str | None = None, steering: str | None = None) -> Client:
    user = get_user_model().objects.create_user(username, password="x")
    if role:
        Membership.objects.create(user=user, agency=_agency(), role=role)
    if steering:
        from motcua.steering.models import SteeringRole

        SteeringRole.objects.create(user=user, role=steering)
    client = Client()
    client.force_login(user)
    return client


def _layout(html: str) -> None:
    assert 'class="site-header"' in html and 'id="main"' in html and 'lang="vi"' in html


def test_a_desk_officer_is_not_offered_reports_and_is_refused_them_in_the_site_layout():
    client = _client("desk", role="desk_officer")
    home = client.get("/").content.decode()
    assert 'href="/can-bo/"' in home and 'href="/bao-cao/"' not in home
    refused = client.get("/bao-cao/")
    assert refused.status_code == 403
    _layout(refused.content.decode())


def test_a_province_supervisor_is_offered_reports():
    client = _client("sup", role="supervisor")
    assert 'href="/bao-cao/"' in client.get("/").content.decode()


def test_a_council_member_is_not_offered_the_standing_agencys_pages_and_is_refused_them_in_vietnamese():
    client = _client("member", steering="council_member")
    home = client.get("/chi-dao/").content.decode()
    assert "/chi-dao/bao-cao/" in home or "Báo cáo vướng mắc" in home
    assert "/chi-dao/tong-hop/" not in home and "/chi-dao/tong-quan/" not in home
    for path in ("/chi-dao/tong-quan/", "/chi-dao/tong-hop/2026-03/"):
        refused = client.get(path)
        assert refused.status_code == 403, path
        html = refused.content.decode()
        _layout(html)
        assert "Không có quyền truy cập" in html and "Forbidden" not in html


def test_a_standing_officer_is_offered_the_figures_and_the_overview():
    home = _client("standing", steering="standing_officer").get("/chi-dao/").content.decode()
    assert "/chi-dao/tong-hop/" in home and "/chi-dao/tong-quan/" in home


@pytest.mark.parametrize("reason, shown", [
    ("Chỉ cán bộ quản lý thủ tục hành chính xem danh sách này.", True),
    ("You hold no officer role in any agency.", False),  # English internals are not shown on a Vietnamese page
])
def test_the_403_page_shows_only_a_vietnamese_reason(rf, reason, shown):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from motcua.portal.views import permission_denied

    request = rf.get("/x/")
    request.user = AnonymousUser()
    html = permission_denied(request, PermissionDenied(reason)).content.decode()
    assert (reason in html) is shown
    assert "Không có quyền truy cập" in html


def test_a_refused_form_answers_the_vietnamese_403_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/phan-anh-kien-nghi/gui/", {"x": "1"})
    assert response.status_code == 403
    html = response.content.decode()
    _layout(html)
    assert "tải lại trang" in html


def test_404_and_500_pages_have_the_site_layout_in_vietnamese(rf):
    html = Client().get("/khong-co-trang-nay/").content.decode()
    _layout(html)
    assert "Không tìm thấy trang" in html
    from motcua.portal.views import server_error

    page = server_error(rf.get("/x/")).content.decode()
    _layout(page)
    assert "Lỗi hệ thống" in page and "site-nav" in page


def test_favicon_is_served():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response) [:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_the_api_docs_page_has_a_language_a_main_landmark_and_no_broken_bearer_sample():
    html = Client().get("/api/v1/docs/").content.decode()
    assert '<html lang="en">' in html and "<main" in html
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "Bearer <token>" not in schema and "Bearer TOKEN" in schema


@pytest.mark.parametrize("registry, name", [
    ("population", "trich-xuat-du-lieu-dan-cu.json"),
    ("civil_status", "trich-xuat-du-lieu-ho-tich.json"),
    ("unknown", "trich-xuat-co-so-du-lieu-ve-dat-dai.json"),
])
def test_a_registry_extract_is_named_in_vietnamese(registry, name):
    from motcua.dossiers.evidence import extract_filename

    assert extract_filename(registry, "Cơ sở dữ liệu về đất đai") == name


@pytest.mark.parametrize("key, name", [("appraise", "Thẩm định, xử lý hồ sơ"), ("return", "Trả kết quả"),
                                       ("buoc-rieng", "buoc-rieng")])
def test_steps_are_named_for_people(key, name):
    from motcua.dossiers.rules import step_name

    assert step_name(key) == name


TEMPLATES_WITHOUT_COMMANDS = [
    "oversight_review/_empty.html", "oversight/dashboard.html", "oversight/index.html", "oversight/evaluation.html",
    "reports/monthly.html", "identity/demo.html",
]


@pytest.mark.parametrize("name", TEMPLATES_WITHOUT_COMMANDS)
def test_no_page_tells_the_user_to_run_a_command_or_names_a_setting(name):
    from django.template.loader import get_template

    source = get_template(name).template.source
    assert "MOTCUA_" not in source and "motcua oversight" not in source and "chạy «" not in source


def test_late_dossiers_not_analysed_yet_are_said_so_once_in_the_monthly_report_without_a_command():
    from motcua.dossiers.tests.factories import procedure, vn
    from motcua.oversight import facts
    from motcua.oversight.tests.conftest import approve, handled
    from motcua.reports.monthly import _month, parse_scope, section_late

    procedure()
    handled(vn(2026, 2, 13, 10), approve(vn(2026, 3, 2, 10)))  # late (due 27/2 17:00, Tết 16–20/2)
    facts.refresh()
    section = section_late(_month("2026-03"), parse_scope("national"))
    text = " ".join(getattr(b, "text", "") or " ".join(" ".join(r) for r in getattr(b, "rows", []))
                    for b in section.blocks)
    assert "motcua" not in text and "chạy" not in text
    assert "đang được phân tích" in text
    table = next(b for b in section.blocks if hasattr(b, "rows"))
    assert table.headers == ["Thủ tục", "Cơ quan", "Hồ sơ trễ"] and len(table.rows) == 1


def test_the_review_batches_are_scheduled_every_night():
    from motcua.core.schedule import ENTRIES

    commands = {args[0] for _, command, args in ENTRIES.values() if command == "oversight" and args}
    assert {"review", "bottlenecks", "workload", "cost"} <= commands
