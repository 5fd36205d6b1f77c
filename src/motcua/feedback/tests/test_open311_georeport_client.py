"""Open311 through an existing client library from PyPI (``georeport`` 0.3.1) against a live server on loopback,
in JSON and XML; POST with ``requests`` (the library has no POST call)."""

import pytest
import requests
from georeport import GeoReport

from motcua.steering import services as steering

from .factories import SUBMITTER, published, report, vn

# serialized_rollback: the reference agencies (a data migration) come back after each flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_georeport_reads_services_and_requests(live_server):
    done = published(vn(2026, 3, 3, 9), answer="Đã rút ngắn thời gian.")
    pending = report(vn(2026, 3, 10, 9))
    root = f"{live_server.url}/open311/v2"
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        services = client.get_service_list()
        assert [s["service_code"] for s in services] == ["regulation", "procedure", "conduct"]
        definition = client.get_service_definition("procedure")
        assert definition["service_code"] == "procedure"
        rows = client.get_service_requests(start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z")
        rows = rows if isinstance(rows, list) else [rows]
        assert [r["service_request_id"] for r in rows] == [pending.code, done.code]
        closed = client.get_service_requests(start_date="2026-03-01T00:00:00Z", end_date="2026-03-31T00:00:00Z",
                                             status="closed")
        closed = closed if isinstance(closed, list) else [closed]
        assert [r["service_request_id"] for r in closed] == [done.code]
        one = client.get_service_request(done.code)
        assert one["status"] == "closed" and "Đã rút ngắn thời gian." in one["status_notes"]
        many = client.get_service_requests(service_request_id=f"{done.code},{pending.code}")
        assert len(many) == 2
        with pytest.raises(requests.HTTPError):
            client.get_service_request("PAKN-000000-NOPE00")


def test_post_then_read_back_with_the_library(live_server):
    key, _ = steering.create_open311_key("Ứng dụng phường", "H01.TTPVHCC")
    root = f"{live_server.url}/open311/v2"
    r = requests.post(f"{root}/requests.json", data={
        "api_key": key, "service_code": "conduct", "description": "Cán bộ yêu cầu nộp thêm giấy tờ không có trong "
        "danh mục.", "first_name": "An", "last_name": "Nguyễn Văn", "email": SUBMITTER["email"],
        "phone": SUBMITTER["phone"], "attribute[kind]": "report"}, timeout=10)
    assert r.status_code == 201, r.text
    code = r.json()[0]["service_request_id"]
    client = GeoReport(root, api_key=key)
    row = client.get_service_request(code)
    assert row["status"] == "open" and row["service_code"] == "conduct" and row["expected_datetime"]
    text = requests.get(f"{root}/requests/{code}.xml", timeout=10).text
    for value in (SUBMITTER["email"], SUBMITTER["phone"], "Nguyễn Văn An"):
        assert value not in text and value not in str(row)
