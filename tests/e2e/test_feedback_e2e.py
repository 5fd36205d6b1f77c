"""Issue 5 point 8: a PAKN from the citizen's submission to the public answer and its rating, in Debian's Chromium.

A citizen signs in, picks the procedure through the catalog search typed without diacritics, and submits a report
whose text carries their own name and phone number; the confirmation page shows the tracking code. The desk officer
classifies it (a regulation within the agency's competence), the specialist drafts the answer, the leader approves
and publishes it. An anonymous visitor finds it on the public answers page by a search without diacritics and reads
the answer: neither the citizen's name, phone, e-mail nor address appears. The citizen rates the answer, once.

Each person works in a browser context of their own. Screenshots go to ``var/e2e/feedback-*.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from browsing import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"

pytestmark = [
    pytest.mark.e2e,
]

PROCEDURE = "1.001193"
AGENCY = "H01.TTPVHCC"
PASSWORD = "mat-khau-e2e-2026"
CITIZEN_ID = "001090012345"
PERSONAL = ("Nguyễn Văn An", "0912345678", "0912 345 678", "an@example.vn", "Số 1 Tràng Tiền")


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from motcua.catalog.records import AgencyRecord, ChannelRecord, FeeRecord, TimeLimit
    from motcua.catalog.tests.factories import create_procedure
    from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    create_procedure(
        PROCEDURE, "Đăng ký khai sinh",
        channels=[ChannelRecord("online", TimeLimit(Decimal(3), "working_days"), "3 Ngày làm việc",
                                [FeeRecord(0, "Miễn lệ phí")], "Nộp qua Cổng Dịch vụ công")],
        agencies=[AgencyRecord("implementing", agency.name, AGENCY)],
        decision_date=dt.date(2024, 6, 28),
    )
    users = get_user_model().objects
    officers = {}
    for role, first, last in (("desk_officer", "Hoa", "Lê Thị"), ("specialist", "Minh", "Phạm Văn"),
                              ("leader", "Dũng", "Trần Quốc")):
        officers[role] = users.create_user(f"{role}-pakn-e2e", password=PASSWORD, first_name=first, last_name=last)
        Membership.objects.create(user=officers[role], agency=agency, role=role)
    citizen = users.create_user(CITIZEN_ID, password=PASSWORD, email="an@example.vn")
    return {"citizen": citizen, **officers}


_sign_in = partial(sign_in, password=PASSWORD)


def _state(code: str) -> str:
    from motcua.feedback.models import Feedback

    return Feedback.objects.get(code=code).state


def test_a_pakn_from_submission_to_the_rated_public_answer(seeded, live_server, browser):
    from playwright.sync_api import expect

    from motcua.feedback.models import FeedbackEvent

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    # 1. The citizen picks the procedure through the catalog search (no diacritics) and submits.
    citizen = _sign_in(browser, base, CITIZEN_ID)
    citizen.goto(f"{base}/phan-anh-kien-nghi/gui/")
    expect(citizen.locator("html")).to_have_attribute("lang", "vi")
    citizen.get_by_label("Tìm thủ tục (có dấu hoặc không dấu)").fill("dang ky khai sinh")
    citizen.get_by_role("button", name="Tìm thủ tục", exact=True).click()
    citizen.locator("#procedure-choices").get_by_role("link", name=re.compile("Đăng ký khai sinh")).click()
    expect(citizen.get_by_label("Mã thủ tục hành chính")).to_have_value(PROCEDURE)
    citizen.get_by_label("Phản ánh", exact=True).check()
    citizen.get_by_label("Thủ tục hành chính", exact=True).check()
    citizen.get_by_label("Tiêu đề").fill("Giấy hẹn không ghi giờ trả kết quả")
    citizen.locator("#id_content").fill(
        "Tôi là Nguyễn Văn An, điện thoại 0912 345 678. Khi đăng ký khai sinh cho con, giấy hẹn chỉ ghi "
        "ngày mà không ghi giờ trả kết quả nên tôi phải chờ cả buổi.")
    citizen.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    citizen.get_by_label("Số điện thoại").fill("0912345678")
    citizen.get_by_label("Địa chỉ liên hệ").fill("Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội")
    citizen.screenshot(path=str(SHOTS / "feedback-1-submit.png"), full_page=True)
    citizen.get_by_role("button", name="Gửi", exact=True).click()
    citizen.wait_for_url(re.compile(r"/phan-anh-kien-nghi/da-gui/PAKN-\d{6}-[A-Z2-9]{6}/$"))
    code = citizen.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"PAKN-\d{6}-[A-Z2-9]{6}", code), code
    assert _state(code) == "received"

    # 2. The desk officer classifies it: a regulation within the agency's competence.
    desk = _sign_in(browser, base, "desk_officer-pakn-e2e")
    desk.goto(f"{base}/phan-anh-kien-nghi/can-bo/")
    desk.locator("#queue").get_by_role("link", name=code).click()
    expect(desk.locator("#content")).to_contain_text("giấy hẹn chỉ ghi ngày")
    desk.locator("#action-classify").get_by_label("Quy định thuộc thẩm quyền").check()
    desk.get_by_role("button", name="Phân loại, tiếp nhận xử lý", exact=True).click()
    expect(desk.locator("#item-state")).to_have_text("Đang xử lý")
    assert _state(code) == "handling"

    # 3. The specialist drafts the answer.
    specialist = _sign_in(browser, base, "specialist-pakn-e2e")
    specialist.goto(f"{base}/phan-anh-kien-nghi/can-bo/{code}/")
    specialist.locator("#action-draft_answer").get_by_label("Nội dung trả lời").fill(
        "Từ tháng này giấy tiếp nhận và hẹn trả kết quả ghi rõ giờ trả theo mẫu 01 (Thông tư "
        "01/2018/TT-VPCP).")
    specialist.get_by_role("button", name="Dự thảo trả lời", exact=True).click()
    expect(specialist.locator("#item-state")).to_have_text("Chờ lãnh đạo duyệt")

    # 4. The leader approves and publishes.
    leader = _sign_in(browser, base, "leader-pakn-e2e")
    leader.goto(f"{base}/phan-anh-kien-nghi/can-bo/{code}/")
    expect(leader.locator("#draft")).to_contain_text("ghi rõ giờ trả")
    leader.get_by_role("button", name="Lãnh đạo duyệt trả lời", exact=True).click()
    expect(leader.locator("#item-state")).to_have_text("Chờ công khai")
    leader.get_by_role("button", name="Công khai kết quả", exact=True).click()
    expect(leader.locator("#item-state")).to_have_text("Đã công khai")
    leader.screenshot(path=str(SHOTS / "feedback-2-officer.png"), full_page=True)
    assert _state(code) == "published"

    # 5. Anyone finds the answer by a search without diacritics; no personal data is shown.
    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.goto(f"{base}/phan-anh-kien-nghi/?q=giay+hen+khai+sinh")
    expect(visitor.locator("#answers")).to_contain_text(code)
    visitor.locator("#answers").get_by_role("link", name="Giấy hẹn không ghi giờ trả kết quả").click()
    expect(visitor.locator("#answer")).to_contain_text("ghi rõ giờ trả")
    visitor.screenshot(path=str(SHOTS / "feedback-3-public.png"), full_page=True)
    html = visitor.content()
    for secret in PERSONAL:
        assert secret not in html, secret
    expect(visitor.locator("#question")).to_contain_text("[đã ẩn]")

    # 6. The citizen rates the answer, once.
    citizen.goto(f"{base}/phan-anh-kien-nghi/{code}/")
    citizen.get_by_label("Hài lòng", exact=True).check()
    citizen.get_by_role("button", name="Gửi đánh giá", exact=True).click()
    expect(citizen.locator("#rating-done")).to_contain_text("Hài lòng")
    expect(citizen.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)
    citizen.screenshot(path=str(SHOTS / "feedback-4-rated.png"), full_page=True)
    actions = list(FeedbackEvent.objects.filter(feedback__code=code).order_by("seq").values_list("action", flat=True))
    assert actions == ["submit", "classify", "draft_answer", "approve", "publish", "rate"]
