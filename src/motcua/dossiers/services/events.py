"""A dossier's event log as the services write it: lock the dossier, bump its version, append the next
sealed event, and tell the registered hooks.

Each change appends exactly one :class:`~motcua.dossiers.models.DossierEvent` numbered by the dossier's version after
the change, linked to the previous event's hash (the per-dossier chain that ``motcua audit verify`` checks).

**"Event appended" hooks.** What must follow an event in the same transaction registers a hook
(:func:`register_event_hook`, from an ``AppConfig.ready()``; the table is in ``docs/architecture.md``):
:func:`event_appended` calls them, in the order registered, for every event — from :func:`append_event` (the ORM
path: actions, uploads, ratings, linked groups, evidence) and from the submission's SQL fast path
(:mod:`.fast_submission`), which writes its first event without ``save()``. They are explicit calls, not ``post_save``
receivers, so that no writing path can forget them. A hook that raises rolls the change back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from ..models import Dossier, DossierEvent
from .errors import DossierNotFound, VersionConflict

EventHook = Callable[[DossierEvent], None]
_hooks: dict[str, EventHook] = {}


def register_event_hook(name: str, hook: EventHook) -> None:
    """Call ``hook(event)`` for every dossier event appended from now on, in the appending transaction, after the
    event's row is written. ``name`` identifies the hook: registering the same name again replaces it (a ``ready()``
    that runs twice registers it once)."""
    _hooks[name] = hook


def unregister_event_hook(name: str) -> None:
    """Forget the hook registered under ``name`` (tests; nothing when there is none)."""
    _hooks.pop(name, None)


def event_hooks() -> tuple[str, ...]:
    """The names of the hooks registered, in the order they are called."""
    return tuple(_hooks)


def event_appended(event: DossierEvent) -> None:
    """Call every registered hook with ``event``, just written in the caller's transaction. On the submission's fast
    path (PostgreSQL) the event's id is not read back: a hook reads the event's fields, not its ``pk``."""
    for hook in tuple(_hooks.values()):
        hook(event)


def at_or_now(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("Give an aware datetime.")
    return at


def lock_dossier(dossier_code: str, expected_version: int | None) -> Dossier:
    dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("agency")
               .filter(code=dossier_code).first())
    if dossier is None:
        raise DossierNotFound(dossier_code)
    if expected_version is not None and expected_version != dossier.version:
        raise VersionConflict(dossier, expected_version)
    return dossier


def record_change(dossier: Dossier, *, action: str, actor, role: str, at: datetime, data: dict,
                  fields: list[str]) -> None:
    """Bump the version and append the event of a change that keeps the state."""
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])
    append_event(dossier, actor=actor, role=role, at=at, action=action, from_state=dossier.state,
                 to_state=dossier.state, data=data)


def append_event(dossier: Dossier, **values: Any) -> DossierEvent:
    """Insert the event numbered ``dossier.version``, linked to the previous event's hash (the per-dossier chain that
    `motcua audit verify` checks), then call the "event appended" hooks (:func:`event_appended`). The dossier row is
    locked by the caller, so no other event can come in between."""
    previous = (DossierEvent.objects.filter(dossier_id=dossier.pk, seq=dossier.version - 1)
                .values_list("hash", flat=True).first())
    event = DossierEvent(dossier=dossier, seq=dossier.version, **values)
    event.seal(previous or "")
    event.save()
    event_appended(event)
    return event
