"""Reads of proactive services: a person's tasks and refusals; the Art. 19(2)(g) figures."""

from __future__ import annotations

from collections.abc import Collection
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


def proactive_figures(start: date, end: date, agency_code: str | None = None, *,
                      agency_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """Decree 224/2026 Art. 19(2)(g), per trigger (service) and agency, for cases opened in ``[start, end)``:
    reminders sent, acted on, refused, and the mean days from the event to the person's answer. ``agency_ids``: only
    the triggers of those agencies (a province's, for its page and report)."""
    from motcua.units.models import Agency

    qs = ProactiveCase.objects.filter(created_at__date__gte=start, created_at__date__lt=end)
    if agency_code:
        qs = qs.filter(trigger__agency_code=agency_code)
    if agency_ids is not None:
        qs = qs.filter(trigger__agency_code__in=Agency.objects.filter(pk__in=list(agency_ids)).values("code"))
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


def observed_medians(procedure_code: str, agency_codes: Collection[str], per_office: int = 500,
                     rows: int = 20_000) -> dict[str, tuple[float, int]]:
    """Each office's observed median from submission to result, in calendar days (1 decimal), over its last
    ``per_office`` finished dossiers of the procedure, with how many: ``{agency code: (median, count)}`` for the
    offices with history. One query for every desk of a province (``rows`` caps what is read)."""
    from motcua.dossiers.models import Dossier

    spans: dict[str, list[float]] = {}
    for code, submitted, finished in (Dossier.objects.filter(procedure__code=procedure_code,
                                                             agency__code__in=list(agency_codes),
                                                             finished_at__isnull=False)
                                      .order_by("-finished_at")
                                      .values_list("agency__code", "submitted_at", "finished_at")[:rows]):
        taken = spans.setdefault(code, [])
        if len(taken) < per_office:
            taken.append((finished - submitted).total_seconds() / 86400)
    out = {}
    for code, values in spans.items():
        values.sort()
        middle = len(values) // 2
        value = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        out[code] = (round(value, 1), len(values))
    return out


def limit_days_of(procedure_code: str, channel: str) -> float | None:
    """The legal time limit of a procedure's channel in days (the same working day counts ½), None when not stated."""
    from motcua.catalog.models import Channel

    row = (Channel.objects.filter(version__procedure__code=procedure_code,
                                  version__procedure__current_version=models.F("version"), kind=channel)
           .order_by("position").values_list("time_limit_amount", "time_limit_unit").first())
    if row is None or (row[0] is None and row[1] != "same_day"):
        return None
    return 0.5 if row[1] == "same_day" else float(row[0])


def fees_of(procedure_code: str, channel: str) -> int | None:
    """The stated fees of a procedure's channel (None when the catalog states none)."""
    from motcua.catalog.models import Fee

    amounts = list(Fee.objects.filter(channel__version__procedure__code=procedure_code,
                                      channel__version__procedure__current_version=models.F("channel__version"),
                                      channel__kind=channel).values_list("amount_vnd", flat=True))
    if not amounts or any(a is None for a in amounts):
        return None
    return int(sum(amounts))


ROLES = ("competent", "implementing", "authorised")  # the agencies that offer a service (not the coordinating ones)


def province_agencies(province: int) -> set[int]:
    """The agencies of a province: its committee's tree (``H01``, ``H01.…``), as the oversight scopes count them."""
    from motcua.units.models import Agency

    root = f"H{province:02d}"
    return set(Agency.objects.filter(Q(code=root) | Q(code__startswith=f"{root}.")).values_list("pk", flat=True))


def service_figures(start: date, end: date, agency_code: str | None = None, *,
                    agency_ids: Collection[int] | None = None) -> dict[str, Any]:
    """Decree 224/2026 Art. 19(2)(a)–(f), per service (procedure) and agency, for dossiers submitted in
    ``[start, end)``: (a) the share of published services offered fully online, (b) dossiers received online and
    their share, (c) the automation degree (share of dossier steps done by the system, without a person),
    (d) the mean processing time in days, (e) the on-time rate, (f) satisfaction (share of ratings satisfied);
    and (g) the proactive services' own figures (:func:`proactive_figures`).

    Scoped by ``agency_code`` (one agency) or ``agency_ids`` (a province's or a body's agencies; None: the country),
    every figure is the scope's own — (a) too: the published services whose current version names an agency of the
    scope (competent, implementing, authorised), not the country's (a province's page had shown the national
    share)."""
    from django.db.models import Avg, DurationField, ExpressionWrapper, F

    from motcua.catalog.models import OnlineLevel, ProcedureVersion, VersionAgency, VersionStatus
    from motcua.dossiers.models import Dossier, DossierEvent

    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED,
                                                procedure__current_version=F("pk"))
    dossiers = Dossier.objects.filter(submitted_at__date__gte=start, submitted_at__date__lt=end)
    if agency_code:
        dossiers = dossiers.filter(agency__code=agency_code)
        published = published.filter(pk__in=VersionAgency.objects.filter(agency__code=agency_code, role__in=ROLES)
                                     .values("version_id"))
    if agency_ids is not None:
        ids = list(agency_ids)
        dossiers = dossiers.filter(agency_id__in=ids)
        published = published.filter(pk__in=VersionAgency.objects.filter(agency_id__in=ids, role__in=ROLES)
                                     .values("version_id"))
    total_services = published.count()
    full_online = published.filter(online_level=OnlineLevel.FULL).count()
    took = ExpressionWrapper(F("finished_at") - F("submitted_at"), output_field=DurationField())
    rows = (dossiers.values("procedure__code", "agency__code")
            .annotate(total=Count("id"), online=Count("id", filter=Q(channel="online")),
                      finished=Count("id", filter=Q(finished_at__isnull=False)),
                      on_time=Count("id", filter=Q(finished_at__isnull=False, due_at__isnull=False,
                                                   finished_at__lte=F("due_at"))),
                      rated=Count("id", filter=~Q(rating="")),
                      satisfied=Count("id", filter=Q(rating="satisfied")),
                      mean_time=Avg(took, filter=Q(finished_at__isnull=False)))
            .order_by("agency__code", "procedure__code"))
    events = {(r["dossier__procedure__code"], r["dossier__agency__code"]): (r["steps"], r["auto"])
              for r in DossierEvent.objects.filter(dossier__in=dossiers)
              .values("dossier__procedure__code", "dossier__agency__code")
              .annotate(steps=Count("id"), auto=Count("id", filter=Q(role="system")))}

    def share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    services = []
    for r in rows:
        steps, auto = events.get((r["procedure__code"], r["agency__code"]), (0, 0))
        mean = r["mean_time"]
        services.append({
            "procedure": r["procedure__code"], "agency": r["agency__code"], "dossiers": r["total"],
            "online": r["online"], "online_share": share(r["online"], r["total"]),
            "automation_share": share(auto, steps),
            "mean_days": round(mean.total_seconds() / 86400, 1) if mean is not None else None,
            "on_time_share": share(r["on_time"], r["finished"]),
            "satisfaction_share": share(r["satisfied"], r["rated"]),
        })
    return {"period": (start, end), "full_online_services": full_online, "services": total_services,
            "full_online_share": share(full_online, total_services), "rows": services,
            "proactive": proactive_figures(start, end, agency_code, agency_ids=agency_ids)}
