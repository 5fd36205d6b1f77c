"""Issue 12 point 16: rate limits live in the shared ``default`` cache and count by the client's address, which is
read through a configured list of trusted reverse proxies (``MOTCUA_TRUSTED_PROXIES``). Written from the attacker's
side: a forged ``X-Forwarded-For`` from an address that is not a trusted proxy changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from motcua.core.clientip import client_ip
from motcua.core.ratelimit import Limit

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(("trusted", "remote", "forwarded", "client"), [
    ([], "203.0.113.9", None, "203.0.113.9"),
    ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy configured: the header is the client's invention
    (["10.0.0.0/8"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # spoofed from outside: ignored
    (["10.0.0.0/8"], PROXY, "198.51.100.20", "198.51.100.20"),  # through the proxy: the address it saw
    (["10.0.0.0/8"], PROXY, "6.6.6.6, 198.51.100.20", "198.51.100.20"),  # what the client prepended is ignored
    (["10.0.0.0/8"], PROXY, "198.51.100.20, 10.0.0.9", "198.51.100.20"),  # two trusted hops, read right to left
    (["10.0.0.0/8"], PROXY, "", PROXY),  # a proxy that forwarded nothing: itself
    (["10.0.0.0/8"], PROXY, "not-an-address", PROXY),
    (["10.0.0.5"], PROXY, "198.51.100.20", "198.51.100.20"),  # a bare address is a /32
    (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::2, 2a00:1450::1", "2a00:1450::1"),
    (["10.0.0.0/8"], PROXY, "[2a00:1450::1]:443", "2a00:1450::1"),
    ([], "", None, "unknown"),
], ids=["no-proxy", "no-proxy-forged", "untrusted-peer-forged", "trusted-proxy", "client-prefix-ignored",
        "two-trusted-hops", "empty-header", "garbage-header", "bare-address", "ipv6", "bracketed-port", "no-peer"])
def test_client_address_follows_only_trusted_proxies(settings, trusted, remote, forwarded, client):
    settings.MOTCUA_TRUSTED_PROXIES = trusted
    assert client_ip(_request(remote, forwarded)) == client


def test_behind_a_trusted_proxy_two_citizens_have_separate_counters(settings):
    settings.MOTCUA_TRUSTED_PROXIES = ["10.0.0.0/8"]
    limit = Limit("test", 2, 60)
    first, second = _request(PROXY, "198.51.100.1"), _request(PROXY, "198.51.100.2")
    limit.hit(first)
    limit.hit(first)
    assert limit.exceeded(first)
    assert not limit.exceeded(second)


def test_a_spoofed_forwarded_for_from_an_untrusted_address_does_not_escape_the_limit(settings):
    settings.MOTCUA_TRUSTED_PROXIES = ["10.0.0.0/8"]
    limit = Limit("test", 2, 60)
    for n in range(2):
        limit.hit(_request("203.0.113.66", f"198.51.100.{n}"))
    assert limit.exceeded(_request("203.0.113.66", "198.51.100.99"))


@pytest.mark.django_db
def test_tracking_guesses_behind_the_proxy_count_per_citizen_and_forged_headers_do_not_help(settings):
    """The dossier tracking page's limit (10 wrong guesses), end to end through the views."""
    settings.MOTCUA_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.MOTCUA_TRACK_ATTEMPTS = 3

    def guess(client: Client, remote: str, forwarded: str) -> int:
        return client.get("/ho-so/tra-cuu/", {"code": "H01-000000-0000"}, REMOTE_ADDR=remote,
                          HTTP_X_FORWARDED_FOR=forwarded).status_code

    # An attacker outside, rotating the forged header and the session: the fourth guess is refused.
    assert [guess(Client(), "203.0.113.66", f"198.51.100.{n}") for n in range(4)] == [404, 404, 404, 429]
    # Two citizens behind the proxy: each has their own allowance.
    assert [guess(Client(), PROXY, "198.51.100.1") for _ in range(4)] == [404, 404, 404, 429]
    assert guess(Client(), PROXY, "198.51.100.2") == 404


def test_the_counters_are_in_the_default_cache_shared_by_processes(settings, tmp_path):
    """Another process (another server worker) counting through the same cache is seen here."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    code = (
        "import django, sys; django.setup(); from django.conf import settings; "
        f"settings.CACHES = {{'default': {{'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', "
        f"'LOCATION': {str(tmp_path / 'cache')!r}}}}}; "
        "from django.test import RequestFactory; from motcua.core.ratelimit import Limit; "
        "r = RequestFactory().get('/', REMOTE_ADDR='198.51.100.7'); Limit('shared', 2, 60).hit(r); "
        "Limit('shared', 2, 60).hit(r)"
    )
    src = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.settings", "MOTCUA_VAR_DIR": str(tmp_path / "var"),
           "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    from django.core.cache import caches

    caches["default"].close()
    assert Limit("shared", 2, 60).exceeded(_request("198.51.100.7"))
    assert not Limit("shared", 2, 60).exceeded(_request("198.51.100.8"))


@pytest.mark.django_db
def test_metrics_through_a_local_reverse_proxy_are_refused_to_an_outside_client(client, settings):
    """With the proxy on the same machine every request arrives from loopback, which /metrics allows by default: the
    address that counts is the client's, by the same trusted-proxy rule."""
    settings.MOTCUA_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.MOTCUA_METRICS_ALLOW = ["127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7").status_code == 403  # forged prefix
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200  # the local Prometheus
