"""Issue 11 (the law in force), end to end in Debian's Chromium: an online dossier received within 8 working hours
(Decree 118/2025 Art. 17(2)(c)), one request to complete it, the second refused (Art. 16(3), 19(5)) until a leader
overrides it with a reason, the applicant amends the dossier online (Art. 21(2)), and the dossier closes 15 days
after the unanswered notice (Art. 19(5)) — the clock moved in the test by running `motcua dossiers close-expired`
at a later instant.

Each person works in a browser context of their own (their own session cookie). The applicant's supplement between
the two requests is sent through the service (its page is covered by test_dossier_flow_e2e and the unit tests).
Screenshots go to ``var/e2e/law-*.png``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from browsing import sign_in

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"

pytestmark = [
    pytest.mark.e2e,
]

PROCEDURE = "1.004227"
AGENCY = "H01.TTPVHCC"
PASSWORD = "mat-khau-e2e-2026"
CITIZEN_ID = "001090012345"


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """A published procedure offered online (5 working days) at the Hanoi service centre, its desk officer and
    leader, and a citizen whose user name is their personal ID number (as in test_dossier_flow_e2e)."""
    from django.contrib.auth import get_user_model

    from motcua.catalog.records import AgencyRecord, ChannelRecord, FeeRecord, TimeLimit
    from motcua.catalog.tests.factories import create_procedure
    from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    create_procedure(
        PROCEDURE, "Đăng ký kết hôn",
        channels=[ChannelRecord("online", TimeLimit(Decimal(5), "working_days"), "5 Ngày làm việc",
                                [FeeRecord(0, "Miễn lệ phí")], "Nộp qua Cổng Dịch vụ công")],
        agencies=[AgencyRecord("implementing", agency.name, AGENCY)],
    )
    users = get_user_model().objects
    people = {}
    for role, first, last in (("desk_officer", "Hoa", "Lê Thị"), ("leader", "Dũng", "Trần Quốc")):
        people[role] = users.create_user(f"{role}-law-e2e", password=PASSWORD, first_name=first, last_name=last)
        Membership.objects.create(user=people[role], agency=agency, role=role)
    people["citizen"] = users.create_user(CITIZEN_ID, password=PASSWORD, email="an@example.vn")
    return people


_sign_in = partial(sign_in, password=PASSWORD)


def _dossier(code: str):
    from motcua.dossiers.models import Dossier

    return Dossier.objects.get(code=code)


def test_receipt_one_supplement_the_second_refused_amendment_and_closing(seeded, live_server, browser):
    from django.core.management import call_command
    from django.utils import timezone
    from playwright.sync_api import expect

    from motcua.dossiers import services

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    citizen_user = seeded["citizen"]
    dossier = services.submit(PROCEDURE, AGENCY, "online",
                              {"kind": "citizen", "personal_id": CITIZEN_ID, "full_name": "Nguyễn Văn An",
                               "phone": "0912345678", "email": "an@example.vn", "address": "Hà Nội"},
                              {"noi_cu_tru": "Số 1 Tràng Tiền, Hoàn Kiếm"}, actor=citizen_user, role="applicant")
    code = dossier.code
    assert dossier.receipt_due_at is not None and dossier.receipt_due_at > dossier.submitted_at

    # 1. The desk officer sees the 8-working-hour deadline in the queue and receives the dossier in time.
    desk = _sign_in(browser, base, "desk_officer-law-e2e")
    desk.goto(f"{base}/can-bo/?sort=receipt")
    row = desk.locator("table.queue tbody tr", has_text=code)
    expect(row).to_contain_text("Tiếp nhận trước")
    expect(row).not_to_contain_text("quá hạn tiếp nhận")
    row.get_by_role("link", name=code).click()
    desk.get_by_role("button", name="Tiếp nhận (hồ sơ đầy đủ)", exact=True).click()
    expect(desk.locator("ul.messages")).to_contain_text("Tiếp nhận (hồ sơ đầy đủ)")
    received = _dossier(code)
    assert received.state == "received" and received.receipt_late is False
    assert received.events.last().data["receipt_late"] is False

    # 2. One request to complete the dossier, listing everything at once.
    form = desk.locator("form", has=desk.locator("button[name=do][value=request_supplement]"))
    form.get_by_label("Các nội dung còn thiếu, mỗi mục một dòng").fill("Giấy xác nhận tình trạng hôn nhân\n"
                                                                        "Bản sao căn cước")
    form.locator("button[name=do][value=request_supplement]").click()
    expect(desk.locator("ul.messages")).to_contain_text("Yêu cầu bổ sung")
    assert _dossier(code).state == "supplement_requested"

    # The applicant sends the supplement (service; its page is tested elsewhere).
    d = _dossier(code)
    services.act(code, "submit_supplement", actor=citizen_user, role="applicant",
                 expected_version=d.version)

    # 3. A second request by the desk is refused, with the reason in Vietnamese.
    desk.reload()
    form = desk.locator("form", has=desk.locator("button[name=do][value=request_supplement]"))
    form.get_by_label("Các nội dung còn thiếu, mỗi mục một dòng").fill("Ảnh chân dung")
    form.locator("button[name=do][value=request_supplement]").click()
    expect(desk.locator("#action-error")).to_contain_text("đã được yêu cầu bổ sung một lần")
    desk.screenshot(path=str(SHOTS / "law-1-second-request-refused.png"), full_page=True)
    assert _dossier(code).supplement_count == 1

    # 4. The leader overrides it, with the reason (stored in the event; the dossier counts late for the index).
    leader = _sign_in(browser, base, "leader-law-e2e")
    leader.goto(f"{base}/can-bo/ho-so/{code}/")
    form = leader.locator("form", has=leader.locator("button[name=do][value=request_supplement]"))
    form.get_by_label("Các nội dung còn thiếu, mỗi mục một dòng").fill("Ảnh chân dung")
    form.get_by_label("Lý do yêu cầu bổ sung lần nữa (lãnh đạo)").fill("Luật chuyên ngành yêu cầu thêm ảnh")
    form.locator("button[name=do][value=request_supplement]").click()
    expect(leader.locator("ul.messages")).to_contain_text("Yêu cầu bổ sung")
    overridden = _dossier(code)
    assert (overridden.state, overridden.supplement_count) == ("supplement_requested", 2)
    assert overridden.events.last().data["override_reason"] == "Luật chuyên ngành yêu cầu thêm ảnh"

    # 5. The applicant amends the dossier online; the officer sees the amendment in the history.
    citizen = _sign_in(browser, base, CITIZEN_ID)
    citizen.goto(f"{base}/ho-so/{code}/")
    citizen.get_by_role("link", name="Điều chỉnh nội dung hồ sơ").click()
    citizen.get_by_label("noi_cu_tru").fill("Số 5 Lý Thái Tổ, Hoàn Kiếm")
    citizen.get_by_role("button", name="Gửi nội dung điều chỉnh").click()
    expect(citizen.get_by_role("status")).to_contain_text("Nội dung hồ sơ đã được điều chỉnh")
    amended = _dossier(code)
    assert (amended.amendment_count, amended.form_data["noi_cu_tru"]) == (1, "Số 5 Lý Thái Tổ, Hoàn Kiếm")
    leader.reload()
    expect(leader.locator("body")).to_contain_text("Lần điều chỉnh 1")
    leader.screenshot(path=str(SHOTS / "law-2-amendment-seen.png"), full_page=True)

    # 6. Nobody answers the notice: 16 days later the scheduled command closes the dossier and tells the
    #    applicant; the citizen's page shows it stopped.
    notice_closes = amended.supplement_closes_at
    assert notice_closes is not None
    call_command("dossiers", "close-expired", "--at",
                 (notice_closes - timedelta(seconds=1)).isoformat())
    assert _dossier(code).state == "supplement_requested"  # not before the 15 days are over
    later = max(notice_closes, timezone.now() + timedelta(days=16))
    call_command("dossiers", "close-expired", "--at", later.isoformat())
    closed = _dossier(code)
    assert (closed.state, closed.status_code) == ("stopped", 8)
    assert closed.events.last().data["closed_unanswered_notice"] is True
    citizen.goto(f"{base}/ho-so/{code}/")
    expect(citizen.locator("#dossier-status")).to_have_text("Dừng xử lý")
    expect(citizen.locator("body")).to_contain_text("khoản 5 Điều 19")
    citizen.screenshot(path=str(SHOTS / "law-3-closed.png"), full_page=True)
