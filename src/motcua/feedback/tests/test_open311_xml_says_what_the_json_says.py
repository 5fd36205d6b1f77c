"""Issue 15 point 6: Open311's XML is built by a maintained library (lxml) and says, in the GeoReport v2 shape, exactly
what the JSON says: the same root and item elements (``services/service``, ``service_requests/request``,
``errors/error``, ``service_definition/attributes/attribute/values/value``, ``discovery/endpoints/endpoint/formats/
format``), the same values, ``true``/``false`` for booleans and empty elements for empty values."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from motcua.feedback.open311 import to_xml

from .factories import Flow, published, report, vn

pytestmark = pytest.mark.django_db
LISTS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def _from_xml(element: ET.Element):
    """The JSON value an element stands for under the GeoReport v2 conventions."""
    children = list(element)
    if element.tag in LISTS:
        return [_from_xml(c) if list(c) else (c.text or "") for c in children]
    if children:
        return {c.tag: _from_xml(c) for c in children}
    return element.text or ""


def _json_as_text(value):
    """JSON values as the XML carries them: text, booleans as true/false, null as empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return [_json_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_as_text(v) for k, v in value.items()}
    return str(value)


@pytest.fixture
def items():
    open_item = report(vn(2026, 3, 2, 9))
    done = published(vn(2026, 3, 3, 9), answer="Đã rút ngắn <thời gian> & chi phí.", lat="21.0285", long="105.8542")
    refused = report(vn(2026, 3, 4, 9), topic="regulation", regulation="Thông tư 01/2018/TT-VPCP")
    Flow(refused)("refuse", "desk_officer", vn(2026, 3, 4, 10), ground="complaint")
    return open_item, done


@pytest.mark.parametrize(("path", "root", "item"), [
    ("discovery", "discovery", None),
    ("services", "services", "service"),
    ("services/regulation", "service_definition", None),
    ("services/procedure", "service_definition", None),
    ("requests", "service_requests", "request"),
    ("requests?start_date=2026-03-01&end_date=2026-03-31", "service_requests", "request"),
    ("requests?status=pending", "errors", "error"),
])
def test_each_endpoint_answers_the_same_in_xml_and_json(items, path, root, item):
    base, _, query = path.partition("?")
    params = dict(p.split("=") for p in query.split("&")) if query else {}
    as_json = Client().get(f"/open311/v2/{base}.json", params)
    as_xml = Client().get(f"/open311/v2/{base}.xml", params)
    assert as_xml.status_code == as_json.status_code
    assert as_xml["Content-Type"] == "text/xml; charset=utf-8"
    assert as_xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    document = ET.fromstring(as_xml.content)
    assert document.tag == root
    expected = _json_as_text(as_json.json())
    if item is None:
        assert _from_xml(document) == expected
    else:
        assert [c.tag for c in document] == [item] * len(expected)
        assert [_from_xml(c) for c in document] == expected


def test_one_request_in_xml_carries_the_published_answer_escaped(items):
    _open, done = items
    body = Client().get(f"/open311/v2/requests/{done.code}.xml").content
    assert b"&lt;th\xe1\xbb\x9di gian&gt; &amp; chi ph\xc3\xad" in body
    assert ET.fromstring(body).find("request/status_notes").text.endswith("<thời gian> & chi phí.")


def test_characters_xml_cannot_carry_are_dropped_not_a_broken_document():
    body = to_xml([{"description": "a\x0bb\x1fc", "flag": False, "none": None}], "service_requests", "request")
    request = ET.fromstring(body).find("request")
    assert request.findtext("description") == "abc" and request.findtext("flag") == "false"
    assert request.find("none") is not None and request.find("none").text is None
