"""API authentication: ``Authorization: Bearer <token>`` (``motcua auth token USERNAME`` prints a token).

The token → user lookup is cached in each process for a few seconds (``MOTCUA_TOKEN_CACHE_SECONDS``, default 5;
0 turns the cache off). On the submission path the lookup was one query and an ORM statement build per request,
about a sixth of the request's CPU. Revocation stays prompt:

- deleting or rotating a token (``motcua auth token --rotate``, the admin) or saving or deleting its user
  (deactivation) clears the cached entries of this process at once (signals);
- other processes see it within the cache's lifetime at most, since every entry expires after
  ``MOTCUA_TOKEN_CACHE_SECONDS``;
- an unknown key is never cached, so a new token works at once everywhere.

Each request gets its own copy of the user, built from the cached column values, so nothing one request sets on
``request.user`` (permission caches, attributes) reaches another.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from rest_framework.authentication import TokenAuthentication

DEFAULT_TTL = 5.0
MAX_ENTRIES = 10_000

_lock = threading.Lock()
# key → (expires at, user's column values by attname, token)
_cache: dict[str, tuple[float, dict[str, Any], Any]] = {}


def cache_seconds() -> float:
    return float(getattr(settings, "MOTCUA_TOKEN_CACHE_SECONDS", DEFAULT_TTL))


def clear_token_cache(**_ignored: Any) -> None:
    """Forget every cached token of this process (signal receiver; also for tests and tools)."""
    with _lock:
        _cache.clear()


def _user_values(user) -> dict[str, Any]:
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def _fresh_user(values: dict[str, Any]):
    user_model = get_user_model()
    return user_model.from_db("default", list(values), list(values.values()))


class BearerTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with the standard ``Bearer`` scheme (RFC 6750), cached per process briefly."""

    keyword = "Bearer"

    def authenticate_credentials(self, key: str):
        ttl = cache_seconds()
        if ttl <= 0:
            return super().authenticate_credentials(key)
        if not _connected:
            _connect()
        now = time.monotonic()
        entry = _cache.get(key)
        if entry is not None and entry[0] > now:
            return _fresh_user(entry[1]), entry[2]
        user, token = super().authenticate_credentials(key)  # raises for unknown keys and inactive users
        values = _user_values(user)
        with _lock:
            if len(_cache) >= MAX_ENTRIES:
                expired = [k for k, (until, _v, _t) in _cache.items() if until <= now]
                for k in expired or list(_cache)[: MAX_ENTRIES // 2]:
                    _cache.pop(k, None)
            _cache[key] = (now + ttl, values, token)
        return user, token


_connected = False


def _connect() -> None:
    """Clear the cache when a token or a user changes (connected on first use: the apps are ready by then)."""
    global _connected
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    for signal, sender in ((post_delete, Token), (post_save, Token), (post_save, user_model),
                           (post_delete, user_model)):
        signal.connect(clear_token_cache, sender=sender, dispatch_uid=f"motcua.core.auth.{signal}.{sender}",
                       weak=False)
    _connected = True
