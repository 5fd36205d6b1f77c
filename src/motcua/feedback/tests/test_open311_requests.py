"""Open311 GeoReport v2 (issue 5 point 4): PAKN categories as services, requests in JSON and XML with the
specification's fields and filters, statuses open/closed with notes, expected_datetime from the legal deadlines,
POST with an API key, the specification's error format, and never the submitter's personal data."""

import json
from datetime import datetime
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from motcua.core.calendar import TZ
from motcua.feedback.models import Feedback
from motcua.steering import services as steering

from .factories import SUBMITTER, Flow, published, report, vn

pytestmark = pytest.mark.django_db
FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "address_id", "zipcode", "lat", "long", "media_url"}


def get(path: str, **params):
    return Client().get(path, params)


def no_personal_data(body: str) -> None:
    for value in SUBMITTER.values():
        assert value not in body, value
    assert "Phường Hoàn Kiếm" not in body


@pytest.fixture
def items():
    """An open item (March 2026), a published one, a refused one."""
    open_item = report(vn(2026, 3, 2, 9))
    done = published(vn(2026, 3, 3, 9), answer="Đã rút ngắn thời gian.", location="Phường Hoàn Kiếm", lat="21.0285",
                     long="105.8542")
    refused = report(vn(2026, 3, 4, 9), topic="regulation", regulation="Thông tư 01/2018/TT-VPCP")
    Flow(refused)("refuse", "desk_officer", vn(2026, 3, 4, 10), ground="complaint")
    return open_item, done, Feedback.objects.get(pk=refused.pk)


def test_discovery_and_services_in_both_formats():
    data = get("/open311/v2/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["formats"] == ["application/json", "text/xml"]
    services = get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == ["regulation", "procedure", "conduct"]
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in services)
    root = ET.fromstring(get("/open311/v2/services.xml").content)
    assert root.tag == "services" and [s.findtext("service_code") for s in root] == ["regulation", "procedure",
                                                                                      "conduct"]
    definition = get("/open311/v2/services/procedure.json").json()
    codes = [a["code"] for a in definition["attributes"]]
    assert "kind" in codes and "procedure_code" in codes
    kind = definition["attributes"][0]
    assert kind["datatype"] == "singlevaluelist" and {v["key"] for v in kind["values"]} == {"report", "proposal"}
    xml = ET.fromstring(get("/open311/v2/services/regulation.xml").content)
    assert xml.tag == "service_definition" and xml.find("attributes/attribute/values/value/key").text == "report"
    r = get("/open311/v2/services/parking.json")
    assert r.status_code == 404 and r.json()[0]["code"] == 404


def test_requests_carry_the_specification_fields_and_statuses(items):
    open_item, done, refused = items
    params = {"start_date": "2026-03-01T00:00:00+07:00", "end_date": "2026-03-31T00:00:00Z"}
    r = get("/open311/v2/requests.json", **params)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    rows = {row["service_request_id"]: row for row in r.json()}
    assert list(rows) == [refused.code, done.code, open_item.code]  # newest first
    assert all(set(row) == FIELDS for row in rows.values())
    o, d, x = rows[open_item.code], rows[done.code], rows[refused.code]
    assert (o["status"], d["status"], x["status"]) == ("open", "closed", "closed")
    assert o["description"] == "" and o["lat"] is None  # not reviewed for publication yet
    assert "Đã rút ngắn thời gian." in d["status_notes"] and d["description"].startswith(done.public_title)
    assert d["address"] == "" and (d["lat"], d["long"]) == (21.03, 105.85)  # about 1 km, never the address text
    assert "Khiếu nại" in x["status_notes"]
    assert datetime.fromisoformat(o["expected_datetime"]) == open_item.answer_due_at
    assert d["expected_datetime"] is None
    assert datetime.fromisoformat(o["requested_datetime"]) == vn(2026, 3, 2, 9)
    assert o["agency_responsible"] == open_item.agency.name and o["service_name"] == "Thủ tục hành chính"
    no_personal_data(r.content.decode())


def test_filters(items):
    open_item, done, refused = items
    base = {"start_date": "2026-03-01", "end_date": "2026-03-30"}
    def codes(**p):
        return [row["service_request_id"] for row in get("/open311/v2/requests.json", **{**base, **p}).json()]

    assert codes(status="open") == [open_item.code]
    assert codes(status="closed") == [refused.code, done.code]
    assert codes(status="open,closed") == [refused.code, done.code, open_item.code]
    assert codes(service_code="regulation") == [refused.code]
    assert codes(service_code="procedure,conduct") == [done.code, open_item.code]
    assert codes(start_date="2026-03-03", end_date="2026-03-03T23:59:59+07:00") == [done.code]
    assert codes(page_size="1", page="2") == [done.code]
    by_id = get("/open311/v2/requests.json", service_request_id=f"{done.code},NOPE,{open_item.code}").json()
    assert [row["service_request_id"] for row in by_id] == [done.code, open_item.code]
    one = get(f"/open311/v2/requests/{done.code}.json").json()
    assert len(one) == 1 and one[0]["service_request_id"] == done.code
    # Without dates: the last 90 days only (these items are older).
    assert get("/open311/v2/requests.json").json() == []


