"""GET /api/v1/procedures and /api/v1/procedures/<code>: shape, filters, rank order, problem+json errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from motcua.catalog.records import AgencyRecord
from motcua.units.models import AdministrativeUnit, Agency, UnitLevel

from .factories import create_procedure


@pytest.fixture
def api(db):
    AdministrativeUnit.objects.get_or_create(
        level=UnitLevel.PROVINCE, code=38, defaults={"name": "Thanh Hóa", "division_type": "tỉnh"})
    Agency.objects.get_or_create(code="BTP", defaults={"name": "Bộ Tư pháp", "kind": "ministry", "level": "ministry"})
    create_procedure("1.001193", "Đăng ký khai sinh", levels=["commune"], online_level="full",
                     agencies=[AgencyRecord("competent", "Bộ Tư pháp", "BTP")])
    create_procedure("1.000894", "Đăng ký kết hôn", levels=["commune"], online_level="partial")
    create_procedure("2.000635", "Cấp giấy phép xây dựng", sector="Xây dựng", levels=["province"],
                     online_level="none")
    create_procedure("1.000222", "Cấp phiếu lý lịch tư pháp", sector="Lý lịch tư pháp", levels=["ministry"])
    create_procedure("1.000894.H38", "Đăng ký kết hôn", levels=["commune"])
    return APIClient()


def codes(response):
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_list_without_query_is_in_code_order(api):
    body = api.get("/api/v1/procedures").json()
    assert body["count"] == 5 and body["next"] is None and body["previous"] is None and body["suggestions"] == []
    assert [r["code"] for r in body["results"]] == sorted(r["code"] for r in body["results"])
    first = body["results"][0]
    assert set(first) == {"code", "name", "sector", "levels", "online_level", "version"}
    assert first["sector"] == {"slug": "ly-lich-tu-phap", "name": "Lý lịch tư pháp"}


def test_list_is_in_rank_order(api):
    assert codes(api.get("/api/v1/procedures", {"q": "dang ky khai sinh"}))[0] == "1.001193"
    assert codes(api.get("/api/v1/procedures", {"q": "1.000894"})) == ["1.000894", "1.000894.H38"]


def test_pages_link_to_each_other(api):
    body = api.get("/api/v1/procedures", {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2
    assert "page=3" in body["next"] and "page=1" in body["previous"] and "page_size=2" in body["next"]


def test_filters(api):
    assert codes(api.get("/api/v1/procedures", {"level": "province"})) == ["2.000635"]
    assert codes(api.get("/api/v1/procedures", {"sector": "xay-dung"})) == ["2.000635"]
    assert codes(api.get("/api/v1/procedures", {"online_level": "partial"})) == ["1.000894"]
    assert codes(api.get("/api/v1/procedures", {"agency": "BTP"})) == ["1.001193"]
    # Thanh Hóa: its localised copy replaces the national procedure; ministry-level procedures are left out.
    assert codes(api.get("/api/v1/procedures", {"province": 38})) == ["1.000894.H38", "1.001193", "2.000635"]
    assert codes(api.get("/api/v1/procedures", {"q": "dang ky", "level": "commune", "province": 38})) == [
        "1.000894.H38", "1.001193"]


def test_no_match_returns_suggestions(api):
    body = api.get("/api/v1/procedures", {"q": "dang ky khai sinhh"}).json()
    assert body["count"] == 0 and body["results"] == []
    assert body["suggestions"][0] == "Đăng ký khai sinh"


@pytest.mark.parametrize("params, field", [
    ({"level": "district"}, "level"),
    ({"online_level": "yes"}, "online_level"),
    ({"sector": "khong-co"}, "sector"),
    ({"agency": "NOPE"}, "agency"),
    ({"province": "abc"}, "province"),
    ({"province": 99}, "province"),
    ({"page": 0}, "page"),
    ({"page_size": 1000}, "page_size"),
    ({"colour": "red"}, "colour"),
    ({"q": "a\x00b"}, "q"),
])
def test_bad_parameters_are_400_problems(api, params, field):
    response = api.get("/api/v1/procedures", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_page_beyond_the_last_is_404_problem(api):
    response = api.get("/api/v1/procedures", {"page": 9})
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_detail_has_every_component(api):
    body = api.get("/api/v1/procedures/1.001193").json()
    assert body["code"] == "1.001193" and body["name"] == "Đăng ký khai sinh"
    assert body["levels"] == ["commune"] and body["status"] == "published" and body["version"] == 1
    assert body["channels"][1] == {"kind": "online", "time_limit": {"amount": 1, "unit": "working_days"},
                                   "time_limit_text": "1 Ngày làm việc",
                                   "fees": [{"amount_vnd": 8000, "description": "Lệ phí: 8.000 đồng"}],
                                   "description": "Nộp trực tuyến"}
    assert body["documents"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert body["documents"][0]["originals"] == 1 and body["documents"][0]["copies"] == 0
    assert body["legal_basis"] == [{"number": "123/2015/NĐ-CP", "title": "Nghị định 123/2015/NĐ-CP",
                                    "issued_date": None, "effective_date": None}]
    assert body["agencies"] == [{"role": "competent", "name": "Bộ Tư pháp", "code": "BTP"}]
    assert body["results"][0]["name"] == "Giấy khai sinh"
    assert [s["title"] for s in body["steps"]] == ["Bước 1", "Bước 2"]
    assert body["decision_number"] == "1872/QĐ-BTP" and body["parse_issue_count"] == 0


def test_unknown_code_is_404_problem(api):
    response = api.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_queries_per_request_are_constant(api):
    for i in range(10):
        create_procedure(f"1.10{i:04d}", f"Đăng ký khai sinh {i}")
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/procedures", {"q": "khai sinh", "page_size": 2})
    with CaptureQueriesContext(connection) as large:
        api.get("/api/v1/procedures", {"q": "khai sinh", "page_size": 20})
    assert len(small) == len(large) <= 4
    with CaptureQueriesContext(connection) as detail:
        api.get("/api/v1/procedures/1.001193")
    assert len(detail) <= 9
