"""Reads of proactive services: a person's tasks and refusals; the Art. 19(2)(g) figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from .models import OPEN_STATES, CaseState, OptOut, ProactiveCase, Trigger


def tasks_of(personal_id: str) -> list[ProactiveCase]:
    """The person's open "Việc cần làm", newest first."""
    return list(ProactiveCase.objects.filter(personal_id=personal_id, state__in=OPEN_STATES)
                .select_related("trigger"))


def history_of(personal_id: str, limit: int = 20) -> list[ProactiveCase]:
    return list(ProactiveCase.objects.filter(personal_id=personal_id).exclude(state__in=OPEN_STATES)
                .select_related("trigger")[:limit])


def consent_of(personal_id: str) -> dict[str, Any]:
    """Which proactive services the person refused: ``{"all": bool, "triggers": {trigger id, …}}``."""
    rows = list(OptOut.objects.filter(personal_id=personal_id).values_list("trigger_id", flat=True))
    return {"all": None in rows, "triggers": {r for r in rows if r is not None}}


def triggers() -> list[Trigger]:
    return list(Trigger.objects.filter(active=True))


ACTED = (CaseState.SUBMITTED, CaseState.CONFIRMED)
REFUSED = (CaseState.DISMISSED, CaseState.REFUSED, CaseState.CORRECTION)


def proactive_figures(start: date, end: date, agency_code: str | None = None) -> list[dict[str, Any]]:
    """Decree 224/2026 Art. 19(2)(g), per trigger (service) and agency, for cases opened in ``[start, end)``:
    reminders sent, acted on, refused, and the mean days from the event to the person's answer."""
    qs = ProactiveCase.objects.filter(created_at__date__gte=start, created_at__date__lt=end)
    if agency_code:
        qs = qs.filter(trigger__agency_code=agency_code)
    rows = (qs.values("trigger__code", "trigger__name", "trigger__agency_code", "level")
            .annotate(sent=Count("id"), acted=Count("id", filter=Q(state__in=ACTED)),
                      refused=Count("id", filter=Q(state__in=REFUSED)))
            .order_by("trigger__code"))
    out = []
    for row in rows:
        decided = qs.filter(trigger__code=row["trigger__code"], decided_at__isnull=False).values_list(
            "event_on", "decided_at")
        days = [(d.date() - e).days for e, d in decided]
        out.append({"trigger": row["trigger__code"], "name": row["trigger__name"],
                    "agency": row["trigger__agency_code"], "level": row["level"], "sent": row["sent"],
                    "acted": row["acted"], "refused": row["refused"],
                    "event_to_result_days": round(sum(days) / len(days), 1) if days else None})
    return out
