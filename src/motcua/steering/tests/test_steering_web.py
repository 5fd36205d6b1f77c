"""The /chi-dao/ pages: a member sends a report, the standing agency assigns it, the agency answers, the leader reads
the monthly view and the standing agency reminds the members; agencies report on their tasks. User text is escaped,
forms need CSRF, and what a person may not see is a 404."""

import pytest
from django.test import Client

from motcua.steering import demo, services
from motcua.steering.models import Obstacle, TaskAssignment

from .factories import leader, member, officer, standing

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_to_resolution_through_the_pages(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path
    m, boss, btp, chief = member(email="m@example.vn"), standing(), officer("BTP"), leader()
    member("other-member", organisation="VNBA", email="o@example.vn")
    page = client_for(m).get("/chi-dao/bao-cao/moi/")
    assert page.status_code == 200 and "Vướng mắc 1" in page.content.decode()
    r = client_for(m).post("/chi-dao/bao-cao/moi/", {
        "kind": "monthly", "period": services.now().strftime("%Y-%m"), "note": "",
        "o0-legal_document": "Thông tư 01/2018/TT-VPCP", "o0-difficulty": XSS, "o0-effect": "Chậm.",
        "o0-proposal": "Sửa."})
    assert r.status_code == 302, r.content.decode()[:2000]
    obstacle = Obstacle.objects.get()
    # Members see their own obstacle; an unrelated ministry does not.
    assert client_for(m).get(f"/chi-dao/vuong-mac/{obstacle.code}/").status_code == 200
    assert client_for(btp).get(f"/chi-dao/vuong-mac/{obstacle.code}/").status_code == 404
    page = client_for(boss).get(f"/chi-dao/vuong-mac/{obstacle.code}/").content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    assert 'data-action="assign"' in page and 'data-action="reject"' in page
    r = client_for(boss).post(f"/chi-dao/vuong-mac/{obstacle.code}/", {"action": "assign", "agency": "BTP",
                                                                       "working_days": "10", "version": "1"})
    assert r.status_code == 302
    # A stale form is refused with a message, nothing changes.
    r = client_for(boss).post(f"/chi-dao/vuong-mac/{obstacle.code}/", {"action": "extend", "working_days": "20",
                                                                       "note": "x", "version": "1"})
    assert r.status_code == 400 and "cập nhật" in r.content.decode()
    page = client_for(btp).get(f"/chi-dao/vuong-mac/{obstacle.code}/").content.decode()
    assert 'data-action="answer"' in page and 'data-action="assign"' not in page
    r = client_for(btp).post(f"/chi-dao/vuong-mac/{obstacle.code}/", {"action": "answer", "note": "", "version": "2"})
    assert r.status_code == 400  # the answer needs its content
    r = client_for(btp).post(f"/chi-dao/vuong-mac/{obstacle.code}/", {"action": "answer", "note": "Đã sửa.",
                                                                      "version": "2"})
    assert r.status_code == 302
    client_for(boss).post(f"/chi-dao/vuong-mac/{obstacle.code}/", {"action": "confirm", "version": "3"})
    assert Obstacle.objects.get().status == "resolved"
    period = services.now().strftime("%Y-%m")
    page = client_for(chief).get(f"/chi-dao/tong-hop/{period}/").content.decode()
    assert 'id="fig-new">1<' in page and 'id="fig-resolved">1<' in page and "VNBA" in page
    assert 'id="remind"' not in page  # the leader reads; the standing agency reminds
    r = client_for(boss).post(f"/chi-dao/tong-hop/{period}/nhac-nho/", follow=True)
    assert "Đã gửi nhắc nhở tới 1 thành viên" in r.content.decode()
    assert client_for(m).get(f"/chi-dao/tong-hop/{period}/").status_code == 403


def test_forms_need_csrf():
    m = member()
    client = Client(enforce_csrf_checks=True)
    client.force_login(m)
    r = client.post("/chi-dao/bao-cao/moi/", {"kind": "ad_hoc", "o0-legal_document": "x", "o0-difficulty": "d",
                                              "o0-effect": "e", "o0-proposal": "p"})
    assert r.status_code == 403 and not Obstacle.objects.exists()


def test_agency_reports_on_its_task_and_the_overview_flags_overdue():
    boss = standing()
    services.create_directive(boss, **demo.load_announcement_437())
    vpcp = officer("VPCP", "vpcp-officer")
    page = client_for(vpcp).get("/chi-dao/nhiem-vu/?overdue=on").content.decode()
    assert "Tháng 10/2023" in page and "Quá hạn" in page
    fifth = TaskAssignment.objects.get(task__number=5)
    r = client_for(vpcp).post(f"/chi-dao/nhiem-vu/{fifth.pk}/", {"action": "complete", "note": XSS,
                                                                 "version": "1"})
    assert r.status_code == 302
    page = client_for(vpcp).get(f"/chi-dao/nhiem-vu/{fifth.pk}/").content.decode()
    assert "Đã hoàn thành" in page and XSS not in page
    other = TaskAssignment.objects.filter(agency__code="BTP").first()
    assert client_for(vpcp).get(f"/chi-dao/nhiem-vu/{other.pk}/").status_code == 404
    page = client_for(boss).get("/chi-dao/tong-quan/").content.decode()
    assert "Bộ Tư pháp (BTP)" in page
    assert client_for(vpcp).get("/chi-dao/tong-quan/").status_code == 403
    directive_page = client_for(vpcp).get(f"/chi-dao/van-ban/{fifth.task.directive_id}/").content.decode()
    assert "437/TB-VPCP" in directive_page and f"/chi-dao/nhiem-vu/{fifth.pk}/" in directive_page


def test_people_without_a_part_are_refused():
    stranger = officer("H01.X00070", "commune-officer")
    assert client_for(stranger).get("/chi-dao/").status_code == 200  # a commune officer sees its own tasks
    from django.contrib.auth import get_user_model
    nobody = get_user_model().objects.create(username="citizen")
    assert client_for(nobody).get("/chi-dao/").status_code == 403
    assert Client().get("/chi-dao/").status_code == 302  # to sign in


def test_pages_read_vietnamese_first_and_english_on_request():
    boss = standing()
    client = client_for(boss)
    period = services.now().strftime("%Y-%m")
    assert "Tổng hợp vướng mắc" in client.get(f"/chi-dao/tong-hop/{period}/").content.decode()
    english = client.get(f"/chi-dao/tong-hop/{period}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Obstacles summary" in english and "Members who have not sent their monthly report" in english


def test_the_standing_agency_records_a_directive_with_month_deadlines():
    boss = standing()
    r = client_for(boss).post("/chi-dao/van-ban/moi/", {
        "number": "27/CT-TTg-thu", "kind": "directive", "title": "Tiếp tục đẩy mạnh cải cách TTHC",
        "issued_on": "2026-11-02", "issuer": "Thủ tướng Chính phủ",
        "tasks": "1 | 12/2026 | BTP, H01 | Rà soát thủ tục không phát sinh hồ sơ\n2 | quý I/2027 | VPCP | Tổng hợp"})
    assert r.status_code == 302, r.content.decode()[:3000]
    assert TaskAssignment.objects.filter(task__directive__number="27/CT-TTg-thu").count() == 3
    first = TaskAssignment.objects.get(task__number=1, agency__code="BTP")
    assert first.deadline.label == "Tháng 12/2026"
    r = client_for(boss).post("/chi-dao/van-ban/moi/", {
        "number": "28/CT-TTg-thu", "kind": "directive", "title": "T", "issued_on": "2026-11-02", "issuer": "TTg",
        "tasks": "1 | tháng 13/2026 | BTP | X"})
    assert r.status_code == 400 and "tasks[0].deadline" in r.content.decode()
    assert client_for(officer("BTP")).get("/chi-dao/van-ban/moi/").status_code == 403
