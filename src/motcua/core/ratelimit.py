"""Rate limits, written once: DRF's throttle (a sliding window of hit times per key) kept in Django's ``default``
cache — local memory in the embedded default, the shared Redis cache in production, so every server process counts
together — keyed by the client address (``core.clientip``: the trusted-proxy rule) and, when known, the account or
session.

Check, then count only what should count (a failed tracking guess, an accepted submission): :meth:`Limit.exceeded`
and :meth:`Limit.hit`; or both at once for a limit on every request: :meth:`Limit.take`.

Sign-in lock-out is not here: django-axes counts failed sign-ins (``settings.AXES_*``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from .clientip import client_ip


class _Window(SimpleRateThrottle):
    """One key's window: DRF's history of hit times, read from and written to the ``default`` cache."""

    def __init__(self, key: str, limit: int, window: int) -> None:  # no THROTTLE_RATES lookup: explicit figures
        self.key, self.num_requests, self.duration = key, limit, window
        self.cache = caches["default"]
        self.now = self.timer()
        self.history = [moment for moment in self.cache.get(key, []) if moment > self.now - window]

    def full(self) -> bool:
        return len(self.history) >= self.num_requests

    def get_cache_key(self, request, view):  # pragma: no cover - keys are given, never derived
        return self.key


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` hits in ``window`` seconds per client address, and per account or session."""

    scope: str
    limit: int
    window: int

    def keys(self, request: HttpRequest, *, client: bool = True, session: bool = False,
             extra: Iterable[str] = ()) -> list[str]:
        """The counters a request uses: its address and account (``client``), its session, and ``extra`` names
        (e.g. an API key's)."""
        keys = []
        user = getattr(request, "user", None)
        if client:
            keys.append(f"motcua:rl:{self.scope}:ip:{client_ip(request)}")
            if user is not None and getattr(user, "is_authenticated", False):
                keys.append(f"motcua:rl:{self.scope}:user:{user.pk}")
        if session and hasattr(request, "session"):
            if not request.session.session_key:
                request.session.save()
            keys.append(f"motcua:rl:{self.scope}:session:{request.session.session_key}")
        keys += [f"motcua:rl:{self.scope}:{name}" for name in extra]
        return keys

    def _windows(self, keys: list[str]) -> list[_Window]:
        return [_Window(key, self.limit, self.window) for key in keys]

    def exceeded(self, request: HttpRequest, **key_options) -> bool:
        """Whether the address, the account (or the session, the extra keys) used up the allowance; counts nothing."""
        return any(window.full() for window in self._windows(self.keys(request, **key_options)))

    def hit(self, request: HttpRequest, **key_options) -> None:
        """Count one hit for each key."""
        for window in self._windows(self.keys(request, **key_options)):
            window.throttle_success()

    def take(self, request: HttpRequest, **key_options) -> bool:
        """Check and count in one step (for limits on every request): False when the allowance is used up."""
        if self.exceeded(request, **key_options):
            return False
        self.hit(request, **key_options)
        return True

    def retry_after(self, request: HttpRequest | None = None, **key_options) -> int:
        """Seconds until the fullest key has room again (the whole window when unknown)."""
        if request is None:
            return self.window
        waits = [window.wait() or 0 for window in self._windows(self.keys(request, **key_options)) if window.full()]
        return max(1, int(max(waits))) if waits else self.window
