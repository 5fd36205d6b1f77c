"""Registry calls are measured and traced (issue 13 point 5): each lookup's latency and each failure, by registry,
in the Prometheus metrics; the request id travels to the registry in ``X-Request-ID``."""

from __future__ import annotations

import contextlib
import json
import threading

import pytest
from prometheus_client import REGISTRY

from motcua.core.observability import reset_request_id, set_request_id
from motcua.exchange import registries
from motcua.exchange.errors import RegistryUnavailable
from motcua.exchange.registries.http import HttpRegistry

SPECS = registries.SPECS
seen_headers: list[dict] = []


def _app(status: int):
    def app(environ, start_response):
        seen_headers.append({k: v for k, v in environ.items() if k.startswith("HTTP_")})
        body = json.dumps({"values": {"full_name": "Nguyễn Văn An"}} if status == 200 else {"title": "lỗi"}).encode()
        start_response(f"{status} X", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


@pytest.fixture
def server():
    from waitress.server import create_server

    started = []

    def start(status: int) -> str:
        srv = create_server(_app(status), host="127.0.0.1", port=0, threads=2)

        def run() -> None:
            with contextlib.suppress(OSError):
                srv.run()

        threading.Thread(target=run, daemon=True).start()
        started.append(srv)
        return f"http://127.0.0.1:{srv.effective_port}"

    seen_headers.clear()
    yield start
    for srv in started:
        srv.close()


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_lookup_is_timed_and_carries_the_request_id(server):
    url = server(200)
    before = _value("motcua_registry_call_duration_seconds_count", registry="population")
    token = set_request_id("yeu-cau-dang-ky-1")
    try:
        HttpRegistry(SPECS["population"], url, retries=0).lookup("001090012345", ["full_name"])
    finally:
        reset_request_id(token)
    assert _value("motcua_registry_call_duration_seconds_count", registry="population") == before + 1
    assert seen_headers[-1]["HTTP_X_REQUEST_ID"] == "yeu-cau-dang-ky-1"


def test_a_registry_answering_500_is_counted_as_a_failure(server):
    url = server(500)
    before = _value("motcua_registry_call_failures_total", registry="population", code="registry_unavailable")
    with pytest.raises(RegistryUnavailable):
        HttpRegistry(SPECS["population"], url, retries=1, backoff=0).lookup("001090012345", ["full_name"])
    assert _value("motcua_registry_call_failures_total", registry="population",
                  code="registry_unavailable") == before + 1
    assert len(seen_headers) == 2  # tried twice, counted once
