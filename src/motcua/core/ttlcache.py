"""Short-lived entries kept in the one shared cache (Django's ``default`` cache), cleared on every server at once.

The rule shared by the API tokens (:mod:`.auth`), the signed-in sessions and users (:mod:`.sessions`) and the
officer pages' scopes and calendar stamp (:mod:`motcua.dossiers.queries`):

- entries live in Django's ``default`` cache: Redis (``MOTCUA_REDIS_URL``) in production, so every server reads and
  clears the same entries; the local-memory cache in the embedded default (one process);
- a change through the ORM (the ``post_save`` / ``post_delete`` signals of the models given) moves the cache's
  *generation* on — at once, and again when the transaction commits (a reader that filled the cache from the
  not-yet-committed past in between is discarded too). An entry of an older generation is never returned, so a
  sign-out, a new password, a deactivation or a role change is refused on every server at once;
- a bulk write (``update()``, raw SQL) sends no signal: it is seen when the entry expires, after the cache's
  lifetime at most (every entry expires). Nothing is cached while the lifetime is 0.

One round trip per read: the generation and the entry are read together (``get_many``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

MISSING: Any = object()
PREFIX = "ttl:v1"
_ALL: list[TTLCache] = []


def connect_all() -> None:
    """Connect every cache's signals (core's ``AppConfig.ready``: a process that only writes clears them too)."""
    for cache in _ALL:
        if not cache._connected:
            cache._connect()


def now() -> float:
    """The caches' clock, wall time shared by all servers (tests move it)."""
    return time.time()


def _cache():
    from django.core.cache import caches

    return caches["default"]


class TTLCache:
    """``get`` / ``put`` / ``pop`` / ``clear``; ``seconds()`` gives the lifetime (read at each call, so settings
    apply at once); ``senders()`` the models whose changes clear the cache (connected on first use, when the apps are
    ready). Values must be picklable."""

    def __init__(self, name: str, seconds: Callable[[], float], senders: Callable[[], Iterable[type]] = tuple,
                 max_entries: int | None = None) -> None:
        self.name, self.seconds, self.senders = name, seconds, senders
        self._connected = False
        self._generation_key = f"{PREFIX}:{name}:generation"
        _ALL.append(self)

    @property
    def enabled(self) -> bool:
        return self.seconds() > 0

    def _key(self, key: Hashable) -> str:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
        return f"{PREFIX}:{self.name}:{digest}"

    def get(self, key: Hashable) -> Any:
        """The live value of ``key``, or :data:`MISSING` (always while the lifetime is 0)."""
        if self.seconds() <= 0:
            return MISSING
        if not self._connected:
            self._connect()
        item_key = self._key(key)
        found = _cache().get_many([self._generation_key, item_key])
        entry = found.get(item_key)
        if entry is None:
            return MISSING
        generation, until, stored_key, value = entry
        if generation != found.get(self._generation_key, 0) or until <= now() or stored_key != key:
            return MISSING
        return value

    def put(self, key: Hashable, value: Any) -> None:
        ttl = self.seconds()
        if ttl <= 0:
            return
        cache = _cache()
        generation = cache.get(self._generation_key, 0)
        cache.set(self._key(key), (generation, now() + ttl, key, value), timeout=max(1, int(ttl) + 1))

    def pop(self, key: Hashable) -> None:
        _cache().delete(self._key(key))

    def clear(self, **_ignored: Any) -> None:
        """Forget every entry on every server, now and again after the current commit (also a signal receiver)."""
        self._bump()
        from django.db import connection

        if connection.in_atomic_block:
            connection.on_commit(self._bump)

    def _bump(self) -> None:
        cache = _cache()
        try:
            cache.incr(self._generation_key)
        except ValueError:  # no generation yet (or evicted): start one that no stored entry carries
            cache.set(self._generation_key, int(now() * 1000), timeout=None)

    def _connect(self) -> None:
        from django.db.models.signals import post_delete, post_save

        for sender in self.senders():
            for signal in (post_save, post_delete):
                signal.connect(self.clear, sender=sender, weak=False,
                               dispatch_uid=f"motcua.ttlcache.{self.name}.{signal}.{sender.__name__}")
        self._connected = True
