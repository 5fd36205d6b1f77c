"""Reads for pages, the API and the CLI: the index and evaluation tables through snapshots (computed once per
refresh, then read), trends, and the drill-down lists. Everything here reads fact tables, never the event log."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.db import IntegrityError, transaction

from . import evaluation, index, rules
from .facts import EVENTS
from .models import FactWatermark, IndexSnapshot


def watermark() -> int:
    mark = FactWatermark.objects.filter(name=EVENTS).values_list("last_id", flat=True).first()
    return mark or 0


def facts_status() -> dict:
    mark = FactWatermark.objects.filter(name=EVENTS).first()
    return {"watermark": mark.last_id if mark else None, "rebuilt_at": mark.rebuilt_at if mark else None,
            "refreshed_at": mark.refreshed_at if mark else None}


# Snapshots never change for a given watermark: the last ones read are kept in the process too (a table of every
# agency is a few hundred kilobytes of JSON; decoding it on every request would cost more than the page).
_CACHE: OrderedDict[tuple, dict] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple) -> dict | None:
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
        return found


def _remember(key: tuple, payload: dict) -> None:
    with _CACHE_LOCK:
        _CACHE[key] = payload
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def _snapshot(kind: str, period: rules.Period, level: str, scope: str, compute) -> dict:
    mark = watermark()
    key = (kind, period.key, level, scope, mark)
    found = _cached(key)
    if found is not None:
        return found
    found = (IndexSnapshot.objects.filter(kind=kind, period=period.key, level=level, scope=scope, watermark=mark)
             .values_list("payload", flat=True).first())
    if found is not None:
        _remember(key, found)
        return found
    t0 = time.monotonic()
    payload = compute()
    try:
        with transaction.atomic():
            IndexSnapshot.objects.create(kind=kind, period=period.key, level=level, scope=scope, watermark=mark,
                                         payload=payload, seconds=time.monotonic() - t0)
            if kind == "index":  # the totals alone, for trend charts (a few bytes instead of the whole table)
                IndexSnapshot.objects.create(kind="totals", period=period.key, level=level, scope=scope,
                                             watermark=mark, payload={r["code"]: r["total"] for r in payload["rows"]})
    except IntegrityError:  # computed at the same time by another request
        pass
    _remember(key, payload)
    return payload


def index_table(period: str, level: str, scope: str | None = None) -> dict:
    """The ranked service-index table (see :func:`motcua.oversight.index.compute`) as plain data."""
    p = rules.parse_period(period)
    sc = index.Scope.parse(scope)
    if level not in index.LEVELS:
        raise index.IndexError_(f"Unknown level {level!r}: one of {', '.join(index.LEVELS)}.")
    return _snapshot("index", p, level, str(sc) if sc else "", lambda: index.compute(p, level, sc).as_dict())


def evaluation_table(period: str, scope: str | None = None) -> dict:
    p = rules.parse_period(period)
    sc = index.Scope.parse(scope)
    return _snapshot("evaluation", p, "agency", str(sc) if sc else "", lambda: evaluation.compute(p, sc))


def trend(period: str, level: str, codes: list[str], scope: str | None = None, n: int = 12) -> dict:
    """Totals of the units ``codes`` over the ``n`` periods ending with ``period`` (oldest first)."""
    p = rules.parse_period(period)
    periods = rules.trailing_periods(p, n)
    series: dict[str, list[float | None]] = {c: [] for c in codes}
    sc = index.Scope.parse(scope)
    mark = watermark()
    stored = dict(IndexSnapshot.objects.filter(kind="totals", level=level, scope=str(sc) if sc else "",
                                               watermark=mark, period__in=[q.key for q in periods])
                  .values_list("period", "payload"))
    for q in periods:
        totals = stored.get(q.key)
        if totals is None:
            table = index_table(q.key, level, scope)
            totals = {r["code"]: r["total"] for r in table["rows"]}
        for c in codes:
            series[c].append(totals.get(c))
    return {"periods": [q.key for q in periods], "labels": [q.label() for q in periods], "series": series}


def drill(period: str, level: str, code: str, indicator: str, part: str, procedure: int | None = None,
          offset: int = 0, limit: int = 50, agencies: set[int] | None = None) -> dict:
    """A page of the dossiers behind one figure, with their codes and the facts that decided them; only those of
    ``agencies`` when given (the viewer's scope)."""
    qs = index.dossiers_behind(period, level, code, indicator, part, procedure)
    if agencies is not None:
        qs = qs.filter(agency_id__in=agencies)
    count = qs.count()
    rows = list(qs.order_by("dossier_id")[offset:offset + limit].values(
        "dossier__code", "agency__code", "procedure__code", "channel", "state", "received_day", "ended_day",
        "index_due_at", "supplement_count", "on_time", "late_day", "electronic_result", "paid_online", "rating"))
    for r in rows:
        r["code"] = r.pop("dossier__code")
        r["agency"] = r.pop("agency__code")
        r["procedure"] = r.pop("procedure__code")
    return {"count": count, "offset": offset, "limit": limit, "results": rows}


def warm(periods: list[str], levels: tuple[str, ...] = ("country", "ministry", "province"), trailing: int = 6) -> int:
    """Compute the snapshots the dashboard opens with (after a refresh): each period's tables and, for the trend
    charts, the ``trailing`` periods of the same kind before it."""
    n = 0
    for period in periods:
        for q in rules.trailing_periods(rules.parse_period(period), trailing):
            for level in levels:
                index_table(q.key, level)
                n += 1
        evaluation_table(period)
        n += 1
    return n


def drop_stale_snapshots() -> int:
    return IndexSnapshot.objects.exclude(watermark=watermark()).delete()[0]


def receipt_late_count(agency_ids: set[int] | None, start, end) -> int:
    """Online dossiers that arrived in ``[start, end)`` and that the desk answered — or has still not answered —
    after their 8 working hours (Decree 118/2025 Art. 17(2)(c); ``Dossier.receipt_late``, set on the desk's answer
    or by ``motcua dossiers flag-late-receipts``). ``agency_ids=None``: every unit."""
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.filter(receipt_late=True, submitted_at__gte=start, submitted_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    return qs.count()


def watch_list(agency_ids: set[int] | None, today, soon_days: int = 2, limit: int = 10) -> dict:
    """Open dossiers to act on now, from the facts: per unit, those already late and those due within ``soon_days``
    working days (national calendar) and not late yet; the units with most first. ``agency_ids=None``: every unit."""
    from django.db.models import Count, Q

    from motcua.core.calendar import WorkingCalendar

    from .models import DossierFact

    horizon = WorkingCalendar.from_db().add_working_days(today, soon_days)
    open_facts = DossierFact.objects.filter(ended_day__isnull=True)
    if agency_ids is not None:
        open_facts = open_facts.filter(agency_id__in=agency_ids)
    overdue = open_facts.filter(late_day__lte=today)
    soon = open_facts.filter(due_day__gte=today, due_day__lte=horizon).filter(
        Q(late_day__isnull=True) | Q(late_day__gt=today))

    def per_unit(qs) -> list[dict]:
        return list(qs.values("agency__code", "agency__name").annotate(n=Count("pk")).order_by("-n", "agency__code")
                    [:limit])

    return {"today": today, "horizon": horizon, "overdue": overdue.count(), "soon": soon.count(),
            "overdue_units": per_unit(overdue), "soon_units": per_unit(soon)}


def pakn_figures(agency_ids, period: str) -> dict[str, int]:
    """The PAKN counts of the items received in ``period`` by ``agency_ids`` (``None``: every agency), summed from
    the stored :class:`~motcua.oversight.models.PaknFact` rows (as of the last ``motcua oversight refresh``), with the
    keys of :func:`motcua.feedback.queries.pakn_counts`. Zero for a period no fact covers."""
    from django.db.models import Sum

    from motcua.feedback.queries import PAKN_KEYS

    from .models import PaknFact

    column = {"all": "all_items"}
    qs = PaknFact.objects.filter(period=rules.parse_period(period).key)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    sums = qs.aggregate(**{key: Sum(column.get(key, key)) for key in PAKN_KEYS})
    return {key: int(sums[key] or 0) for key in PAKN_KEYS}
