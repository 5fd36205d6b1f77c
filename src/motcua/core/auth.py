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

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authentication import TokenAuthentication

from .ttlcache import MISSING, TTLCache


def cache_seconds() -> float:
    return settings.MOTCUA_TOKEN_CACHE_SECONDS


def _token_senders() -> tuple[type, ...]:
    from rest_framework.authtoken.models import Token

    return (Token, get_user_model())


# key → (user's column values by attname, token)
_tokens = TTLCache("tokens", cache_seconds, _token_senders)


def clear_token_cache(**_ignored: Any) -> None:
    """Forget every cached token of this process (signal receiver; also for tests and tools)."""
    _tokens.clear()


def user_values(user) -> dict[str, Any]:
    """A user's column values by attname: what the caches keep instead of the instance."""
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def fresh_user(values: dict[str, Any]):
    """A new user instance from :func:`user_values` (each request gets its own)."""
    return get_user_model().from_db("default", list(values), list(values.values()))


class BearerTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with the standard ``Bearer`` scheme (RFC 6750), cached per process briefly."""

    keyword = "Bearer"

    def authenticate_credentials(self, key: str):
        if not _tokens.enabled:
            return self._checked(key)
        entry = _tokens.get(key)
        if entry is not MISSING:
            return fresh_user(entry[0]), entry[1]
        user, token = self._checked(key)  # raises for unknown keys, inactive users and demo accounts in production
        _tokens.put(key, (user_values(user), token))
        return user, token

    def _checked(self, key: str):
        from rest_framework.exceptions import AuthenticationFailed

        from .demo_accounts import REFUSED_MESSAGE, refused

        user, token = super().authenticate_credentials(key)
        if refused(user):  # issue 12 point 4: a demo account's token does not authenticate in production
            raise AuthenticationFailed(REFUSED_MESSAGE)
        return user, token
