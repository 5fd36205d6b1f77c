"""Reads of the exchange core: whose data, who looked at it, which grants, and the figures (issue 4 points 6, 10)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from motcua.core.identifiers import personal_id_error
from motcua.core.ttlcache import MISSING, TTLCache

from .models import AccessGrant, AccessLogEntry, Outcome, PersonLink


def _personal_id_senders() -> tuple[type, ...]:
    from django.contrib.auth import get_user_model

    from motcua.units.models import Membership

    return (PersonLink, Membership, get_user_model())


def _personal_id_seconds() -> float:
    from motcua.core.auth import cache_seconds

    return cache_seconds()


# user id → personal ID ("" for none), in the shared cache with the tokens' lifetime: an online submission and every
# citizen page ask it; a new or removed link, membership or account clears it on every server at once (core.ttlcache).
_personal_ids = TTLCache("personal-ids", _personal_id_seconds, _personal_id_senders)


def personal_id_of(user) -> str | None:
    """The personal ID of a citizen account: its :class:`PersonLink` (written by the identity provider at sign-in),
    else — outside production only, the demo accounts' convention "citizens sign in with their personal ID as user
    name" — a user name that is a valid personal ID on an account that holds no officer membership. In production
    (``ENVIRONMENT = "production"``) only the link counts: a user name proves nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    key = (user.pk, settings.ENVIRONMENT)
    found = _personal_ids.get(key)
    if found is MISSING:
        found = _personal_id_from_db(user) or ""
        _personal_ids.put(key, found)
    return found or None


def _personal_id_from_db(user) -> str | None:
    link = PersonLink.objects.filter(user_id=user.pk).values_list("personal_id", flat=True).first()
    if link:
        return link
    if settings.ENVIRONMENT == "production":
        return None
    username = getattr(user, "username", "") or ""
    if personal_id_error(username) is None and not user.memberships.exists():
        return username
    return None


def data_access(personal_id: str) -> QuerySet[AccessLogEntry]:
    """Every logged attempt to read the person's data, newest first."""
    return AccessLogEntry.objects.filter(subject=personal_id).order_by("-id")


def active_grants(agency=None, registry: str | None = None) -> QuerySet[AccessGrant]:
    qs = AccessGrant.objects.active().select_related("agency").order_by("agency__code", "registry", "pk")
    if agency is not None:
        qs = qs.filter(agency=agency)
    if registry:
        qs = qs.filter(registry=registry)
    return qs


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, max(0, math.ceil(share * len(values)) - 1))], 3)


def _agency_filter(qs, agency_code: str | None):
    """The agency and the agencies below it (codes extend their parent's: ``H01`` → ``H01.STP``)."""
    if not agency_code:
        return qs
    return qs.filter(Q(agency_code=agency_code) | Q(agency_code__startswith=f"{agency_code}."))


def registry_figures(start: datetime, end: datetime, agency_code: str | None = None) -> dict[str, dict[str, Any]]:
    """Per registry, over ``[start, end)`` (one agency and those below it when given): attempts, calls, refusals,
    failures, failure rate and latency (p50, p95, mean, in ms).

    ``calls`` counts the calls that reached the registry (allowed, not found, unavailable); ``failure_rate`` is the
    share of those that failed (unavailable); refused and invalid attempts never reached it.
    """
    qs = _agency_filter(AccessLogEntry.objects.filter(at__gte=start, at__lt=end), agency_code)
    out: dict[str, dict[str, Any]] = {}
    for registry, outcome, latency in qs.values_list("registry", "outcome", "latency_ms").iterator(chunk_size=5000):
        row = out.setdefault(registry, {"attempts": 0, "calls": 0, "failures": 0, "refused": 0, "invalid": 0,
                                        "latencies": []})
        row["attempts"] += 1
        if outcome in (Outcome.ALLOWED, Outcome.NOT_FOUND, Outcome.UNAVAILABLE):
            row["calls"] += 1
            if latency is not None:
                row["latencies"].append(latency)
        row["failures"] += outcome == Outcome.UNAVAILABLE
        row["refused"] += outcome == Outcome.REFUSED
        row["invalid"] += outcome == Outcome.INVALID
    for row in out.values():
        latencies = row.pop("latencies")
        row["failure_rate"] = round(row["failures"] / row["calls"], 4) if row["calls"] else None
        row["latency_ms_p50"] = _percentile(latencies, 0.5)
        row["latency_ms_p95"] = _percentile(latencies, 0.95)
        row["latency_ms_mean"] = round(sum(latencies) / len(latencies), 3) if latencies else None
    return dict(sorted(out.items()))