def test_xml_requests(items):
    _open, done, _refused = items
    r = get(f"/open311/v2/requests/{done.code}.xml")
    assert r["Content-Type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.findtext("service_request_id") == done.code and request.findtext("status") == "closed"
    assert {child.tag for child in request} == FIELDS
    no_personal_data(r.content.decode())


@pytest.mark.parametrize(("params", "fragment"), [
    ({"status": "pending"}, "status"),
    ({"service_code": "parking"}, "service_code"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "90"),
    ({"start_date": "2026-03-02", "end_date": "2026-03-01"}, "end_date"),
    ({"page_size": "5000"}, "page_size"),
    ({"jurisdiction_id": "elsewhere.gov"}, "jurisdiction_id"),
])
def test_bad_queries_are_errors_in_the_specification_format(params, fragment):
    r = get("/open311/v2/requests.json", **params)
    assert r.status_code in (400, 404)
    body = r.json()
    assert body[0]["code"] == r.status_code and fragment in body[0]["description"]
    x = get("/open311/v2/requests.xml", **params)
    root = ET.fromstring(x.content)
    assert root.tag == "errors" and root.find("error/code").text == str(r.status_code)


def test_unknown_request_and_resource():
    assert get("/open311/v2/requests/PAKN-000000-XXXXXX.json").status_code == 404
    r = get("/open311/v2/requests.csv")
    assert r.status_code == 404 and r.json()[0]["code"] == 404


def test_post_needs_a_key_and_creates_a_pakn(items):
    key, _row = steering.create_open311_key("Ứng dụng thử", "H01.TTPVHCC")
    form = {"service_code": "procedure", "attribute[kind]": "proposal", "attribute[procedure_code]": "1.000001",
            "attribute[proposal]": "Cho nộp bản điện tử.", "description": "Phải nộp bản giấy <b>nhiều lần</b>.",
            "first_name": "Bình", "last_name": "Trần Thị", "email": "binh@example.vn", "phone": "0987654321",
            "lat": "21.03", "long": "105.85"}
    client = Client(enforce_csrf_checks=True)
    r = client.post("/open311/v2/requests.json", form)
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    assert client.post("/open311/v2/requests.json", {**form, "api_key": "wrong"}).status_code == 403
    r = client.post("/open311/v2/requests.json", {**form, "api_key": key})
    assert r.status_code == 201, r.content
    entry = r.json()[0]
    assert set(entry) == {"service_request_id", "service_notice", "account_id"}
    item = Feedback.objects.get(code=entry["service_request_id"])
    assert (item.channel, item.kind, item.topic, item.submitter_name, item.agency.code) == (
        "open311", "proposal", "procedure", "Trần Thị Bình", "H01.TTPVHCC")
    assert item.events.get().data["channel"] == "open311"
    shown = get(f"/open311/v2/requests/{item.code}.json").content.decode()
    assert "binh@example.vn" not in shown and "Trần Thị Bình" not in shown and "0987654321" not in shown
    assert json.loads(shown)[0]["status"] == "open"
    # XML answer and the specification's error list with the fields named as the client sent them.
    x = client.post("/open311/v2/requests.xml", {**form, "api_key": key, "first_name": "", "last_name": ""})
    root = ET.fromstring(x.content)
    assert x.status_code == 400 and "first_name" in root.find("error/description").text
    r = client.post("/open311/v2/requests.json", {**form, "api_key": key, "service_code": "parking"})
    assert r.status_code == 400 and "service_code" in r.json()[0]["description"]
    r = client.post("/open311/v2/requests.json", {**form, "api_key": key, "attribute[procedure_code]": "9.9"})
    assert r.status_code == 400 and "attribute[procedure_code]" in r.json()[0]["description"]
    ok = client.post("/open311/v2/requests.xml", {**form, "api_key": key})
    assert ok.status_code == 201 and ET.fromstring(ok.content).find("request/service_request_id").text
    assert Feedback.objects.filter(channel="open311").count() == 2
    # A revoked key is refused; what it posted stays.
    assert steering.revoke_open311_key(key[:8]) == 1
    assert client.post("/open311/v2/requests.json", {**form, "api_key": key}).status_code == 403
    assert Client().delete("/open311/v2/requests.json").status_code == 405


def test_post_rate_limit_per_key(settings):
    settings.MOTCUA_OPEN311_POST_LIMIT = 1
    key, _row = steering.create_open311_key("Ứng dụng thử")
    form = {"api_key": key, "service_code": "conduct", "description": "Cán bộ hẹn nhiều lần.",
            "first_name": "An", "last_name": "Nguyễn", "phone": "0912000111"}
    assert Client().post("/open311/v2/requests.json", form).status_code == 201
    r = Client().post("/open311/v2/requests.json", form)
    assert r.status_code == 429 and r.json()[0]["code"] == 429


def test_times_are_w3c_in_vietnam_time(items):
    open_item, _done, _refused = items
    row = get(f"/open311/v2/requests/{open_item.code}.json").json()[0]
    moment = datetime.fromisoformat(row["requested_datetime"])
    assert row["requested_datetime"].endswith("+07:00") and moment == open_item.submitted_at.astimezone(TZ)
