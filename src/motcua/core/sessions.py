"""Signed-in web requests without two queries each: the session row and the user row, kept per process briefly.

Every page an officer opens read the ``django_session`` row and then the ``auth_user`` row before the view ran: two of
the officer queue's four queries (issue 3 "Speed": the queue's first page must cost about 7 ms of CPU). Both are kept
in each process for ``MOTCUA_SESSION_CACHE_SECONDS`` (default 5; 0 turns both caches off), with the same rules as
the API tokens' cache (:mod:`motcua.core.auth`):

- a change made in this process applies at once: signing in or out, a session saved or deleted, a user saved or
  deleted (deactivation, a new password: the session's hash no longer matches) clears the cached entries;
- other processes see such a change within the cache's lifetime at most, since every entry expires;
- nothing unknown is cached (a session key with no row, a user id with no user), so a new session works at once.

The session is cached as its stored text and decoded (signature checked) on every request; the user as column
values, from which each request gets its own instance: nothing a request sets reaches another.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DBSessionStore
from django.db.models.signals import post_delete, post_save

DEFAULT_TTL = 5.0
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_sessions: dict[str, tuple[float, str]] = {}  # session key → (expires at, stored session data)
_users: dict[Any, tuple[float, dict[str, Any]]] = {}  # user id → (expires at, column values by attname)
_connected = False


def cache_seconds() -> float:
    return float(getattr(settings, "MOTCUA_SESSION_CACHE_SECONDS", DEFAULT_TTL))


def clear_session_caches(**_ignored: Any) -> None:
    """Forget every cached session and user of this process (signal receiver; tests and tools)."""
    with _lock:
        _sessions.clear()
        _users.clear()


def _forget_session(key: str | None) -> None:
    if key:
        with _lock:
            _sessions.pop(key, None)


def _remember(cache: dict, key: Any, value: Any, ttl: float) -> None:
    now = time.monotonic()
    with _lock:
        if len(cache) >= MAX_ENTRIES:
            expired = [k for k, (until, _v) in cache.items() if until <= now]
            for k in expired or list(cache)[: MAX_ENTRIES // 2]:
                cache.pop(k, None)
        cache[key] = (now + ttl, value)


def _connect() -> None:
    """Clear the caches when a user or a session row changes (connected on first use: the apps are ready)."""
    global _connected
    from django.contrib.sessions.models import Session

    for sender in (get_user_model(), Session):
        for signal in (post_save, post_delete):
            signal.connect(clear_session_caches, sender=sender, weak=False,
                           dispatch_uid=f"motcua.core.sessions.{signal}.{sender.__name__}")
    _connected = True


class SessionStore(DBSessionStore):
    """Django's database sessions, the row's data kept per process for ``MOTCUA_SESSION_CACHE_SECONDS``."""

    def load(self) -> dict[str, Any]:
        ttl = cache_seconds()
        key = self.session_key
        if ttl <= 0 or not key:
            return super().load()
        if not _connected:
            _connect()
        entry = _sessions.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return self.decode(entry[1])
        row = self._get_session_from_db()
        if row is None:
            self._session_key = None
            return {}
        _remember(_sessions, key, row.session_data, ttl)
        return self.decode(row.session_data)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        _forget_session(self.session_key)

    def delete(self, session_key: str | None = None) -> None:
        _forget_session(session_key or self.session_key)
        super().delete(session_key)


class CachedModelBackend(ModelBackend):
    """Django's ``ModelBackend`` whose ``get_user`` (every signed-in request) is kept per process briefly."""

    def get_user(self, user_id: Any):
        ttl = cache_seconds()
        if ttl <= 0:
            return super().get_user(user_id)
        if not _connected:
            _connect()
        entry = _users.get(user_id)
        if entry is not None and entry[0] > time.monotonic():
            user_model = get_user_model()
            user = user_model.from_db("default", list(entry[1]), list(entry[1].values()))
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            _remember(_users, user_id, {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields},
                      ttl)
        return user
