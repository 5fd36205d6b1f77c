"""Rate limits for PAKN writes (issue 5 point 7), per client address and per account, in Django's cache.

A fixed window per key: ``MOTCUA_PAKN_<SCOPE>_LIMIT`` hits in ``MOTCUA_PAKN_<SCOPE>_WINDOW_SECONDS``. Scopes and
defaults: ``submit`` 5 an hour, ``rate`` 30 an hour, ``lookup`` 10 in 10 minutes. With several server processes the
cache must be shared (database or Redis cache in ``CACHES``), or each process counts on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

DEFAULTS: dict[str, tuple[int, int]] = {"submit": (5, 3600), "rate": (30, 3600), "lookup": (10, 600)}


def limits(scope: str) -> tuple[int, int]:
    limit, window = DEFAULTS[scope]
    return (int(getattr(settings, f"MOTCUA_PAKN_{scope.upper()}_LIMIT", limit)),
            int(getattr(settings, f"MOTCUA_PAKN_{scope.upper()}_WINDOW_SECONDS", window)))


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is the client's to invent; a reverse proxy sets REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(scope: str, request: HttpRequest) -> list[str]:
    keys = [f"motcua:pakn:{scope}:ip:{client_ip(request)}"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.append(f"motcua:pakn:{scope}:user:{user.pk}")
    return keys


def exceeded(scope: str, request: HttpRequest) -> bool:
    """Whether the address or the account has used up its allowance (does not count a hit)."""
    limit, _window = limits(scope)
    return any((cache.get(key) or 0) >= limit for key in _keys(scope, request))


def hit(scope: str, request: HttpRequest) -> None:
    """Count one write for the address and the account."""
    _limit, window = limits(scope)
    for key in _keys(scope, request):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, window)


def retry_after(scope: str) -> int:
    return limits(scope)[1]
