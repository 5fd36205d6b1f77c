"""Registries over real HTTP on loopback (issue 4 points 1, 11): the remote answers what the in-process registry
answers; timeouts, retries with back-off and the circuit breaker; ``motcua registry serve`` as a separate process
used through ``MOTCUA_REGISTRIES``."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
import requests
from django.test import override_settings

from motcua.exchange import registries, services
from motcua.exchange.errors import InvalidIdentifier, NotFound, RegistryUnavailable
from motcua.exchange.models import AccessLogEntry
from motcua.exchange.registries.http import CircuitBreaker, HttpRegistry
from motcua.exchange.registries.server import make_app, serve
from motcua.exchange.registries.simulated import simulated_registries

from .factories import AN, PROCEDURE, citizen, procedure

SPECS = registries.SPECS


def _start(app_or_registries):
    """A waitress server on a free loopback port, in a daemon thread; returns (base URL, server)."""
    from waitress.server import create_server

    if isinstance(app_or_registries, dict):
        server = serve(app_or_registries, "127.0.0.1", 0, threads=4)
    else:
        server = create_server(app_or_registries, host="127.0.0.1", port=0, threads=4)
    def run() -> None:
        # The test closes the listening socket under the loop when done: the loop then stops with EBADF.
        with contextlib.suppress(OSError):
            server.run()

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", server


@pytest.fixture(scope="module")
def remote():
    url, server = _start(simulated_registries())
    yield url
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_remote_answers_what_the_in_process_registry_answers(remote):
    local = simulated_registries()
    for name in ("population", "civil_status", "residence", "social_insurance"):
        over_http = HttpRegistry(SPECS[name], remote).lookup(AN, [])
        expected = json.loads(json.dumps(local[name].lookup(AN, []), default=str))  # dates travel as ISO strings
        assert over_http == expected
    business = HttpRegistry(SPECS["business"], remote).lookup("0101234567", ["name", "status"])
    assert set(business) == {"name", "status"}
    described = requests.get(f"{remote}/v1/population", timeout=2).json()
    assert described["identifier"] == "personal_id" and "full_name" in described["attributes"]


def test_not_found_and_invalid_identifiers_are_answers_not_faults(remote):
    client = HttpRegistry(SPECS["population"], remote, retries=0, failure_threshold=1)
    with pytest.raises(NotFound):
        client.lookup("001090000000", [])
    with pytest.raises(InvalidIdentifier) as error:
        client.lookup("001690012345", [])
    assert error.value.code == "personal_id_century"
    assert client.breaker.state == "closed"


def test_a_slow_registry_times_out_with_a_clear_message():
    url, server = _start(simulated_registries(delay=0.5))
    try:
        client = HttpRegistry(SPECS["population"], url, timeout=0.1, retries=1, backoff=0.01)
        started = time.perf_counter()
        with pytest.raises(RegistryUnavailable) as error:
            client.lookup(AN, ["full_name"])
        assert time.perf_counter() - started < 0.45
        assert error.value.code == "registry_timeout"
        assert "không phản hồi trong 0.1 giây" in str(error.value) and "đã thử 2 lần" in str(error.value)
    finally:
        server.close()


def test_retries_with_back_off_ride_over_transient_failures():
    calls = []
    inner = make_app(simulated_registries())

    def flaky(environ, start_response):
        calls.append(time.perf_counter())
        if len(calls) <= 2:
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b'{"title": "busy"}']
        return inner(environ, start_response)

    url, server = _start(flaky)
    try:
        client = HttpRegistry(SPECS["population"], url, retries=2, backoff=0.05)
        assert client.lookup(AN, ["full_name"]) == {"full_name": "Nguyễn Văn An"}
        assert len(calls) == 3
        assert calls[1] - calls[0] >= 0.045 and calls[2] - calls[1] >= 0.095  # 0.05 s, then 0.1 s
    finally:
        server.close()


def test_a_busy_registry_asking_to_retry_later_does_not_stretch_the_callers_budget():
    """urllib3 would wait out a 503's Retry-After (here 30 s) before retrying; the registry budget is the back-off."""
    calls = []

    def busy(environ, start_response):
        calls.append(time.perf_counter())
        start_response("503 Service Unavailable", [("Content-Type", "application/json"), ("Retry-After", "30")])
        return [b'{"title": "busy"}']

    url, server = _start(busy)
    try:
        client = HttpRegistry(SPECS["population"], url, retries=2, backoff=0.01)
        started = time.perf_counter()
        with pytest.raises(RegistryUnavailable) as error:
            client.lookup(AN, ["full_name"])
        assert time.perf_counter() - started < 2
        assert len(calls) == 3  # the first try and two retries
        assert error.value.code == "registry_unavailable"
        assert "trả lỗi 503" in str(error.value) and "đã thử 3 lần" in str(error.value)
    finally:
        server.close()