def exchange_figures(start: datetime, end: datetime, agency_code: str | None = None) -> dict[str, Any]:
    """The supervision figures of issue 4 point 10 for ``[start, end)`` and one agency (with those below it) or all.

    Registry latency and failure rates come from the access log (:func:`registry_figures`); the share of applicant
    fields prefilled and of required documents replaced by data or reused come from the submissions recorded by the
    personal data store (:func:`motcua.exchange.store.queries.reuse_figures`).
    """
    registries = registry_figures(start, end, agency_code)
    calls = sum(r["calls"] for r in registries.values())
    failures = sum(r["failures"] for r in registries.values())
    figures: dict[str, Any] = {
        "period": {"start": start, "end": end}, "agency": agency_code or None,
        "registries": registries,
        "registry_calls": calls,
        "registry_failure_rate": round(failures / calls, 4) if calls else None,
        "prefilled_field_share": None, "documents_replaced_or_reused_share": None, "reuse": None,
    }
    try:
        from motcua.exchange.store.queries import reuse_figures
    except ImportError:  # the data store is not installed
        return figures
    reuse = reuse_figures(agency_code or None, (start, end))
    figures.update(prefilled_field_share=reuse.prefilled_share,
                   documents_replaced_or_reused_share=reuse.replaced_or_reused_share, reuse=reuse.as_dict())
    return figures


# Reads recorded in the access log that are not registry look-ups (issue 12 point 15: an officer's bulk read of
# applicants' personal data from the dossiers, ``motcua.dossiers.services.record_personal_data_read``).
LOCAL_READS = {"ho-so": "Hồ sơ thủ tục hành chính (số định danh, số điện thoại của người nộp)"}


def describe_access(entries: list[AccessLogEntry]) -> list[dict[str, Any]]:
    """Log entries as the citizen sees them: when, agency (name), officer or role, dossier, purpose, fields."""
    from django.utils.translation import gettext as _

    from motcua.units.models import Agency, Role

    from .registries import SPECS

    codes = {e.agency_code for e in entries if e.agency_code}
    names = dict(Agency.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    roles = dict(Role.choices) | {"citizen": _("Bạn (tự tra cứu)"), "system": _("Hệ thống (liên thông tự động)")}
    rows = []
    for e in entries:
        spec = SPECS.get(e.registry)
        rows.append({
            "id": e.pk, "at": e.at,
            "agency": {"code": e.agency_code, "name": names.get(e.agency_code, e.agency_code)} if e.agency_code
            else None,
            "officer": e.actor_name or (e.actor_username if e.role not in ("citizen", "system") else ""),
            "role": e.role, "role_label": str(roles.get(e.role, e.role)),
            "dossier": e.dossier_code, "procedure": e.procedure_code, "purpose": e.purpose,
            "registry": {"name": e.registry,
                         "label": spec.label if spec else str(LOCAL_READS.get(e.registry, e.registry))},
            "fields": [{"name": a, "label": spec.attributes.get(a, a) if spec else a} for a in e.attributes],
            "outcome": e.outcome, "outcome_label": str(Outcome(e.outcome).label) if e.outcome in Outcome.values
            else e.outcome,
        })
    return rows


def grouped_access(personal_id: str) -> list[dict[str, Any]]:
    """The person's access log as they read it (issue 14 point 11): one row per dossier × registry, newest first,
    with the number of accesses and their time range; the agencies, officers, purposes and fields of the group's
    accesses gathered, the outcome of its latest. Accesses without a dossier group by registry and purpose."""
    entries = list(data_access(personal_id))
    described = describe_access(entries)
    groups: dict[tuple, dict[str, Any]] = {}
    for row in described:  # newest first: the first row of a group is its latest access
        key = (row["dossier"], row["registry"]["name"], "" if row["dossier"] else row["purpose"])
        group = groups.get(key)
        if group is None:
            groups[key] = group = {**row, "count": 0, "first_at": row["at"], "last_at": row["at"], "agencies": [],
                                   "officers": [], "purposes": [], "fields": []}
        group["count"] += 1
        group["first_at"] = row["at"]
        for name, value in (("agencies", row["agency"]), ("officers", row["officer"]), ("purposes", row["purpose"])):
            if value and value not in group[name]:
                group[name].append(value)
        for field in row["fields"]:
            if field not in group["fields"]:
                group["fields"].append(field)
    return list(groups.values())


def data_access_page(personal_id: str, page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """One page (1-based) of the person's access log, described, and the total count."""
    qs = data_access(personal_id)
    total = qs.count()
    start = (page - 1) * page_size
    return describe_access(list(qs[start:start + page_size])), total
