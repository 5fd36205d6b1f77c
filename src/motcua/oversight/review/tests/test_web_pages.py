"""Review pages under /giam-sat/ra-soat/: reviewers only, stored results, empty states, verdict and plan forms."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.dossiers.tests.factories import procedure
from motcua.oversight.review import services
from motcua.oversight.review.models import OverlapCandidate, OverlapDecision, SimplificationPlan
from motcua.units.models import Agency, Membership

from .factories import handled, record

pytestmark = pytest.mark.django_db

PAGES = ["", "khong-phat-sinh/", "trung-lap/", "de-xuat/", "thuc-tien-dia-phuong/", "chi-phi/", "diem-nghen/",
         "nhan-luc/"]


@pytest.fixture
def reviewer_client():
    user = get_user_model().objects.create(username="reviewer")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="BTP"), role="supervisor")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_pages_show_empty_states_before_any_run(reviewer_client, page):
    response = reviewer_client.get(f"/giam-sat/ra-soat/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số liệu đang được chuẩn bị" in html or page in ("", "chi-phi/")
    # Issue 14 point 5: the empty state says the figures are being prepared, never which command to run.
    assert "motcua oversight" not in html and "Chạy lệnh" not in html


def test_anonymous_is_sent_to_sign_in_and_citizens_are_refused():
    assert Client().get("/giam-sat/ra-soat/trung-lap/").status_code == 302
    client = Client()
    client.force_login(get_user_model().objects.create(username="citizen"))
    assert client.get("/giam-sat/ra-soat/trung-lap/").status_code == 403


def test_pages_show_stored_results_and_the_graph(reviewer_client):
    procedure("1.000001", amount=5)
    handled("1.000001")
    services.compute_bottlenecks(as_of=date(2026, 3, 31), days=60, min_dossiers=1)
    services.compute_dormant(as_of=date(2026, 3, 31))
    services.compute_proposals(as_of=date(2026, 3, 31))
    services.compute_workload(as_of=date(2026, 3, 31))
    services.compute_costs(as_of=date(2026, 3, 31))
    for page in PAGES:
        assert reviewer_client.get(f"/giam-sat/ra-soat/{page}").status_code == 200
    body = reviewer_client.get("/giam-sat/ra-soat/diem-nghen/1.000001/").content.decode()
    assert "<svg" in body and "Thẩm định xong" in body and "Đồ thị nối tiếp trực tiếp" in body
    assert reviewer_client.get("/giam-sat/ra-soat/diem-nghen/1.000001/?co_quan=H01.TTPVHCC").status_code == 200
    assert reviewer_client.get("/giam-sat/ra-soat/diem-nghen/9.999999/").status_code == 404


def test_reviewer_records_a_verdict_and_a_plan(reviewer_client):
    record("1.000001", "Thủ tục đăng ký khai sinh", ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"])
    record("2.000001", "Đăng ký khai sinh", ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"])
    # Rarity is measured against the catalog: a few unrelated records make one.
    record("1.000004", "Cấp giấy phép xây dựng", ["Đơn đề nghị cấp giấy phép xây dựng", "Bản vẽ thiết kế"])
    record("1.000005", "Cấp lại giấy phép lái xe", ["Đơn đề nghị cấp lại giấy phép lái xe"])
    record("1.000006", "Đăng ký thường trú", ["Tờ khai thay đổi thông tin cư trú"])
    services.compute_overlaps()
    assert OverlapCandidate.objects.count() == 1
    assert "2.000001" in reviewer_client.get("/giam-sat/ra-soat/trung-lap/").content.decode()
    r = reviewer_client.post("/giam-sat/ra-soat/trung-lap/ket-luan/", {"a": "1.000001", "b": "2.000001",
                                                                        "verdict": "duplicate", "note": "Trùng"})
    assert r.status_code == 302 and OverlapDecision.objects.get().verdict == "duplicate"
    assert not OverlapCandidate.objects.exists()
    r = reviewer_client.post("/giam-sat/ra-soat/chi-phi/phuong-an/", {
        "agency": "H01.TTPVHCC", "procedure": "1.000001", "title": "Cắt giảm", "year": "2025", "before_hours": "4",
        "after_hours": "1", "subjects_per_year": "10"})
    assert r.status_code == 302 and SimplificationPlan.objects.count() == 1
    body = reviewer_client.get("/giam-sat/ra-soat/chi-phi/").content.decode()
    assert "75.00" in body  # 4 h → 1 h at the same income: −75%
    r = reviewer_client.post("/giam-sat/ra-soat/chi-phi/phuong-an/", {"agency": "H01.TTPVHCC", "procedure": "x"},
                             follow=True)
    assert "Không có thủ tục x" in r.content.decode() and SimplificationPlan.objects.count() == 1


def test_pages_read_in_english_on_request(reviewer_client):
    body = reviewer_client.get("/giam-sat/ra-soat/nhan-luc/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Workload and staff transfers" in body and "No figures yet" in body


def test_reviewer_enters_cost_inputs(reviewer_client):
    from motcua.oversight.review.models import CostProfile

    procedure("1.000001")
    r = reviewer_client.post("/giam-sat/ra-soat/chi-phi/dau-vao/", {"procedure": "1.000001", "hours": "3",
                                                                   "other_costs_vnd": "15000"}, follow=True)
    assert r.status_code == 200 and CostProfile.objects.get().hours == 3
    r = reviewer_client.post("/giam-sat/ra-soat/chi-phi/dau-vao/", {"procedure": "1.000001", "hours": "-3"},
                             follow=True)
    assert "không âm" in r.content.decode() and CostProfile.objects.get().hours == 3
