"""Issue 5 point 5 in Debian's Chromium: a council member sends a monthly report from the form, the standing agency
assigns the obstacle to the Ministry of Justice with 10 working days, the ministry answers, the standing agency
confirms it, and the Working Group's leader reads it in the monthly view, where the member who has not reported is
listed. Each person has a browser context of their own; screenshots go to ``var/e2e/steering-*.png``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from browsing import sign_in

from motcua.steering.tests.factories import leader, member, officer, standing

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
PASSWORD = "mat-khau-e2e-2026"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def people():
    users = {"member": member("e2e-member", organisation="VCCI"), "late": member("e2e-late", organisation="VNBA"),
             "standing": standing("e2e-standing"), "btp": officer("BTP", "e2e-btp"), "leader": leader("e2e-leader")}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


_sign_in = partial(sign_in, password=PASSWORD, next_path="/chi-dao/")


def test_an_obstacle_from_the_member_report_to_the_leader_view(people, live_server, browser):
    import os

    from playwright.sync_api import expect

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = _sign_in(browser, base, "e2e-member")
    page.click("#new-report")
    page.get_by_label("Văn bản quy phạm pháp luật").first.fill("Thông tư 01/2018/TT-VPCP")
    page.get_by_label("Vướng mắc, khó khăn").first.fill("Biểu mẫu theo dõi hồ sơ chưa thống nhất <b>x</b>.")
    page.get_by_label("Ảnh hưởng").first.fill("Khó tổng hợp kết quả.")
    page.get_by_label("Kiến nghị, đề xuất").first.fill("Ban hành biểu mẫu điện tử thống nhất.")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("với 1 vướng mắc")
    page.screenshot(path=str(SHOTS / "steering-1-report.png"), full_page=True)

    office = _sign_in(browser, base, "e2e-standing")
    office.goto(base + "/chi-dao/vuong-mac/?status=submitted")
    office.locator("table.data a").first.click()
    form = office.locator('form[data-action="assign"]')
    form.locator("select[name=agency]").select_option("BTP")
    form.locator("input[name=working_days]").fill("10")
    form.get_by_role("button", name="Giao xử lý").click()
    expect(office.locator("#status")).to_have_text("Đã giao xử lý")
    code = office.locator("h1").inner_text().split()[-1]

    ministry = _sign_in(browser, base, "e2e-btp")
    ministry.goto(f"{base}/chi-dao/vuong-mac/{code}/")
    answer = ministry.locator('form[data-action="answer"]')
    answer.locator("textarea").fill("Đã ban hành biểu mẫu điện tử.")
    answer.get_by_role("button", name="Báo cáo kết quả").click()
    expect(ministry.locator("#status")).to_have_text("Đã có kết quả, chờ xác nhận")

    office.goto(f"{base}/chi-dao/vuong-mac/{code}/")
    office.locator('form[data-action="confirm"]').get_by_role("button").click()
    expect(office.locator("#status")).to_have_text("Đã tháo gỡ")
    office.screenshot(path=str(SHOTS / "steering-2-resolved.png"), full_page=True)

    chief = _sign_in(browser, base, "e2e-leader")
    chief.click("text=Tổng hợp hằng tháng")
    expect(chief.locator("#fig-new")).to_have_text("1")
    expect(chief.locator("#fig-resolved")).to_have_text("1")
    expect(chief.locator("#missing")).to_contain_text("VNBA")
    expect(chief.locator("#missing")).not_to_contain_text("VCCI")
    chief.screenshot(path=str(SHOTS / "steering-3-monthly.png"), full_page=True)
