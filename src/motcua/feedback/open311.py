"""Open311 GeoReport v2 over PAKN (issue 5 point 4), mounted at ``/open311/v2/``.

Specification: http://wiki.open311.org/GeoReport_v2. Every endpoint answers JSON (``.json``) or XML (``.xml``) as the
specification shows; errors are the specification's error list (``[{"code": 400, "description": "…"}]`` /
``<errors><error><code>…</code><description>…</description></error></errors>``) with the same HTTP status.

- ``discovery``: the endpoint, formats and contact.
- ``services``: the PAKN categories (topics: regulation, procedure, officer's conduct); ``metadata`` is true and
  ``services/<code>`` lists the attributes a request takes (report or proposal, the procedure code, the regulation,
  the proposal, …).
- ``requests`` GET: filters ``service_request_id`` (comma list, overrides the others), ``service_code`` (comma list),
  ``start_date`` / ``end_date`` (W3C datetimes, at most 90 days apart; default the last 90 days), ``status``
  (``open``, ``closed``, comma list); newest first. Extension: ``page`` and ``page_size`` (default 100, at most 1000).
- ``requests`` POST: needs ``api_key`` (``motcua steering open311-key NAME``); ``service_code``, ``description``,
  the submitter's ``first_name``/``last_name`` and a contact (``email`` or ``phone``: Decree 20/2008 asks for name
  and contact), optional ``lat``/``long``/``address_string`` (a PAKN rarely concerns a place, so location is
  optional here, unlike the specification's default) and ``attribute[…]`` values. Answers
  ``[{"service_request_id": …, "service_notice": …, "account_id": null}]`` with 201.
- ``requests/<id>``: one request, in a list as the specification shows.

Status: ``open`` until the answer is published or the item is refused, then ``closed``; ``status_notes`` says where it
stands in Vietnamese (and gives the published answer). ``expected_datetime`` is the next legal due time (answer ≤ 15
working days, publication ≤ 2 after the answer; domain.md §5).

Privacy: nothing personal ever leaves: rows are read with an explicit column list that has no ``submitter_*``
column. The question's text (the officer-reviewed public version, personal data removed) and the coordinates
(rounded to about 1 km) are shown only once the answer is published; the address text a citizen typed is never
shown. Before publication a request shows its category, agency, dates and status.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from motcua.core.badinput import refusal
from motcua.core.calendar import TZ
from motcua.core.ratelimit import Limit

from .models import Channel, Feedback, Kind, RefusalGround, Topic
from .transitions import STATE_LABELS, TERMINAL_STATES, Role, State

logger = logging.getLogger(__name__)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_SPAN = timedelta(days=90)
MAX_IDS = 100
CLOSED_STATES = [s.value for s in TERMINAL_STATES]
# What a row may carry out of the database: no submitter_* column, ever.
COLUMNS = ("id", "code", "topic", "state", "agency__name", "public_title", "public_content", "answer",
           "published_at", "submitted_at", "updated_at", "answer_due_at", "publish_due_at", "decision_due_at",
           "refusal_ground", "lat", "long", "location")

SERVICE_DESCRIPTIONS = {
    Topic.REGULATION: "Phản ánh, kiến nghị về quy định hành chính (nội dung, tính hợp lý, hợp pháp của quy định).",
    Topic.PROCEDURE: "Phản ánh, kiến nghị về thủ tục hành chính trong danh mục (mã thủ tục) và việc thực hiện.",
    Topic.CONDUCT: "Phản ánh về hành vi, thái độ của cán bộ, công chức khi giải quyết thủ tục hành chính.",
}
SERVICE_KEYWORDS = {
    Topic.REGULATION: "quy định, văn bản, pháp luật",
    Topic.PROCEDURE: "thủ tục hành chính, hồ sơ, dịch vụ công",
    Topic.CONDUCT: "cán bộ, công chức, thái độ, nhũng nhiễu",
}


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


# Rendering --------------------------------------------------------------------------------------------------------


_XML_ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}
# Characters XML 1.0 cannot carry (C0 controls other than tab and line breaks, surrogates, U+FFFE/U+FFFF): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _xml_element(parent: etree._Element, name: str, value: Any) -> None:
    """``<name>…</name>`` under ``parent``: lists become their item elements (``_XML_ITEMS``), dicts nest, ``None``
    and ``""`` are empty elements."""
    element = etree.SubElement(parent, name)
    if value is None or value == "":
        return
    if isinstance(value, list):
        item = _XML_ITEMS[name]
        for v in value:
            if isinstance(v, dict):
                _xml_element(element, item, v)
            else:
                etree.SubElement(element, item).text = _xml_text(v)
    elif isinstance(value, dict):
        for key, v in value.items():
            _xml_element(element, key, v)
    else:
        element.text = _xml_text(value)


def to_xml(data: Any, root: str, item: str | None = None) -> bytes:
    """``data`` (a list of dicts, or one dict) as an XML document under ``<root>`` (one ``<item>`` per entry), built
    with lxml (escaping and well-formedness are the library's)."""
    tree = etree.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_element(tree, item or "item", entry)
    else:
        for key, value in data.items():
            _xml_element(tree, key, value)
    return _XML_DECLARATION + etree.tostring(tree, encoding="utf-8", xml_declaration=False)


def render(data: Any, fmt: str, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    """``data`` (a list of dicts, or one dict) as JSON, or as XML under ``<root>`` (with ``<item>`` per entry)."""
    if fmt == "xml":
        body: bytes | str = to_xml(data, root, item)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=FORMATS[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(fmt: str, code: int, description: str) -> HttpResponse:
    return render([{"code": code, "description": description}], fmt if fmt in FORMATS else "json", "errors", "error",
                  status=code)


VN_OFFSET = dt_timezone(timedelta(hours=7), "+07:00")  # Vietnam: UTC+7 all year, no daylight saving since 1975


def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_OFFSET).isoformat(timespec="seconds") if moment else None


def _open311_view(methods: tuple[str, ...]):
    """Wrap a view: allowed methods, the jurisdiction, errors in the specification's format."""

    def wrap(func):
        @csrf_exempt  # clients authenticate with api_key, not a session cookie
        def view(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error(fmt, 405, f"Phương thức {request.method} không được hỗ trợ.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                params = request.POST if request.method == "POST" else request.GET
                jurisdiction = params.get("jurisdiction_id", "")
                if jurisdiction and jurisdiction != jurisdiction_id():
                    return error(fmt, 404, f"Không có jurisdiction_id {jurisdiction!r}; dùng {jurisdiction_id()!r}.")
                return func(request, fmt, **kwargs)
            except (SuspiciousOperation, RecursionError) as exc:  # a body too large, too many fields
                status, _title, _detail = refusal(exc) or (400, "", "")
                return error(fmt, status, "Dữ liệu gửi lên quá lớn." if status == 413 else
                             "Không đọc được dữ liệu gửi lên (quá nhiều trường hoặc sai định dạng).")
            except Open311Error as exc:
                return error(fmt, exc.code, exc.description)
            except Exception:  # never an HTML stack trace: the specification's error format, logged
                logger.exception("Open311 %s failed", request.path)
                return error(fmt, 500, "Lỗi máy chủ; thử lại sau.")

        view.__name__ = func.__name__
        view.__doc__ = func.__doc__
        return view

    return wrap


def jurisdiction_id() -> str:
    return settings.MOTCUA_OPEN311_JURISDICTION


# Discovery and services -------------------------------------------------------------------------------------------


@_open311_view(("GET",))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the endpoint is and what it speaks (GeoReport v2 Service Discovery)."""
    changeset = settings.MOTCUA_OPEN311_CHANGESET
    data = {
        "changeset": changeset,
        "contact": settings.MOTCUA_OPEN311_CONTACT,
        "key_service": "API key: liên hệ cơ quan quản lý hệ thống (motcua steering open311-key).",
        "endpoints": [{"specification": SPECIFICATION, "url": request.build_absolute_uri("/open311/v2"),
                       "changeset": changeset, "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }
    return render(data, fmt, "discovery")


def _service(topic: Topic) -> dict:
    return {"service_code": topic.value, "service_name": str(topic.label), "description": SERVICE_DESCRIPTIONS[topic],
            "metadata": True, "type": "realtime", "keywords": SERVICE_KEYWORDS[topic],
            "group": "Phản ánh, kiến nghị"}


@_open311_view(("GET",))
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """The PAKN categories."""
    return render([_service(t) for t in Topic], fmt, "services", "service")


def _attributes(topic: Topic) -> list[dict]:
    attrs = [
        {"variable": True, "code": "kind", "datatype": "singlevaluelist", "required": True,
         "datatype_description": "Phản ánh hoặc kiến nghị (kiến nghị kèm đề xuất giải pháp).", "order": 1,
         "description": "Loại", "values": [{"key": k.value, "name": str(k.label)} for k in Kind]},
        {"variable": True, "code": "title", "datatype": "string", "required": False,
         "datatype_description": "Tối đa 255 ký tự; mặc định là phần đầu của description.", "order": 2,
         "description": "Tiêu đề"},
        {"variable": True, "code": "proposal", "datatype": "text", "required": False,
         "datatype_description": "Bắt buộc khi loại là kiến nghị.", "order": 3,
         "description": "Đề xuất giải pháp"},
    ]
    if topic == Topic.PROCEDURE:
        attrs.append({"variable": True, "code": "procedure_code", "datatype": "string", "required": True,
                      "datatype_description": "Mã thủ tục trong danh mục, ví dụ 1.000893.", "order": 4,
                      "description": "Mã thủ tục hành chính"})
    if topic == Topic.REGULATION:
        attrs.append({"variable": True, "code": "regulation", "datatype": "string", "required": True,
                      "datatype_description": "Tên, số hiệu văn bản.", "order": 4,
                      "description": "Quy định hành chính được phản ánh"})
    if topic == Topic.CONDUCT:
        attrs.append({"variable": True, "code": "officer_name", "datatype": "string", "required": False,
                      "datatype_description": "Họ tên hoặc chức vụ của cán bộ (nếu biết).", "order": 4,
                      "description": "Cán bộ được phản ánh"})
    attrs.append({"variable": True, "code": "agency_code", "datatype": "string", "required": False,
                  "datatype_description": "Mã cơ quan tiếp nhận (ví dụ H01, BTP); mặc định theo thủ tục.",
                  "order": 5, "description": "Cơ quan tiếp nhận"})
    return attrs


@_open311_view(("GET",))
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    """The attributes a request of this category takes."""
    if code not in Topic.values:
        raise Open311Error(404, f"Không có service_code {code!r}; dùng {', '.join(Topic.values)}.")
    return render({"service_code": code, "attributes": _attributes(Topic(code))}, fmt, "service_definition")


# Requests ---------------------------------------------------------------------------------------------------------


def _expected(row: dict) -> datetime | None:
    if row["state"] in CLOSED_STATES:
        return None
    if row["state"] == State.AWAITING_PUBLICATION:
        return row["publish_due_at"]
    return row["answer_due_at"] or row["decision_due_at"]


# Coordinates are rounded to 0.01° (about 1 km): enough for a map of where problems are, too coarse to point at a
# home (a place typed or sent by a citizen may be where they live).
COORDINATE_DECIMALS = 2


def _coordinate(value: Decimal | None) -> float | None:
    return round(float(value), COORDINATE_DECIMALS) if value is not None else None


class _Labels:
    """The Vietnamese labels of topics, states and refusal grounds, resolved once per response (not per row)."""

    def __init__(self) -> None:
        self.topics = {t.value: str(t.label) for t in Topic}
        self.states = {str(k): str(v) for k, v in STATE_LABELS.items()}
        self.grounds = {g.value: str(g.label) for g in RefusalGround}

    def notes(self, row: dict) -> str:
        state = row["state"]
        label = self.states.get(state, state)
        if state == State.PUBLISHED:
            return f"{label}. Trả lời: {row['answer']}"
        if state == State.REFUSED and row["refusal_ground"]:
            return f"{label}: {self.grounds.get(row['refusal_ground'], row['refusal_ground'])}."
        return f"{label}."


def request_entry(row: dict, labels: _Labels | None = None) -> dict:
    """One request in the specification's fields, from a row of :data:`COLUMNS`."""
    labels = labels or _Labels()
    published = row["published_at"] is not None
    description = ""
    if published:
        description = row["public_title"]
        if row["public_content"]:
            description += "\n\n" + row["public_content"]
    return {
        "service_request_id": row["code"],
        "status": "closed" if row["state"] in CLOSED_STATES else "open",
        "status_notes": labels.notes(row),
        "service_name": labels.topics.get(row["topic"], row["topic"]),
        "service_code": row["topic"],
        "description": description,
        "agency_responsible": row["agency__name"],
        "service_notice": "",
        "requested_datetime": _w3c(row["submitted_at"]),
        "updated_datetime": _w3c(row["updated_at"]),
        "expected_datetime": _w3c(_expected(row)),
        "address": "",  # free text written by the citizen, not reviewed for publication: never shown
        "address_id": "",
        "zipcode": "",
        "lat": _coordinate(row["lat"]) if published else None,
        "long": _coordinate(row["long"]) if published else None,
        "media_url": "",
    }


def _w3c_param(params, name: str) -> datetime | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text.replace(" ", "+")) if "T" in text else None
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, datetime.min.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, f"{name} không hợp lệ: dùng định dạng W3C, ví dụ 2026-11-01T00:00:00Z.")
    return moment if moment.tzinfo else moment.replace(tzinfo=TZ)


def _int_param(params, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise Open311Error(400, f"{name} phải là số nguyên.") from None
    if not low <= value <= high:
        raise Open311Error(400, f"{name} phải từ {low} đến {high}.")
    return value


def _list_param(params, name: str) -> list[str]:
    return [v.strip() for v in ",".join(params.getlist(name)).split(",") if v.strip()]


def query_requests(params, now: datetime | None = None) -> list[dict]:
    """The requests a GET asks for (see the module docstring), as specification entries."""
    ids = _list_param(params, "service_request_id")
    qs = Feedback.objects.all()
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(400, f"Tối đa {MAX_IDS} service_request_id một lần.")
        rows = {r["code"]: r for r in qs.filter(code__in=ids).values(*COLUMNS)}
        labels = _Labels()
        return [request_entry(rows[i], labels) for i in dict.fromkeys(ids) if i in rows]
    codes = _list_param(params, "service_code")
    unknown = [c for c in codes if c not in Topic.values]
    if unknown:
        raise Open311Error(400, f"service_code không có: {', '.join(unknown)} (dùng {', '.join(Topic.values)}).")
    statuses = set(_list_param(params, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status chỉ nhận open, closed.")
    start, end = _w3c_param(params, "start_date"), _w3c_param(params, "end_date")
    now = now or timezone.now()
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = min(start + MAX_SPAN, max(now, start))
    if end < start:
        raise Open311Error(400, "end_date phải sau start_date.")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "Khoảng start_date – end_date không quá 90 ngày.")
    page_size = _int_param(params, "page_size", settings.MOTCUA_OPEN311_PAGE_SIZE, 1, 1000)
    page = _int_param(params, "page", 1, 1, 100000)
    qs = qs.filter(submitted_at__gte=start, submitted_at__lte=end)
    if codes:
        qs = qs.filter(topic__in=codes)
    if statuses == {"open"}:
        qs = qs.exclude(state__in=CLOSED_STATES)
    elif statuses == {"closed"}:
        qs = qs.filter(state__in=CLOSED_STATES)
    offset = (page - 1) * page_size
    rows = qs.order_by("-submitted_at", "-id").values(*COLUMNS)[offset:offset + page_size]
    labels = _Labels()
    return [request_entry(r, labels) for r in rows]


def _no_client(key: str) -> Any:
    return None


def _touch_nothing(client: Any) -> None:
    return None


# The API keys of Open311 clients live in the steering app, above feedback (docs/architecture.md, layers): it
# registers how a key finds its client (``.agency`` is its default receiving agency) and how a use is recorded.
_find_client: Callable[[str], Any] = _no_client
_client_used: Callable[[Any], None] = _touch_nothing


def register_client_keys(find: Callable[[str], Any], used: Callable[[Any], None]) -> None:
    """Set how an ``api_key`` finds its active client (or None) and how a post by that client is recorded."""
    global _find_client, _client_used
    _find_client, _client_used = find, used


def _client(key: str):
    if not key:
        return None
    return _find_client(key)


def _limited(request: HttpRequest, client) -> bool:
    """Posts per key per hour (``MOTCUA_OPEN311_POST_LIMIT``, default 600); counts this post when allowed."""
    limit = Limit("open311-post", settings.MOTCUA_OPEN311_POST_LIMIT, 3600)
    return not limit.take(request, client=False, extra=[f"key:{client.key_hash[:16]}"])


# Submission fields → the request parameters a client sent (for error messages in the client's own words).
PARAM_NAMES = {"content": "description", "title": "attribute[title]", "name": "first_name", "phone": "phone",
               "email": "email", "location": "address_string", "lat": "lat", "long": "long", "kind": "attribute[kind]",
               "topic": "service_code", "proposal": "attribute[proposal]",
               "procedure_code": "attribute[procedure_code]", "regulation": "attribute[regulation]",
               "officer_name": "attribute[officer_name]", "agency_code": "attribute[agency_code]"}


def create_request(params, client) -> dict:
    """Submit a PAKN through :func:`motcua.feedback.services.submit` (channel ``open311``)."""
    from . import services as feedback_services

    def attr(name: str) -> str:
        return (params.get(f"attribute[{name}]") or "").strip()

    code = (params.get("service_code") or "").strip()
    if code not in Topic.values:
        raise Open311Error(400, f"service_code bắt buộc, một trong: {', '.join(Topic.values)}.")
    description = (params.get("description") or "").strip()
    name = " ".join(p for p in ((params.get("last_name") or "").strip(), (params.get("first_name") or "").strip())
                    if p)
    title = attr("title") or description.split("\n", 1)[0][:120]
    data = {"kind": attr("kind") or Kind.REPORT, "topic": code, "title": title, "content": description,
            "proposal": attr("proposal"), "procedure_code": attr("procedure_code"), "regulation": attr("regulation"),
            "officer_name": attr("officer_name"),
            "agency_code": attr("agency_code") or (client.agency.code if client.agency_id else ""),
            "location": (params.get("address_string") or "").strip(), "lat": params.get("lat"),
            "long": params.get("long"), "name": name, "phone": (params.get("phone") or "").strip(),
            "email": (params.get("email") or "").strip()}
    try:
        item = feedback_services.submit(data, role=Role.APPLICANT, channel=Channel.OPEN311)
    except feedback_services.InvalidFeedback as exc:
        errors = getattr(exc, "errors", {}) or {}
        raise Open311Error(400, "; ".join(f"{PARAM_NAMES.get(k, k)}: {v}" for k, v in errors.items())
                           or str(exc)) from None
    return {"service_request_id": item.code,
            "service_notice": f"Đã tiếp nhận. Tra cứu bằng mã {item.code} tại /phan-anh-kien-nghi/.",
            "account_id": None}


@_open311_view(("GET", "POST"))
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: find requests; POST: create one (needs ``api_key``)."""
    if request.method == "POST":
        client = _client((request.POST.get("api_key") or "").strip())
        if client is None:
            raise Open311Error(403, "api_key thiếu hoặc không hợp lệ.")
        if _limited(request, client):
            raise Open311Error(429, "Quá số lượng yêu cầu cho phép trong một giờ; thử lại sau.")
        entry = create_request(request.POST, client)
        _client_used(client)
        return render([entry], fmt, "service_requests", "request", status=201)
    return render(query_requests(request.GET), fmt, "service_requests", "request")


@_open311_view(("GET",))
def request_detail(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    """One request (a list of one, as the specification shows)."""
    row = Feedback.objects.filter(code=code).values(*COLUMNS).first()
    if row is None:
        raise Open311Error(404, f"Không có yêu cầu {code!r}.")
    return render([request_entry(row)], fmt, "service_requests", "request")


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    fmt = "xml" if path.endswith(".xml") else "json"
    return error(fmt, 404, "Không có tài nguyên này; xem /open311/v2/discovery.json.")
