"""Reads about dossiers used by more than one caller: lookup, timeline, allowed actions, deadline flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from motcua.core.calendar import WorkingCalendar

from . import rules
from .models import Dossier, DossierEvent
from .transitions import allowed_actions


def dossier_by_code(code: str) -> Dossier | None:
    return Dossier.objects.select_related("agency", "procedure", "procedure_version").filter(code=code).first()


def timeline(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's events in order."""
    return list(DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("seq"))


def actions_for(dossier: Dossier, role: str) -> list[str]:
    """The actions ``role`` may take on the dossier now (table only; rules are checked when acting)."""
    return allowed_actions(dossier.state, role)


@dataclass(frozen=True)
class DeadlineView:
    overdue: bool
    at_risk: bool
    index_on_time: bool | None


def deadline_view(dossier: Dossier, now: datetime, calendar: WorkingCalendar | None = None) -> DeadlineView:
    """Overdue / at risk / index verdict of one dossier at ``now``."""
    calendar = calendar or WorkingCalendar.from_db(dossier.agency)
    finished = dossier.finished_at
    overdue = finished is None and rules.is_overdue(now, dossier.due_at)
    spent = rules.waited(calendar, dossier.step_started_at, now)
    at_risk = finished is None and dossier.waiting_since is None and rules.is_at_risk(
        now, dossier.due_at, rules.remaining_budgets(dossier.steps, dossier.current_step, spent), calendar)
    verdict = rules.index_on_time(finished, dossier.index_due_at, dossier.supplement_count, now=now)
    return DeadlineView(overdue=overdue, at_risk=at_risk, index_on_time=verdict)
