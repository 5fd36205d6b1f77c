"""Issue 13 point 6, drilled: a base registry that times out or answers 500 while the citizen's form is prefilled.
The registry is a real HTTP server (waitress) on this machine; the population registry stays in-process. The citizen
gets the form with what was available and a clear message; the failed lookup is in the access log."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from motcua.exchange import registries
from motcua.exchange.models import AccessLogEntry
from motcua.exchange.registries.http import HttpRegistry
from motcua.identity.tests.test_submission_once_only import AN, CODE, _procedure, _sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    registries.reset()
    yield
    registries.reset()


def _faulty(kind: str):
    def app(environ, start_response):
        if kind == "timeout":
            time.sleep(3)  # beyond the client's timeout
        body = b'{"title": "internal error"}'
        start_response("500 Internal Server Error", [("Content-Type", "application/json"),
                                                     ("Content-Length", str(len(body)))])
        return [body]

    return app


@pytest.fixture
def faulty_server():
    from waitress.server import create_server

    servers = []

    def start(kind: str) -> str:
        srv = create_server(_faulty(kind), host="127.0.0.1", port=0, threads=4)

        def run() -> None:
            with contextlib.suppress(OSError):
                srv.run()

        threading.Thread(target=run, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.effective_port}"

    yield start
    for srv in servers:
        srv.close()


@pytest.mark.parametrize("kind", ["timeout", "500"])
def test_a_failing_registry_during_prefill_leaves_the_form_usable_and_is_logged(client, faulty_server, kind):
    _procedure()
    _sign_in(client, 2)
    failing = dict(registries.current())
    failing["residence"] = HttpRegistry(registries.SPECS["residence"], faulty_server(kind), timeout=0.5, retries=1,
                                        backoff=0)
    started = time.monotonic()
    with registries.use(failing):
        page = client.get(f"/ho-so/nop/{CODE}/")
    elapsed = time.monotonic() - started
    html = page.content.decode()
    assert page.status_code == 200
    assert elapsed < 2.5  # two attempts of 0.5 s, not the registry's 3 s
    # What was available: the population registry's name, locked, with its source.
    assert "Nguyễn Văn An" in html and "Cơ sở dữ liệu quốc gia về dân cư" in html
    # A clear message for what was not, and the way on.
    assert "Cơ sở dữ liệu về cư trú" in html and "nhập tay hoặc nộp bản giấy tờ" in html
    entry = AccessLogEntry.objects.filter(subject=AN, registry="residence").latest("id")
    assert entry.outcome == "unavailable" and entry.reason
    assert AccessLogEntry.objects.filter(subject=AN, registry="population", outcome="allowed").exists()
