"""Figures read from a PostgreSQL streaming replica (issue 13 point 4).

When ``MOTCUA_REPLICA_DATABASE_URL`` is set, :class:`FiguresSourceMiddleware` decides once per GET request of a
figure page or API (``MOTCUA_REPLICA_PATHS``) where its figures are read:

- it reads the primary's current WAL position and asks the replica whether it has replayed that far. If it has, the
  replica holds every transaction committed on the primary before that moment, which the page states;
- otherwise the replica is behind: its data is complete only up to the commit time of the last transaction it
  replayed (``pg_last_xact_replay_timestamp()``), the lag is now minus that time, and the page states that time;
- a replica further behind than ``MOTCUA_REPLICA_MAX_LAG_SECONDS``, unreachable, or not a standby is not read: the
  page reads the primary and states the present moment.

So a page never shows a figure older than the moment it states. :class:`ReplicaRouter` then sends the reads of the
figure tables (:data:`REPLICA_APPS`) to the replica while the request runs; every write, and every read of accounts,
sessions, roles (``units``), tokens and jobs, stays on the primary — a sign-out or a role change is never read late.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

log = logging.getLogger(__name__)

REPLICA = "replica"
# The tables whose reads may come from the replica during a figure request: figures and what they are drawn from.
REPLICA_APPS = frozenset({"oversight", "oversight_review", "dossiers", "feedback", "steering", "catalog"})

_reading_from: ContextVar[str | None] = ContextVar("motcua_replica_alias", default=None)


@dataclass(frozen=True)
class FiguresSource:
    """Where one request reads its figures and the moment they are complete to."""

    alias: str  # "replica" or "default"
    as_of: datetime
    lag_seconds: float
    note: str = ""  # why the primary was read although a replica is configured

    @property
    def replica(self) -> bool:
        return self.alias == REPLICA


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def choose_source(max_lag_seconds: float | None = None) -> FiguresSource:
    """Measure the replica's lag against the primary and pick where figures are read (see the module's docstring)."""
    max_lag = settings.MOTCUA_REPLICA_MAX_LAG_SECONDS if max_lag_seconds is None else max_lag_seconds
    if not replica_configured():
        return FiguresSource("default", timezone.now(), 0.0)
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text, now()")
            primary_lsn, primary_now = cursor.fetchone()
    except DatabaseError:  # the primary itself is down: the page's own reads will fail as they would without replica
        return FiguresSource("default", timezone.now(), 0.0, "primary unreachable")
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn, "
                           "pg_last_xact_replay_timestamp()", [primary_lsn])
            standby, caught_up, replayed_at = cursor.fetchone()
    except DatabaseError as error:
        log.warning("replica unreachable, figures read from the primary: %s", error)
        connections[REPLICA].close()
        return FiguresSource("default", primary_now, 0.0, "replica unreachable")
    if not standby:
        return FiguresSource("default", primary_now, 0.0, "replica is not a standby")
    if caught_up:
        return FiguresSource(REPLICA, primary_now, 0.0)
    if replayed_at is None:
        return FiguresSource("default", primary_now, 0.0, "replica has replayed nothing")
    lag = max(0.0, (primary_now - replayed_at).total_seconds())
    if lag > max_lag:
        return FiguresSource("default", primary_now, 0.0, f"replica {lag:.1f} s behind (limit {max_lag:g} s)")
    return FiguresSource(REPLICA, replayed_at, lag)


class ReplicaRouter:
    """Reads of :data:`REPLICA_APPS` go to the replica while a figure request chose it; writes go to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        alias = _reading_from.get()
        if alias and model._meta.app_label in REPLICA_APPS:
            return alias
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        return True  # the replica is a copy of the primary: objects from either may relate

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return db == "default"


class reading_figures:
    """``with reading_figures(source):`` routes the figure reads to ``source.alias`` in this context (and thread)."""

    def __init__(self, source: FiguresSource) -> None:
        self.source = source

    def __enter__(self) -> FiguresSource:
        self._token = _reading_from.set(REPLICA if self.source.replica else None)
        return self.source

    def __exit__(self, *exc) -> None:
        _reading_from.reset(self._token)


class FiguresSourceMiddleware:
    """Choose the figures' source for GET/HEAD requests of ``MOTCUA_REPLICA_PATHS``; state it on the request (for the
    page's "số liệu tính đến …") and in the ``X-Figures-As-Of`` / ``X-Figures-Source`` headers."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(settings.MOTCUA_REPLICA_PATHS):
            return self.get_response(request)
        source = choose_source()
        request.figures_source = source
        with reading_figures(source):
            response = self.get_response(request)
        response["X-Figures-Source"] = "replica" if source.replica else "primary"
        response["X-Figures-As-Of"] = source.as_of.isoformat(timespec="seconds")
        if source.replica:
            response["X-Replica-Lag-Seconds"] = f"{source.lag_seconds:.1f}"
        return response
