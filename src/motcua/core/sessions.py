"""Signed-in web requests without two queries each: the session row and the user row, kept per process briefly.

Every page an officer opens read the ``django_session`` row and then the ``auth_user`` row before the view ran: two of
the officer queue's four queries (issue 3 "Speed": the queue's first page must cost about 7 ms of CPU). Both are kept
in each process for ``MOTCUA_SESSION_CACHE_SECONDS`` (default 5, :mod:`motcua.core.config`; 0 turns both caches
off), with the same rules as the API tokens' cache (:mod:`motcua.core.auth`):

- a change made in this process applies at once: signing in or out, a session saved or deleted, a user saved or
  deleted (deactivation, a new password: the session's hash no longer matches) clears the cached entries;
- other processes see such a change within the cache's lifetime at most, since every entry expires;
- nothing unknown is cached (a session key with no row, a user id with no user), so a new session works at once.

The session is cached as its stored text and decoded (signature checked) on every request; the user as column
values, from which each request gets its own instance: nothing a request sets reaches another.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DBSessionStore

from .auth import fresh_user, user_values
from .ttlcache import MISSING, TTLCache


def cache_seconds() -> float:
    return settings.MOTCUA_SESSION_CACHE_SECONDS


def _senders() -> tuple[type, ...]:
    from django.contrib.sessions.models import Session

    return (get_user_model(), Session)


_sessions = TTLCache("sessions", cache_seconds, _senders)  # session key → stored session data
_users = TTLCache("session-users", cache_seconds, _senders)  # user id → column values by attname


def clear_session_caches(**_ignored: Any) -> None:
    """Forget every cached session and user of this process (tests and tools)."""
    _sessions.clear()
    _users.clear()


class SessionStore(DBSessionStore):
    """Django's database sessions, the row's data kept per process for ``MOTCUA_SESSION_CACHE_SECONDS``."""

    def load(self) -> dict[str, Any]:
        key = self.session_key
        if not key or not _sessions.enabled:
            return super().load()
        data = _sessions.get(key)
        if data is MISSING:
            row = self._get_session_from_db()
            if row is None:
                self._session_key = None
                return {}
            data = row.session_data
            _sessions.put(key, data)
        return self.decode(data)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        _sessions.pop(self.session_key)

    def delete(self, session_key: str | None = None) -> None:
        _sessions.pop(session_key or self.session_key)
        super().delete(session_key)


class CachedModelBackend(ModelBackend):
    """Django's ``ModelBackend`` whose ``get_user`` (every signed-in request) is kept per process briefly.

    In production it refuses demo accounts (:mod:`motcua.core.demo_accounts`) and the demo password: at sign-in (web
    and admin) and for an existing session. A user is cached only once it passed that check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from .demo_accounts import DEMO_PASSWORD, in_production

        if in_production() and password == DEMO_PASSWORD:
            return None  # issue 12 point 4: the demo password never signs in in production, marker or not
        return super().authenticate(request, username=username, password=password, **kwargs)

    def user_can_authenticate(self, user) -> bool:
        from .demo_accounts import refused

        return super().user_can_authenticate(user) and not refused(user)

    def get_user(self, user_id: Any):
        if not _users.enabled:
            return super().get_user(user_id)
        values = _users.get(user_id)
        if values is not MISSING:
            user = fresh_user(values)  # cached only after user_can_authenticate passed (demo check included)
            return user if ModelBackend.user_can_authenticate(self, user) else None
        user = super().get_user(user_id)
        if user is not None:
            _users.put(user_id, user_values(user))
        return user
