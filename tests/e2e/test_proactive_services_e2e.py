"""Issue 16 point 7 in Debian's Chromium through Playwright, against the live server (Decree 224/2026 Art. 16–17).

A parent signs in with the demo identity provider. (1) A birth entered in the civil-status registry → the job runs →
"Việc cần làm" shows the prepared linked-group dossier with the reason and the data used with its source, and the
options and the receiving desks compared (level 3); one click submits it to the recommended desk (the father's ward);
the officer of each of the three agencies signs in and handles their member on the officers' pages (receive, assign,
complete the step, approve, issue, return) and the group is returned.
(2) An identity card reaching a renewal age → a reminder. (3) A level-4 trigger issues the newborn's health-insurance
card; the parent refuses and the registry value is back as before. (4) After refusing proactive services, a new
birth gives nothing, and nothing of the parent's was read.

Screenshots go to ``var/e2e/proactive-*.png``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from browsing import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
FATHER, MOTHER = "001090012345", "001185004321"
RUN_ON = date(2026, 12, 1)
PASSWORD = "mat-khau-e2e-2026"


def hoan_kiem() -> str:
    """The desk of the father's ward (phường Hoàn Kiếm), from the reference units."""
    from motcua.units.models import Agency

    return Agency.objects.get(name="Ủy ban nhân dân phường Hoàn Kiếm").code


pytestmark = [
    pytest.mark.e2e,
]


def _birth(child: str, name: str):
    from motcua.exchange.services import record_change

    return record_change("civil_status", "birth", child, occurred_on=date(2026, 11, 20),
                         payload={"child_name": name, "sex": "female", "place_of_birth": "Hà Nội",
                                  "father_personal_id": FATHER, "mother_personal_id": MOTHER})


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    from motcua.dossiers.tests.factories import procedure
    from motcua.exchange import registries
    from motcua.proactive.demo import load_demo_triggers
    from motcua.proactive.models import Trigger
    from motcua.units.models import Agency, AgencyKind, AgencyLevel

    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    registries.reset()
    for code, name in (("H01.TTPVHCC", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"), ("BCA", "Bộ Công an"),
                       ("BHXH", "Bảo hiểm xã hội Việt Nam")):
        Agency.objects.get_or_create(code=code, defaults={"name": name, "kind": AgencyKind.CENTRAL_OTHER,
                                                          "level": AgencyLevel.PROVINCE})
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    load_demo_triggers()
    Trigger.objects.filter(code="BHYT-TRESOSINH").update(active=False)


def _officer(agency_code: str):
    """The officer of an agency: its one-stop desk, handler and leader (one person holding the three roles)."""
    from django.contrib.auth import get_user_model

    from motcua.units.models import Agency, Membership

    user = get_user_model().objects.create_user(f"can-bo-{agency_code.lower()}", password=PASSWORD,
                                                first_name="Hà", last_name="Nguyễn Thu")
    agency = Agency.objects.get(code=agency_code)
    for role in ("desk_officer", "specialist", "leader"):
        Membership.objects.create(user=user, agency=agency, role=role)
    return user


def _act(page, label: str) -> None:
    """Click an action button on the officer's dossier page and wait for the confirmation after the redirect."""
    from playwright.sync_api import expect

    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text(f"Đã thực hiện: {label}.")


def _handle_in_the_browser(browser, base: str, child_code: str, agency_code: str) -> None:
    """The agency's officer signs in, finds the child dossier in the queue by its code, receives it, assigns it to
    themself as the handler, completes the appraisal step, approves, issues and returns the result — every step with
    the dossier page's buttons."""
    from playwright.sync_api import expect

    from motcua.dossiers.models import Dossier

    user = _officer(agency_code)
    page = sign_in(browser, base, user.username, PASSWORD)
    page.goto(f"{base}/can-bo/")
    page.get_by_label("Mã hồ sơ, tên người nộp hoặc số định danh").fill(child_code)
    page.get_by_role("button", name="Lọc", exact=True).click()
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=child_code).click()
    page.wait_for_url(f"{base}/can-bo/ho-so/{child_code}/")
    _act(page, "Tiếp nhận (hồ sơ đầy đủ)")
    page.get_by_label("Người xử lý", exact=True).select_option(user.username)
    _act(page, "Phân công xử lý")
    _act(page, "Hoàn thành bước này")
    _act(page, "Phê duyệt")
    _act(page, "Phát hành kết quả")
    _act(page, "Trả kết quả")
    assert Dossier.objects.get(code=child_code).state == "returned"
    page.context.close()


