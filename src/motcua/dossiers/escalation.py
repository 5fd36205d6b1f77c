"""Late consultations escalate (issue 3 point 4: "Consultations carry their own deadlines; late replies escalate").

When a dossier is sent to another unit for its opinion (``consult``), the service stores the unit and the answer's
due time on the dossier (``consultation_unit``, ``consultation_due_at``; Decree 118/2025 Art. 19(4)(c): the consulted
unit answers within the time asked and is accountable for a late answer). ``answer_consultation`` clears both. So a
consultation is overdue when the dossier is still open, a unit is named and its due time has passed.

- :func:`is_consultation_overdue` and :func:`overdue_consultations` are pure: they read the fields, nothing else.
- :func:`escalate` runs once per overdue consultation: it tells the leaders of the dossier's agency (e-mail through
  :mod:`motcua.core.notify`, after commit, retried on failure) and leaves the record of the escalation as the
  ``notify`` job keyed by the dossier and the ``consult`` event (:func:`escalation_key`). A second run finds the key
  and does nothing; a new consultation of the same dossier has a new event, so it escalates on its own.

Nothing here changes the dossier: escalation is a signal to people, not a transition. ``motcua dossiers escalate``
runs it (a scheduler calls it, e.g. every 15 minutes during office hours).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from motcua.core import jobs
from motcua.core.calendar import TZ
from motcua.core.models import Job
from motcua.core.notify import Message

from .models import Dossier, DossierEvent

__all__ = ["ESCALATION_PREFIX", "Escalation", "OverdueConsultation", "escalate", "escalated_at",
           "escalation_key", "is_consultation_overdue", "open_consultations", "overdue_consultations"]

ESCALATION_PREFIX = "consultation-escalation"


@dataclass(frozen=True)
class OverdueConsultation:
    dossier: Dossier
    unit: str
    due_at: datetime


@dataclass(frozen=True)
class Escalation:
    dossier_code: str
    unit: str
    due_at: datetime
    key: str
    recipients: tuple[str, ...]


def is_consultation_overdue(dossier: Dossier, at: datetime) -> bool:
    """Whether the dossier waits for another unit's opinion past the time it was asked for."""
    return bool(dossier.consultation_unit and dossier.consultation_due_at is not None
                and dossier.finished_at is None and at > dossier.consultation_due_at)


def overdue_consultations(dossiers: Iterable[Dossier], at: datetime) -> list[OverdueConsultation]:
    """The consultations overdue at ``at`` among ``dossiers``, the longest overdue first (pure)."""
    late = [OverdueConsultation(d, d.consultation_unit, d.consultation_due_at)
            for d in dossiers if is_consultation_overdue(d, at)]
    return sorted(late, key=lambda c: (c.due_at, c.dossier.code))


def open_consultations(at: datetime) -> QuerySet[Dossier]:
    """The dossiers whose consultation was due before ``at`` (the candidates for :func:`overdue_consultations`)."""
    return (Dossier.objects.filter(consultation_due_at__lt=at, finished_at__isnull=True)
            .exclude(consultation_unit="").select_related("agency", "procedure_version"))


def escalation_key(dossier: Dossier) -> str | None:
    """The key of the consultation now open on ``dossier``: its agency's dossier and the ``consult`` event."""
    event = (DossierEvent.objects.filter(dossier=dossier, action="consult").order_by("-seq")
             .values_list("seq", flat=True).first())
    if event is None:
        return None
    return f"{ESCALATION_PREFIX}:{dossier.pk}:{event}"


def escalated_at(dossier: Dossier) -> datetime | None:
    """When the consultation now open on ``dossier`` was escalated; ``None`` if it was not (or none is open)."""
    if not dossier.consultation_unit:
        return None
    key = escalation_key(dossier)
    if key is None:
        return None
    return Job.objects.filter(key=key).values_list("created_at", flat=True).first()


def _leaders(dossier: Dossier) -> list:
    users = get_user_model().objects.filter(memberships__agency_id=dossier.agency_id, memberships__role="leader")
    return list(users.distinct().order_by("username"))


def _when(value: datetime) -> str:
    local = value.astimezone(TZ)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def _message(dossier: Dossier, unit: str, due_at: datetime, at: datetime, to: str) -> Message:
    subject = f"Hồ sơ {dossier.code}: xin ý kiến quá hạn"
    body = (f"Hồ sơ {dossier.code} ({dossier.procedure_version.name}) đang chờ ý kiến của {unit}, "
            f"hạn trả lời {_when(due_at)}, đến {_when(at)} chưa có trả lời.\n"
            f"Hạn trả kết quả cho người nộp: {_when(dossier.due_at) if dossier.due_at else 'chưa xác định'}.\n"
            f"Đề nghị lãnh đạo {dossier.agency.name} đôn đốc đơn vị được xin ý kiến.")
    return Message("email", to, body, subject=subject,
                   meta={"dossier": dossier.code, "kind": "consultation_escalation", "unit": unit})


def escalate(at: datetime) -> list[Escalation]:
    """Escalate every consultation overdue at ``at`` that was not escalated yet; return the new escalations.

    Idempotent: the record is a job keyed by the consultation, so running again (or concurrently) adds nothing.
    """
    done: list[Escalation] = []
    for late in overdue_consultations(open_consultations(at).iterator(), at):
        dossier = late.dossier
        key = escalation_key(dossier)
        if key is None or Job.objects.filter(key=key).exists():
            continue
        leaders = _leaders(dossier)
        messages = [_message(dossier, late.unit, late.due_at, at, u.email) for u in leaders if u.email]
        payload = {"messages": [m.as_dict() for m in messages], "done": [],
                   "escalation": {"dossier": dossier.code, "unit": late.unit, "due_at": late.due_at.isoformat(),
                                  "at": at.isoformat(), "leaders": [u.get_username() for u in leaders]}}
        with transaction.atomic():
            job = jobs.enqueue("notify", payload, key=key)
        if job.payload.get("escalation", {}).get("at") != at.isoformat():
            continue  # another run escalated it in between
        done.append(Escalation(dossier.code, late.unit, late.due_at, key,
                               tuple(m.to for m in messages)))
    return done