def test_the_circuit_opens_after_repeated_failures_and_closes_after_a_good_trial():
    port = _free_port()  # nothing listens there
    client = HttpRegistry(SPECS["population"], f"http://127.0.0.1:{port}", timeout=0.2, retries=0,
                          failure_threshold=3, reset_after=0.3)
    for _ in range(3):
        with pytest.raises(RegistryUnavailable):
            client.lookup(AN, [])
    assert client.breaker.state == "open"
    with pytest.raises(RegistryUnavailable) as error:
        client.lookup(AN, [])
    assert error.value.code == "circuit_open"
    url, server = _start(simulated_registries())  # the registry comes back (on another port: repoint the client)
    try:
        client.base_url = url
        time.sleep(0.35)
        assert client.breaker.state == "half_open"
        assert client.lookup(AN, ["full_name"]) == {"full_name": "Nguyễn Văn An"}
        assert client.breaker.state == "closed"
    finally:
        server.close()


def test_breaker_half_open_lets_one_trial_through():
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, reset_after=10, clock=lambda: now[0])
    breaker.failure()
    assert breaker.allow()
    breaker.failure()
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one trial only
    breaker.failure()  # the trial failed: open again for another 10 s
    now[0] = 15.0
    assert not breaker.allow()


@pytest.mark.django_db
def test_fetch_through_the_remote_is_purpose_bound_and_logged(remote):
    with registries.use({"population": HttpRegistry(SPECS["population"], remote)}):
        result = services.fetch("population", AN, attributes=["birth_date"], actor=citizen(AN), role="citizen",
                                purpose="Tự tra cứu")
    assert result.values == {"birth_date": "1990-03-12"}
    entry = AccessLogEntry.objects.get(pk=result.log_entry_id)
    assert entry.outcome == "allowed" and entry.latency_ms > 0


@pytest.mark.django_db
def test_a_registry_down_during_fetch_is_logged_as_unavailable():
    client = HttpRegistry(SPECS["population"], f"http://127.0.0.1:{_free_port()}", timeout=0.2, retries=0)
    with registries.use({"population": client}), pytest.raises(RegistryUnavailable):
        services.fetch("population", AN, actor=citizen(AN), role="citizen", purpose="Tự tra cứu")
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == "unavailable" and entry.reason.startswith("registry_unavailable")


@pytest.mark.django_db
def test_registry_serve_command_as_a_separate_process_used_through_the_setting():
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "motcua.cli", "registry", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        for _ in range(100):
            try:
                if requests.get(f"http://127.0.0.1:{port}/v1", timeout=0.5).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail("motcua registry serve did not start: " + (process.stdout.read() if process.poll() else ""))
        names = [r["name"] for r in requests.get(f"http://127.0.0.1:{port}/v1", timeout=2).json()["registries"]]
        assert names == list(SPECS)
        procedure(PROCEDURE)
        with override_settings(MOTCUA_REGISTRIES=f"http://127.0.0.1:{port}"):
            registries.reset()
            try:
                assert all(isinstance(r, HttpRegistry) for r in registries.current().values())
                fields = services.prefill(citizen(AN), PROCEDURE)
            finally:
                registries.reset()
        assert fields["applicant_name"]["value"] == "Nguyễn Văn An"
        assert fields["applicant_birth_date"]["value"] == date(1990, 3, 12).isoformat()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_registry_settings_forms():
    assert registries.parse_config("") == dict.fromkeys(SPECS, "inprocess")
    assert registries.parse_config("http://h:1")["business"] == "http://h:1"
    config = registries.parse_config("population=http://a:1, business=http://b:2")
    assert config["population"] == "http://a:1" and config["residence"] == "inprocess"
    assert registries.parse_config('{"residence": "http://c:3"}')["residence"] == "http://c:3"
    with pytest.raises(ValueError, match="unknown registry"):
        registries.parse_config("nope=http://x")
