"""/healthz, /readyz, /metrics and request ids (issue 13 point 5)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from motcua.core.observability import RequestIdFilter, current_request_id, set_request_id


def test_healthz_answers_without_touching_the_database(client):
    answer = client.get("/healthz")  # no django_db mark: a query would raise
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_lists_each_dependency_and_is_ready_in_the_embedded_default(client):
    answer = client.get("/readyz")
    body = answer.json()
    assert answer.status_code == 200, body
    assert set(body["checks"]) == {"database", "migrations", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"].startswith("inline")


@pytest.mark.django_db
def test_readyz_is_503_and_names_the_broker_when_it_does_not_answer(client, settings):
    settings.MOTCUA_BROKER_URL = "redis://127.0.0.1:1/0"
    answer = client.get("/readyz")
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["broker"]["ok"] is False and checks["broker"]["detail"]
    assert checks["database"]["ok"] is True


@pytest.mark.django_db
def test_metrics_are_refused_to_an_address_outside_the_allow_list_without_the_token(client, settings):
    settings.MOTCUA_METRICS_ALLOW = ["10.0.0.0/8"]
    settings.MOTCUA_METRICS_TOKEN = "bi-mat-cua-prometheus"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7",
                      HTTP_AUTHORIZATION="Bearer doan-bua").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7",
                      HTTP_AUTHORIZATION="Bearer bi-mat-cua-prometheus").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


@pytest.mark.django_db
def test_metrics_give_request_latency_by_route_jobs_by_state_and_overdue_counts(client):
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert 'motcua_http_request_duration_seconds_count{method="GET",route="healthz",status="2xx"}' in text
    for name in ('motcua_jobs{state="pending"}', "motcua_jobs_oldest_pending_age_seconds",
                 'motcua_overdue{kind="dossier"}', 'motcua_overdue{kind="feedback"}'):
        assert name in text


def test_a_request_id_is_taken_from_the_header_or_generated_and_returned(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123").headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    unsafe = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\n").headers["X-Request-ID"]
    assert unsafe != "<script>\n" and len(unsafe) == 32


def test_json_log_lines_carry_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s"))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("motcua.test.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = set_request_id("yeu-cau-42")
    try:
        logger.warning("Đã nhận hồ sơ")
    finally:
        from motcua.core.observability import reset_request_id

        reset_request_id(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "yeu-cau-42" and line["message"] == "Đã nhận hồ sơ"
    assert current_request_id() == ""


@pytest.mark.django_db
def test_a_submitted_dossier_is_counted_once_its_transaction_commits(django_capture_on_commit_callbacks):
    from prometheus_client import REGISTRY

    from motcua.dossiers.tests.factories import procedure, submitted

    procedure()
    before = REGISTRY.get_sample_value("motcua_dossiers_submitted_total", {"channel": "online"}) or 0.0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted()
    assert (REGISTRY.get_sample_value("motcua_dossiers_submitted_total", {"channel": "online"}) or 0.0) == before
    for callback in callbacks:
        callback()
    assert REGISTRY.get_sample_value("motcua_dossiers_submitted_total", {"channel": "online"}) == before + 1
