"""Reads of proactive services: a person's tasks and refusals; the Art. 19(2)(g) figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
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


def observed_median_days(procedure_code: str, agency_code: str = "", limit: int = 500) -> float | None:
    """The office's observed median from submission to result, in calendar days (1 decimal), over its last
    ``limit`` finished dossiers; None without history."""
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.filter(procedure__code=procedure_code, finished_at__isnull=False)
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    spans = sorted((f - s).total_seconds() / 86400 for s, f in
                   qs.order_by("-finished_at").values_list("submitted_at", "finished_at")[:limit])
    if not spans:
        return None
    middle = len(spans) // 2
    value = spans[middle] if len(spans) % 2 else (spans[middle - 1] + spans[middle]) / 2
    return round(value, 1)


def fees_of(procedure_code: str, channel: str) -> int | None:
    """The stated fees of a procedure's channel (None when the catalog states none)."""
    from motcua.catalog.models import Fee

    amounts = list(Fee.objects.filter(channel__version__procedure__code=procedure_code,
                                      channel__version__procedure__current_version=models.F("channel__version"),
                                      channel__kind=channel).values_list("amount_vnd", flat=True))
    if not amounts or any(a is None for a in amounts):
        return None
    return int(sum(amounts))
