"""``/healthz`` (the process answers), ``/readyz`` (its dependencies answer) and ``/metrics`` (Prometheus).

``/readyz`` answers 200 when every check passes and 503 otherwise, with JSON naming each check: ``database`` (a
query), ``migrations`` (none left to apply), ``cache`` (a write and read of the shared cache), ``broker`` (a
connection to ``MOTCUA_BROKER_URL``; "inline" when there is none), ``storage`` (the document store answers). A
reverse proxy or orchestrator sends traffic only to ready servers.

``/metrics`` is allowed to clients whose address is in ``MOTCUA_METRICS_ALLOW`` (addresses or networks; default the
loopback) or that send ``Authorization: Bearer <MOTCUA_METRICS_TOKEN>``; others get 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.clientip import client_ip

_migrations_done = False


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _check_migrations() -> str:
    global _migrations_done
    if _migrations_done:  # once applied, they stay applied for this process's code
        return "applied"
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migration(s) not applied")
    _migrations_done = True
    return "applied"


def _check_cache() -> str:
    from django.core.cache import cache

    key, value = "readyz:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the value written was not read back")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _check_broker() -> str:
    url = settings.MOTCUA_BROKER_URL
    if not url:
        return "inline (no broker configured)"
    from kombu import Connection

    with Connection(url, connect_timeout=2, transport_options={"socket_timeout": 2}) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.as_uri().split(":", 1)[0]


def _check_storage() -> str:
    from django.core.files.storage import default_storage

    default_storage.exists("readyz-probe")  # a HEAD request on S3, a stat locally
    return type(default_storage).__name__


CHECKS: dict[str, Callable[[], str]] = {
    "database": _check_database,
    "migrations": _check_migrations,
    "cache": _check_cache,
    "broker": _check_broker,
    "storage": _check_storage,
}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # any failure of a dependency is reported, never raised
            detail, ok = f"{type(exc).__name__}: {exc}"[:300], False
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}
    ready = all(r["ok"] for r in results.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": results}, status=200 if ready else 503)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.MOTCUA_METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    # The client by the one trusted-proxy rule: behind a proxy on this machine, REMOTE_ADDR is loopback for everyone.
    try:
        client = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    for allowed in settings.MOTCUA_METRICS_ALLOW:
        try:
            if client in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

    from .observability import DatabaseCollector

    if not _metrics_allowed(request):
        detail = "Địa chỉ này không được đọc /metrics (MOTCUA_METRICS_ALLOW, MOTCUA_METRICS_TOKEN)."
        return JsonResponse({"type": "about:blank", "title": "Không được phép", "status": 403, "detail": detail},
                            status=403, content_type="application/problem+json")
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    figures = CollectorRegistry()
    figures.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry) + generate_latest(figures), content_type=CONTENT_TYPE_LATEST)
