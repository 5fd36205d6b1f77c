"""Figures for supervision (issue 4 point 10): registry latency and failure rates per agency and period from the
access log, with the shares of prefilled fields and replaced/reused documents from the data store."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from motcua.exchange import queries, services

from .factories import AGENCY, AN, officer

pytestmark = pytest.mark.django_db


def _record(outcome, latency, agency=AGENCY, registry="population", at=None):
    return services.LogRecord(registry=registry, subject=AN, attributes=["full_name"], role="specialist",
                              purpose="Thẩm định", outcome=outcome, agency_code=agency, latency_ms=latency,
                              at=at or timezone.now())


def test_latency_and_failure_rates_per_agency_and_period():
    now = timezone.now()
    records = [_record("allowed", float(ms)) for ms in range(1, 21)]  # 1..20 ms
    records += [_record("unavailable", 2000.0), _record("unavailable", 2000.0), _record("refused", None),
                _record("not_found", 5.0)]
    records += [_record("allowed", 3.0, agency="H01.X00070"), _record("allowed", 3.0, agency="BTP")]
    records += [_record("allowed", 1.0, at=now - timedelta(days=40))]  # outside the period
    records += [_record("allowed", 7.0, registry="residence")]
    services.append_log(records)
    start, end = now - timedelta(days=1), now + timedelta(days=1)
    figures = queries.exchange_figures(start, end, AGENCY)
    population = figures["registries"]["population"]
    assert (population["attempts"], population["calls"], population["failures"], population["refused"]) == (
        24, 23, 2, 1)
    assert population["failure_rate"] == round(2 / 23, 4)
    # 23 calls reached it: 1–20 ms, 5 ms (not found), 2,000 ms twice (timeouts).
    assert population["latency_ms_p50"] == 11.0 and population["latency_ms_p95"] == 2000.0
    assert figures["registries"]["residence"]["calls"] == 1
    assert figures["registry_failure_rate"] == round(2 / 24, 4)
    # An agency covers the agencies below it; all agencies when none is given.
    assert queries.exchange_figures(start, end, "H01")["registries"]["population"]["attempts"] == 25
    assert queries.exchange_figures(start, end)["registries"]["population"]["attempts"] == 26
    assert "prefilled_field_share" in figures and "documents_replaced_or_reused_share" in figures


def test_figures_api_is_for_supervisors_of_the_agency():
    services.append_log([_record("allowed", 4.0)])
    day = timezone.localdate()
    params = {"agency": AGENCY, "start": (day - timedelta(days=1)).isoformat(),
              "end": (day + timedelta(days=1)).isoformat()}
    supervisor = Client()
    supervisor.force_login(officer("sup-h01", "supervisor", "H01"))
    response = supervisor.get("/api/v1/registries/figures", params)
    assert response.status_code == 200, response.content
    assert response.json()["registries"]["population"]["calls"] == 1
    desk = Client()
    desk.force_login(officer("desk-h01", "desk_officer"))
    assert desk.get("/api/v1/registries/figures", params).status_code == 403
    assert supervisor.get("/api/v1/registries/figures", {**params, "agency": "BTP"}).status_code == 403
    bad = supervisor.get("/api/v1/registries/figures", {**params, "start": "2026-13-01"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["detail"]
