"""Request ids, JSON-ready log records and Prometheus metrics (issue 13 point 5).

- **Request id**: taken from ``X-Request-ID`` (when it is a short safe token) or generated, returned in the response
  header, put on every log record (:class:`RequestIdFilter`), sent with registry calls and carried into background
  jobs (inline jobs run in the request's context; Celery tasks get it as a message header).
- **Metrics** (prometheus-client): request latency by route name, dossiers submitted, registry call latency and
  failures are counted where they happen; jobs by state and age of the oldest, and overdue counts are read from the
  database when ``/metrics`` is scraped (:class:`DatabaseCollector`). With ``PROMETHEUS_MULTIPROC_DIR`` set (several
  gunicorn workers), the counters of every process are aggregated by prometheus-client's multi-process collector.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("motcua_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

REQUEST_LATENCY = Histogram(
    "motcua_http_request_duration_seconds", "Time to answer a request, by route name, method and status class.",
    ["route", "method", "status"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
DOSSIERS_SUBMITTED = Counter("motcua_dossiers_submitted_total", "Dossiers submitted (committed), by channel.",
                             ["channel"])
REGISTRY_LATENCY = Histogram("motcua_registry_call_duration_seconds", "Registry lookups over HTTP, by registry.",
                             ["registry"], buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10))
REGISTRY_FAILURES = Counter("motcua_registry_call_failures_total",
                            "Registry lookups that failed (timeout, 5xx, no connection, circuit open), by registry.",
                            ["registry", "code"])
JOBS_RUN = Counter("motcua_jobs_run_total", "Background jobs run, by kind and outcome.", ["kind", "outcome"])


def current_request_id() -> str:
    """The id of the request (or job) being handled, or ``""``."""
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token:
    """Make ``value`` (or a new id) the current request id; returns the token to reset it."""
    return _request_id.set(value if value and _SAFE_ID.match(value) else uuid.uuid4().hex)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every log record (empty outside a request or job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = _request_id.get()
        return True


class RequestIdMetricsMiddleware:
    """First middleware: sets the request id and measures the request's latency by route name."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_id(request.headers.get("X-Request-ID"))
        request.request_id = _request_id.get()
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name or match.route) if match is not None else "unmatched"
        REQUEST_LATENCY.labels(route, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started)
        response["X-Request-ID"] = request.request_id
        return response


def dossier_submitted(channel: str) -> None:
    """Count a submission once its transaction commits."""
    from django.db import transaction

    transaction.on_commit(lambda: DOSSIERS_SUBMITTED.labels(channel).inc())


class DatabaseCollector:
    """Figures read from the database at scrape time: jobs by state, the age of the oldest pending job, overdue
    dossiers (open past their due time) and overdue PAKN items."""

    def collect(self) -> Iterator[Any]:
        from django.db.models import Count, Min
        from django.utils import timezone

        from motcua.core.models import Job, JobStatus

        now = timezone.now()
        jobs = GaugeMetricFamily("motcua_jobs", "Background jobs in the outbox, by state.", labels=["state"])
        counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        for state in JobStatus.values:
            jobs.add_metric([state], counts.get(state, 0))
        yield jobs
        oldest = Job.objects.filter(status=JobStatus.PENDING).aggregate(at=Min("created_at"))["at"]
        age = GaugeMetricFamily("motcua_jobs_oldest_pending_age_seconds",
                                "Age of the oldest pending job (0 when none).")
        age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
        yield age
        overdue = GaugeMetricFamily("motcua_overdue", "Items open past their due time, by kind.", labels=["kind"])
        for kind, count in _overdue_counts(now).items():
            overdue.add_metric([kind], count)
        yield overdue


# Counts of items open past their due time, by kind, registered by the packages that own them (dossiers, feedback)
# in their AppConfig.ready: core knows no domain table (docs/architecture.md, layers).
_OVERDUE_COUNTERS: dict[str, Callable[[Any], int]] = {}


def register_overdue_count(kind: str, count: Callable[[Any], int]) -> None:
    """Add the ``motcua_overdue{kind=...}`` figure: ``count(now)`` gives how many items are open past their due time."""
    _OVERDUE_COUNTERS[kind] = count


def _overdue_counts(now) -> dict[str, int]:
    """Every registered kind's count of items open past their due time."""
    return {kind: count(now) for kind, count in _OVERDUE_COUNTERS.items()}
