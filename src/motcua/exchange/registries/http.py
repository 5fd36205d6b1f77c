"""A remote registry over HTTP/JSON, with timeouts, retries with back-off and a circuit breaker (issue 4 point 1).

Wire protocol (served by :mod:`motcua.exchange.registries.server`, ``motcua registry serve``)::

    GET {base}/v1/{registry}                       → 200 the registry's spec
    GET {base}/v1/{registry}/{identifier}?attributes=a,b
        headers X-Motcua-Agency, X-Motcua-Actor, X-Motcua-Role, X-Motcua-Dossier, X-Motcua-Purpose,
                X-Motcua-Procedure (the call's purpose travels with it, as X-Road's headers do)
        → 200 {"registry", "identifier", "values": {...}}
        → 400 / 404 / 503 problem+json {"title", "detail", "code"}

Faults: a connection error, a timeout or a 5xx answer is retried ``retries`` times, ``backoff × 2^(n−1)`` seconds
before the n-th retry — by urllib3's :class:`~urllib3.util.Retry` mounted on each thread's requests session
(:func:`retry_policy`); when they are exhausted the call raises :class:`~motcua.exchange.errors.RegistryUnavailable`.
The call is one access-log entry whatever the number of attempts (its outcome: allowed, not found, unavailable). After
``failure_threshold`` failed calls in a row the circuit opens: calls fail at once, without touching the network, for
``reset_after`` seconds; then one trial call is let through (half-open) and its outcome closes or reopens the
circuit. A 400 or 404 is an answer, not a fault: it is not retried and does not count against the circuit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util import Retry

from ..errors import InvalidIdentifier, InvalidRequest, NotFound, RegistryUnavailable
from .base import CallContext, RegistrySpec


class CircuitBreaker:
    """Closed → (``threshold`` failures in a row) → open for ``reset_after`` s → half-open (one trial) → …"""

    def __init__(self, threshold: int = 5, reset_after: float = 30.0, clock=time.monotonic) -> None:
        self.threshold = threshold
        self.reset_after = reset_after
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.clock() - self.opened_at >= self.reset_after else "open"

    def allow(self) -> bool:
        with self._lock:
            if self.opened_at is None:
                return True
            if self.clock() - self.opened_at < self.reset_after or self._trial:
                return False
            self._trial = True  # half-open: exactly one trial call
            return True

    def success(self) -> None:
        with self._lock:
            self.failures, self.opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self._trial or self.failures >= self.threshold:
                self.opened_at = self.clock()
            self._trial = False


class _RegistryRetry(Retry):
    """urllib3's :class:`Retry` waiting ``backoff × 2^(n−1)`` seconds before the n-th retry (urllib3's own schedule
    does not wait before the first one), so that the budget is the one ``MOTCUA_REGISTRY_RETRIES`` always meant."""

    def get_backoff_time(self) -> float:
        if not self.history:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** (len(self.history) - 1)))


def retry_policy(retries: int, backoff: float) -> Retry:
    """Retry a GET ``retries`` times on a connection error, a timeout or a 5xx answer (the last 5xx answer is returned,
    not raised); a 400 or 404 is an answer. A ``Retry-After`` header is not obeyed: the caller's budget is short."""
    return _RegistryRetry(total=retries, backoff_factor=backoff, status_forcelist=range(500, 600),
                          allowed_methods=frozenset({"GET"}), raise_on_status=False,
                          respect_retry_after_header=False)


class HttpRegistry:
    """A registry reached over HTTP. Thread-safe; keeps connections alive (one session per thread)."""

    def __init__(self, spec: RegistrySpec, base_url: str, *, timeout: float = 2.0, retries: int = 2,
                 backoff: float = 0.05, failure_threshold: int = 5, reset_after: float = 30.0) -> None:
        self.spec = spec
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.breaker = CircuitBreaker(failure_threshold, reset_after)
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"HttpRegistry({self.spec.name!r}, {self.base_url!r})"

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            adapter = HTTPAdapter(max_retries=retry_policy(self.retries, self.backoff))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        return session

    def lookup(self, identifier: str, attributes: Sequence[str], context: CallContext | None = None) -> dict[str,
                                                                                                             Any]:
        """One lookup, timed and counted (``motcua_registry_call_*`` metrics; failures by code)."""
        from motcua.core.observability import REGISTRY_FAILURES, REGISTRY_LATENCY

        started = time.perf_counter()
        try:
            return self._lookup(identifier, attributes, context)
        except RegistryUnavailable as exc:
            REGISTRY_FAILURES.labels(self.spec.name, getattr(exc, "code", "") or "unavailable").inc()
            raise
        finally:
            REGISTRY_LATENCY.labels(self.spec.name).observe(time.perf_counter() - started)

    def _lookup(self, identifier: str, attributes: Sequence[str], context: CallContext | None) -> dict[str, Any]:
        from motcua.core.observability import current_request_id

        context = context or CallContext()
        if not self.breaker.allow():
            raise RegistryUnavailable(
                f"{self.spec.label} đang gián đoạn (đã lỗi liên tiếp, tạm ngừng gọi trong "
                f"{self.breaker.reset_after:g} giây). Vui lòng thử lại sau hoặc nộp bản giấy tờ.",
                code="circuit_open")
        url = f"{self.base_url}/v1/{quote(self.spec.name)}/{quote(identifier, safe='')}"
        params = {"attributes": ",".join(attributes)} if attributes else {}
        headers = {"Accept": "application/json", "X-Motcua-Agency": context.agency, "X-Motcua-Actor": context.actor,
                   "X-Motcua-Role": context.role, "X-Motcua-Dossier": context.dossier_code,
                   "X-Motcua-Purpose": quote(context.purpose), "X-Motcua-Procedure": context.procedure_code,
                   "X-Request-ID": current_request_id()}
        try:  # the retries happen inside (retry_policy)
            response = self._session().get(url, params=params, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise self._unavailable(self._fault(error)) from error
        if response.status_code >= 500:
            raise self._unavailable(f"trả lỗi {response.status_code}")
        self.breaker.success()
        return self._answer(response)

    def _fault(self, error: requests.RequestException) -> str:
        """What went wrong, in words: no answer in time, or no connection (urllib3 wraps the last attempt's error)."""
        reason = getattr(error.args[0], "reason", None) if error.args else None
        timed_out = isinstance(error, requests.Timeout) or (isinstance(reason, Urllib3Timeout)
                                                             and not isinstance(reason, NewConnectionError))
        return f"không phản hồi trong {self.timeout:g} giây" if timed_out else "không kết nối được"

    def _unavailable(self, problem: str) -> RegistryUnavailable:
        """Every attempt failed: count it against the circuit and say what to do."""
        self.breaker.failure()
        return RegistryUnavailable(
            f"{self.spec.label} {problem} (đã thử {self.retries + 1} lần). Vui lòng thử lại sau hoặc nộp bản giấy tờ.",
            code="registry_timeout" if "giây" in problem else "registry_unavailable")

    def _answer(self, response: requests.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and isinstance(body.get("values"), dict):
            return body["values"]
        detail = str(body.get("detail") or body.get("title") or f"HTTP {response.status_code}")
        code = body.get("code") or None
        if response.status_code == 404:
            raise NotFound(detail, code=code)
        if response.status_code == 400:
            raise (InvalidIdentifier if code and code.startswith(("personal_id", "enterprise_code"))
                   else InvalidRequest)(detail, code=code)
        raise RegistryUnavailable(f"{self.spec.label}: câu trả lời không hợp lệ ({detail}).",
                                  code="registry_bad_answer")