def test_proactive_services_from_the_parents_page(seeded, live_server, browser):
    from playwright.sync_api import expect

    from motcua.exchange.models import AccessLogEntry, RegistryChange
    from motcua.exchange.services import record_change
    from motcua.proactive import services
    from motcua.proactive.models import Trigger

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    _birth("001226004567", "Nguyễn Thị Bé")
    services.run(RUN_ON)

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    page.goto(f"{base}/dang-nhap/?next=/ho-so/viec-can-lam/")
    page.locator("#provider-demo").click()
    page.get_by_label("Số định danh cá nhân").fill(FATHER)
    page.get_by_label("Mức 2").check()
    page.get_by_role("button", name="Đăng nhập thử nghiệm").click()
    page.wait_for_url(f"{base}/ho-so/viec-can-lam/")

    # 1. The prepared linked-group dossier, with the reason, the data used and its source, the options.
    task = page.locator("article.proactive-task").first
    expect(task.locator(".reason")).to_contain_text("Vì hệ thống ghi nhận con bạn (Nguyễn Thị Bé) sinh ngày "
                                                    "20/11/2026")
    expect(task.locator("table.data-used")).to_contain_text("Cơ sở dữ liệu hộ tịch")
    expect(task.locator("tr.option.recommended")).to_contain_text("Nhóm liên thông LT-KS-TT-BHYT")
    page.screenshot(path=str(SHOTS / "proactive-1-prepared.png"), full_page=True)
    # The desks that may receive it are compared; the father's own ward (Hoàn Kiếm) is recommended and chosen.
    expect(task.locator("tr.desk.recommended")).to_contain_text("phường Hoàn Kiếm")
    expect(task.get_by_label("Chọn nơi tiếp nhận")).to_have_value(hoan_kiem())
    task.get_by_role("button", name="Xác nhận và nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/ho-so/[^/]+-\d{6}-\d{4}/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]

    # Each agency's officer handles their member on the officers' pages: the ward registers the birth (its result
    # passes to the others), the police the residence, social security the card.
    from motcua.dossiers.models import Dossier, GroupMember

    parent = Dossier.objects.get(code=code)
    members = {m.key: m for m in GroupMember.objects.filter(parent=parent)}
    assert members["birth"].agency_code == hoan_kiem()
    for key in ("birth", "residence", "health_insurance"):
        _handle_in_the_browser(browser, base, members[key].child_code, members[key].agency_code)
    parent.refresh_from_db()
    assert parent.state == "returned"
    page.goto(f"{base}/ho-so/{code}/")
    expect(page.locator("#group-members")).to_be_visible()
    expect(page.locator("#group-members tbody tr")).to_have_count(3)
    page.screenshot(path=str(SHOTS / "proactive-2-group-handled.png"), full_page=True)

    # 2. The identity card reaching a renewal age (40): a reminder.
    record_change("population", "age_reached", FATHER, occurred_on=date(2026, 11, 25), payload={"age": 40})
    services.run(RUN_ON)
    page.goto(f"{base}/ho-so/viec-can-lam/")
    expect(page.locator("article[data-trigger=CCCD-DOITUOI] .reason")).to_contain_text("đủ 40 tuổi")

    # 3. Level 4: the card issued automatically; the parent refuses; the registry value is back as before.
    Trigger.objects.filter(code__in=["KS-LIENTHONG", "CCCD-DOITUOI"]).update(active=False)
    Trigger.objects.filter(code="BHYT-TRESOSINH").update(active=True)
    second = "001226004568"
    before = services.current_card(second)
    _birth(second, "Nguyễn Văn Em")
    services.run(RUN_ON)
    assert services.current_card(second) != before
    page.goto(f"{base}/ho-so/viec-can-lam/")
    auto = page.locator("article[data-trigger=BHYT-TRESOSINH]", has_text="Nguyễn Văn Em")
    expect(auto.locator(".auto-result")).to_contain_text("thẻ bảo hiểm y tế số")
    page.screenshot(path=str(SHOTS / "proactive-3-level4.png"), full_page=True)
    auto.get_by_role("button", name="Từ chối").click()
    page.wait_for_url(f"{base}/ho-so/viec-can-lam/")
    assert services.current_card(second) == before
    assert list(RegistryChange.objects.filter(subject=second, registry="social_insurance")
                .values_list("kind", flat=True).order_by("id")) == ["card_issued", "card_restored"]

    # 4. Refusing proactive services: a new birth gives nothing, and nothing of the parent's is read.
    Trigger.objects.filter(code="KS-LIENTHONG").update(active=True)
    page.locator("#opt-out-all").click()
    page.wait_for_url(f"{base}/ho-so/viec-can-lam/")
    reads = AccessLogEntry.objects.filter(subject=FATHER).count()
    _birth("001226004569", "Nguyễn Văn Út")
    services.run(RUN_ON)
    assert AccessLogEntry.objects.filter(subject=FATHER).count() == reads
    page.goto(f"{base}/ho-so/viec-can-lam/")
    expect(page.locator("#tasks")).not_to_contain_text("Nguyễn Văn Út")
    page.goto(f"{base}/du-lieu-cua-toi/")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Văn Út")
    page.screenshot(path=str(SHOTS / "proactive-4-opted-out.png"), full_page=True)
