"""Issue 16, known fault (b): the full-online share (Decree 224/2026 Art. 19(2)(a)) on a province's page and in its
monthly report was the country's. Scoped now: the published services whose current version names an agency of the
province; two provinces, two different shares, and the country's is both together."""

from datetime import date

import pytest

from motcua.catalog.records import AgencyRecord
from motcua.catalog.tests.factories import create_procedure
from motcua.proactive import queries

pytestmark = pytest.mark.django_db

START, END = date(2026, 3, 1), date(2026, 4, 1)


@pytest.fixture
def two_provinces():
    """Hà Nội offers two services, one fully online; Hồ Chí Minh City one, not fully online."""
    create_procedure("1.000001", "Thủ tục của Hà Nội, toàn trình", online_level="full",
                     agencies=[AgencyRecord("implementing", "Trung tâm Phục vụ hành chính công Hà Nội", "H01.TTPVHCC")])
    create_procedure("1.000002", "Thủ tục của Hà Nội, một phần", online_level="partial",
                     agencies=[AgencyRecord("competent", "Trung tâm Phục vụ hành chính công Hà Nội", "H01.TTPVHCC"),
                               AgencyRecord("coordinating", "Trung tâm Phục vụ hành chính công TP HCM",
                                            "H79.TTPVHCC")])
    create_procedure("1.000003", "Thủ tục của TP Hồ Chí Minh", online_level="partial",
                     agencies=[AgencyRecord("implementing", "Trung tâm Phục vụ hành chính công TP HCM",
                                            "H79.TTPVHCC")])


def _share(data) -> tuple[int, int, float | None]:
    return data["full_online_services"], data["services"], data["full_online_share"]


def test_each_province_counts_its_own_services(two_provinces):
    assert _share(queries.service_figures(START, END)) == (1, 3, 33.3)
    hanoi = queries.service_figures(START, END, agency_ids=queries.province_agencies(1))
    saigon = queries.service_figures(START, END, agency_ids=queries.province_agencies(79))
    assert _share(hanoi) == (1, 2, 50.0)
    assert _share(saigon) == (0, 1, 0.0)  # a coordinating body does not offer the service
    assert _share(queries.service_figures(START, END, "H79.TTPVHCC")) == (0, 1, 0.0)


def test_the_province_page_shows_the_provinces_share(two_provinces, client):
    page = client.get("/giam-sat/chu-dong/?from=2026-03-01&to=2026-04-01&province=79").content.decode()
    assert "toàn trình: 0 / 1 thủ tục" in page and "Hồ Chí Minh" in page
    page = client.get("/giam-sat/chu-dong/?from=2026-03-01&to=2026-04-01&province=01").content.decode()
    assert "toàn trình: 1 / 2 thủ tục" in page


@pytest.mark.parametrize("province", ["99", "abc", "1e3"])
def test_an_unknown_province_is_a_problem_not_a_crash(client, province):
    response = client.get(f"/giam-sat/chu-dong/?province={province}")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")


def test_the_provinces_monthly_report_carries_its_own_share(two_provinces):
    from motcua.reports.monthly import build_monthly

    text = {scope: " ".join(getattr(b, "text", "") for b in build_monthly(
        "2026-03", scope, today=date(2026, 4, 2)).sections[-1].blocks) for scope in ("province:79", "province:01")}
    assert "0/1 thủ tục cung cấp dịch vụ công trực tuyến toàn trình (0,0%)" in text["province:79"]
    assert "1/2 thủ tục cung cấp dịch vụ công trực tuyến toàn trình (50,0%)" in text["province:01"]
