"""Issue 12 point 11: hostile input found by an attacker answered 500; each example must be a 4xx (a problem+json
document on the JSON API, the format's own error on Open311, a page on the HTML views), never a server error."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua.dossiers.tests.api_clients import client_for, user
from motcua.dossiers.tests.factories import procedure, submitted

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def leader():
    return client_for(user("province-leader", ("leader", "H01")))


@pytest.fixture
def supervisor():
    return client_for(user("province-supervisor", ("supervisor", "H01")))


@pytest.fixture
def officer_web():
    client = Client()
    client.force_login(user("desk-web", ("desk_officer", "H01.TTPVHCC")))
    return client


@pytest.fixture
def supervisor_web():
    client = Client()
    client.force_login(user("supervisor-web", ("supervisor", "H01")))
    return client


def _is_problem(response, status: int | tuple[int, ...]) -> None:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]


@pytest.mark.parametrize("query", ["due_to=9999-12-31", "due_from=0001-01-01", "due_from=2026-02-30",
                                   "received_to=9999-12-31", "received_from=0001-01-01"])
def test_dossier_list_answers_an_out_of_range_date_with_400(leader, query):
    _is_problem(leader.get(f"/api/v1/dossiers?{query}"), 400)


@pytest.mark.parametrize("query", ["start=2026-02-30&end=2026-03-01", "start=0001-01-01&end=9999-12-31",
                                   "start=2026-01-01&end=9999-12-31"])
def test_feedback_figures_answer_an_impossible_date_with_400(supervisor, query):
    _is_problem(supervisor.get(f"/api/v1/feedback/figures?{query}"), 400)


def test_feedback_pages_answer_a_huge_page_number_with_400_or_a_page():
    response = Client().get("/api/v1/feedback/?page=1e40")
    assert response.status_code in (200, 400), response.content[:300]


@pytest.mark.parametrize("query", ["offset=1e40", "offset=10000000000000000000000000000000000000000",
                                   "limit=1e40", "procedure=99999999999999999999999"])
def test_oversight_drill_answers_a_huge_number_with_400(supervisor, query):
    base = "/api/v1/oversight/index/dossiers?period=2026-10&level=province&code=01&indicator=2.1"
    response = supervisor.get(f"{base}&{query}")
    assert response.status_code in (200, 400), response.content[:300]


@pytest.mark.parametrize("query", ["page=1e40", "page=10000000000000000000000000000000000000000", "page_size=1e40"])
def test_catalog_pages_answer_a_huge_number_with_400(query):
    response = Client().get(f"/api/v1/procedures?{query}")
    assert response.status_code in (200, 400, 404), response.content[:300]


def test_a_superscript_digit_in_if_match_is_a_412_not_a_500(leader):
    procedure()
    dossier = submitted()
    receiver = client_for(user("desk-api", ("desk_officer", "H01.TTPVHCC")))
    response = receiver.post(f"/api/v1/dossiers/{dossier.code}/actions/receive", {}, format="json",
                             HTTP_IF_MATCH='"²"')
    _is_problem(response, (400, 412))


NESTED = "[" * 100_000


@pytest.mark.parametrize("path", ["/api/v1/dossiers", "/api/v1/exchange/messages", "/api/v1/feedback/"])
def test_deeply_nested_json_is_a_400(leader, path):
    _is_problem(leader.post(path, NESTED, content_type="application/json"), 400)


def test_deeply_nested_json_to_the_unauthenticated_exchange_endpoint_is_a_400():
    _is_problem(Client().post("/api/v1/exchange/messages", NESTED, content_type="application/json"), 400)


def test_a_json_body_over_the_upload_limit_is_a_413(leader):
    body = json.dumps({"x": "a" * (3 * 1024 * 1024)})
    _is_problem(leader.post("/api/v1/dossiers", body, content_type="application/json"), 413)


def test_multipart_with_more_than_a_thousand_fields_is_a_400(leader):
    data = {f"f{i}": "x" for i in range(1_200)}
    _is_problem(leader.post("/api/v1/feedback/", data, format="multipart"), 400)


def test_monthly_report_with_a_garbled_scope_is_a_4xx_page(supervisor_web):
    response = supervisor_web.get("/bao-cao/?scope=province:²&download=1")
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=0001-01-01&to=9999-12-31"])
def test_tracking_register_with_extreme_dates_is_not_a_500(officer_web, query):
    response = officer_web.get(f"/can-bo/so-theo-doi/?{query}")
    assert response.status_code < 500, response.status_code


def test_an_oversized_open311_body_is_an_open311_error_not_an_html_page():
    response = Client().post("/open311/v2/requests.json", {"api_key": "k", "description": "a" * (3 * 1024 * 1024)})
    assert response.status_code in (400, 413), response.status_code
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert json.loads(response.content)[0]["code"] == response.status_code


@pytest.mark.parametrize("path", ["/thu-tuc/?q=a%00b", "/api/v1/procedures?q=a%00b", "/ho-so/tra-cuu/?code=%00"])
def test_a_nul_character_in_the_query_string_is_a_400(path):
    """PostgreSQL refuses NUL in text: before this, the first filter using the value answered 500 there."""
    response = Client().get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith(PROBLEM)
