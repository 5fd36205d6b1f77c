"""A per-process cache whose entries expire after a few seconds and which model changes clear at once.

The rule shared by the API tokens (:mod:`.auth`), the signed-in sessions and users (:mod:`.sessions`) and the
officer pages' scopes (:mod:`motcua.dossiers.queries`): a change made in this process applies at once (the
``post_save`` / ``post_delete`` signals of the models given clear the cache), a change made in another process or by
a bulk write within the cache's lifetime at most, since every entry expires. Nothing is cached while the lifetime is
0. The size is bounded: when full, expired entries go first, else the older half.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any

MAX_ENTRIES = 10_000
MISSING: Any = object()


def now() -> float:
    """The caches' clock (tests move it)."""
    return time.monotonic()


class TTLCache:
    """``get`` / ``put`` / ``clear``; ``seconds()`` gives the lifetime (read at each call, so settings apply at
    once); ``senders()`` the models whose changes clear the cache (resolved and connected on first use, when the
    apps are ready)."""

    def __init__(self, name: str, seconds: Callable[[], float], senders: Callable[[], Iterable[type]] = tuple,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.name, self.seconds, self.senders, self.max_entries = name, seconds, senders, max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._connected = False

    @property
    def enabled(self) -> bool:
        return self.seconds() > 0

    def get(self, key: Hashable) -> Any:
        """The live value of ``key``, or :data:`MISSING` (always while the lifetime is 0)."""
        if self.seconds() <= 0:
            return MISSING
        if not self._connected:
            self._connect()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now():
            return entry[1]
        return MISSING

    def put(self, key: Hashable, value: Any) -> None:
        ttl = self.seconds()
        if ttl <= 0:
            return
        moment = now()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                expired = [k for k, (until, _v) in self._entries.items() if until <= moment]
                for k in expired or list(self._entries)[: self.max_entries // 2]:
                    self._entries.pop(k, None)
            self._entries[key] = (moment + ttl, value)

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self, **_ignored: Any) -> None:
        """Forget every entry (also a signal receiver)."""
        with self._lock:
            self._entries.clear()

    def _connect(self) -> None:
        from django.db.models.signals import post_delete, post_save

        for sender in self.senders():
            for signal in (post_save, post_delete):
                signal.connect(self.clear, sender=sender, weak=False,
                               dispatch_uid=f"motcua.ttlcache.{self.name}.{signal}.{sender.__name__}")
        self._connected = True
