"""A dossier's event log as the services write it: lock the dossier, bump its version, append the next
sealed event.

Each change appends exactly one :class:`~motcua.dossiers.models.DossierEvent` numbered by the dossier's version after
the change, linked to the previous event's hash (the per-dossier chain that ``motcua audit verify`` checks).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from ..models import Dossier, DossierEvent
from .errors import DossierNotFound, VersionConflict


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
    `motcua audit verify` checks). The dossier row is locked by the caller, so no other event can come in between."""
    previous = (DossierEvent.objects.filter(dossier_id=dossier.pk, seq=dossier.version - 1)
                .values_list("hash", flat=True).first())
    event = DossierEvent(dossier=dossier, seq=dossier.version, **values)
    event.seal(previous or "")
    event.save()
    return event
