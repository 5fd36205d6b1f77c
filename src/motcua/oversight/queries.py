"""Reads for pages, the API and the CLI: the index and evaluation tables through snapshots (computed once per
refresh, then read), trends, and the drill-down lists. Everything here reads fact tables, never the event log."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import evaluation, index, rules
from .facts import EVENTS
from .models import FactWatermark, IndexSnapshot


def watermark() -> int:
    return _generation()[0]


def _generation() -> tuple[int, object]:
    """The watermark and the time of the last refresh: what the tables in this process's cache were computed from
    (a refresh without new events may still change the catalog or PAKN facts)."""
    row = FactWatermark.objects.filter(name=EVENTS).values_list("last_id", "refreshed_at").first()
    return (row[0] or 0, row[1]) if row else (0, None)


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


SCORE_KEYS = ("code", "numerator", "denominator", "rate", "points", "max_points", "source", "note")


def pack(payload: dict) -> dict:
    """An index table as stored: each distinct list of scores once (a national table lists thousands of units, most
    with the same N/A scores), as lists of values in :data:`SCORE_KEYS` order — about a tenth of the JSON to write,
    store and read. :func:`unpack` gives the table back."""
    rows = payload.get("rows")
    if not rows or not all(isinstance(sc, dict) for r in rows[:1] for sc in r.get("scores") or [None]):
        return payload  # not an index table (the evaluation's scores are plain numbers)
    sets: list[list[list]] = []
    seen: dict[tuple, int] = {}
    packed_rows = []
    for r in rows:
        values = tuple(tuple(sc.get(k) for k in SCORE_KEYS) for sc in r["scores"])
        if values not in seen:
            seen[values] = len(sets)
            sets.append([list(v) for v in values])
        packed_rows.append({**{k: v for k, v in r.items() if k != "scores"}, "s": seen[values]})
    return {**payload, "rows": packed_rows, "score_sets": sets}


def unpack(stored: dict) -> dict:
    """The table :func:`pack` stored (rows with the same scores share one list)."""
    if "score_sets" not in stored:
        return stored
    sets = [[dict(zip(SCORE_KEYS, v, strict=True)) for v in values] for values in stored["score_sets"]]
    rows = [{**{k: v for k, v in r.items() if k != "s"}, "scores": sets[r["s"]]} for r in stored["rows"]]
    return {**{k: v for k, v in stored.items() if k != "score_sets"}, "rows": rows}


def _snapshot(kind: str, period: rules.Period, level: str, scope: str, compute) -> dict:
    mark, refreshed = _generation()
    key = (kind, period.key, level, scope, mark, refreshed)
    found = _cached(key)
    if found is not None:
        return found
    found = (IndexSnapshot.objects.filter(kind=kind, period=period.key, level=level, scope=scope, watermark=mark)
             .values_list("payload", flat=True).first())
    if found is not None:
        found = unpack(found)
        _remember(key, found)
        return found
    t0 = time.monotonic()
    payload = compute()
    try:
        with transaction.atomic():
            IndexSnapshot.objects.create(kind=kind, period=period.key, level=level, scope=scope, watermark=mark,
                                         payload=pack(payload) if kind == "index" else payload,
                                         seconds=time.monotonic() - t0)
            if kind == "index":  # the totals alone, for trend charts (a few bytes instead of the whole table)
                IndexSnapshot.objects.create(kind="totals", period=period.key, level=level, scope=scope,
                                             watermark=mark, payload={r["code"]: r["total"] for r in payload["rows"]})
    except IntegrityError:  # computed at the same time by another request
        pass
    _remember(key, payload)
    return payload


def index_table(period: str, level: str, scope: str | None = None, compute: Callable[[], dict] | None = None) -> dict:
    """The ranked service-index table (see :func:`motcua.oversight.index.compute`) as plain data: the snapshot of the
    current watermark, computed and stored on a miss (the API, the CLI and the report; pages read
    :func:`stored_index_table`). ``compute``: how to compute it when the caller already holds the table."""
    p = rules.parse_period(period)
    sc = index.Scope.parse(scope)
    if level not in index.LEVELS:
        raise index.IndexError_(f"Không có cấp {level!r}: hãy chọn một cấp trong danh sách.")
    return _snapshot("index", p, level, str(sc) if sc else "",
                     compute or (lambda: index.compute(p, level, sc).as_dict()))


def evaluation_table(period: str, scope: str | None = None, compute: Callable[[], dict] | None = None) -> dict:
    p = rules.parse_period(period)
    sc = index.Scope.parse(scope)
    return _snapshot("evaluation", p, "agency", str(sc) if sc else "", compute or (lambda: evaluation.compute(p, sc)))


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


# What the pages read (issue 14 point 9) -----------------------------------------------------------------------------
#
# Pages never compute a table in the request: they read the newest stored snapshot of the table they show (the one of
# the current watermark once the refresh has stored it, the previous one meanwhile, with its time). The scheduled
# refresh (``motcua oversight refresh --warm``) stores every table the menus offer: the national table of every level
# for every period offered; a table inside a province, ministry or commune at a level whose units lie inside it (its
# communes, its agencies) is the national table's rows of those units, ranked again, never computed. A table that is
# not stored yet (before the first refresh, a procedure table, a period outside the menus) raises
# :class:`NotPrepared`: the page says it is being prepared and :func:`queue_preparation` queues it.

OFFERED_LEVELS = ("country", "ministry", "province", "commune", "agency")
# The levels whose units lie wholly inside a scope of each kind (a province's communes and agencies, the province
# itself): their table inside the scope is a part of the national one, the same figures.
CONTAINED = {"province": ("province", "commune", "agency"), "ministry": ("ministry", "agency"),
             "commune": ("commune", "agency"), "agency": ("agency",)}
TREND_PERIODS = 6  # the index page's trend chart
REWARM_LIMIT = 200  # tables opened once outside the menus (procedure level) kept up to date by each refresh


class NotPrepared(Exception):
    """The table a page shows is not stored yet: the refresh computes it (the page says so and queues it)."""

    def __init__(self, kind: str, period: str, level: str, scope: str) -> None:
        super().__init__(f"{kind} {period} {level} {scope}: not stored yet")
        self.kind, self.period, self.level, self.scope = kind, period, level, scope


@dataclass(frozen=True)
class Stored:
    """A stored table and when it was computed (``current``: at the current watermark)."""

    payload: dict
    computed_at: datetime | None
    current: bool
    source: tuple[str, str, str, str] = ("", "", "", "")  # the stored table's kind, period, level and scope


def offered_periods(today: date | None = None) -> list[rules.Period]:
    """The periods the forms offer (issue 14 point 5: chosen from a list), newest first in each kind: this month and
    the 11 before, this quarter and the 3 before, this year and the one before."""
    today = today or timezone.now().astimezone(rules.TZ).date()
    month = rules.parse_period(f"{today.year}-{today.month:02d}")
    quarter = rules.parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    year = rules.parse_period(str(today.year))
    return [*reversed(rules.trailing_periods(month, 12)), *reversed(rules.trailing_periods(quarter, 4)),
            *reversed(rules.trailing_periods(year, 2))]


def refresh_periods(today: date | None = None) -> list[rules.Period]:
    """The periods whose tables the refresh stores: those offered, and before them as many as the trend chart of the
    current period of each kind shows, from the first day with dossier facts (a trend shows no value before the
    history begins); the current week too, for the API's readers."""
    from django.db.models import Min

    from .models import DailyFact

    today = today or timezone.now().astimezone(rules.TZ).date()
    first = DailyFact.objects.aggregate(first=Min("day"))["first"] or today
    out: dict[str, rules.Period] = {}
    for p in offered_periods(today):
        out.setdefault(p.key, p)
    for p in [offered_periods(today)[i] for i in (0, 12, 16)]:  # the current month, quarter and year
        for q in rules.trailing_periods(p, TREND_PERIODS):
            if q.end >= first:
                out.setdefault(q.key, q)
    iso = today.isocalendar()
    week = rules.parse_period(f"{iso[0]}-W{iso[1]:02d}")
    out.setdefault(week.key, week)
    return list(out.values())


def _latest(kind: str, period: str, level: str, scope: str) -> Stored | None:
    mark, refreshed = _generation()
    key = ("stored", kind, period, level, scope, mark, refreshed)
    found = _cached(key)
    if found is not None:
        return found
    row = (IndexSnapshot.objects.filter(kind=kind, period=period, level=level, scope=scope)
           .order_by("-watermark").values_list("payload", "computed_at", "watermark").first())
    if row is None:
        return None
    stored = Stored(unpack(row[0]), row[1], row[2] == mark, (kind, period, level, scope))
    if stored.current:  # an older one is replaced by the refresh under way: not kept in the process
        _remember(key, stored)
    return stored


def _stored(kind: str, period: str, level: str, scope: str) -> Stored:
    found = _latest(kind, period, level, scope)
    if found is None:
        raise NotPrepared(kind, period, level, scope)
    return found


def _codes_inside(sc: index.Scope, level: str) -> set[str]:
    """The codes of the units of ``level`` whose agencies lie inside ``sc``."""
    d = index.directory()
    out = set()
    for agency_id in sc.agencies(d):
        unit = index.unit_of(d.agencies[agency_id], level, d)
        if unit is not None:
            out.add(unit.code)
    return out


def _part(stored: Stored, sc: index.Scope, level: str, codes: set[str] | None = None) -> Stored:
    """The national table's rows of the units inside ``sc``, ranked again (the same figures: a unit's scores depend
    only on its own agencies)."""
    codes = _codes_inside(sc, level) if codes is None else codes
    rows = rules.rank([dict(r) for r in stored.payload["rows"] if r["code"] in codes])
    return Stored({**stored.payload, "scope": str(sc), "rows": rows}, stored.computed_at, stored.current,
                  stored.source)


def stored_index_table(period: str, level: str, scope: str | None = None) -> Stored:
    """The index table a page shows, from stored snapshots only (:class:`NotPrepared` when none is stored)."""
    p = rules.parse_period(period)
    sc = index.Scope.parse(scope)
    if level not in index.LEVELS:
        raise index.IndexError_(f"Không có cấp {level!r}: hãy chọn một cấp trong danh sách.")
    if level == "procedure" and sc is None:
        raise index.IndexError_("Cấp thủ tục cần chọn phạm vi (một cơ quan, xã, tỉnh hoặc bộ) trong danh sách.")
    if sc is not None:
        sc.agencies(index.directory())  # an unknown unit is an error, not a table being prepared
        if level in CONTAINED[sc.level]:
            return _part(_stored("index", p.key, level, ""), sc, level)
    return _stored("index", p.key, level, str(sc) if sc else "")


def stored_evaluation_table(period: str, scope: str | None = None) -> Stored:
    """The evaluation table a page shows: the stored national one, or its agencies inside ``scope``."""
    p = rules.parse_period(period)
    sc = index.Scope.parse(scope)
    if sc is not None:
        sc.agencies(index.directory())  # an unknown unit is an error, not a table being prepared
    national = _stored("evaluation", p.key, "agency", "")
    return national if sc is None else _part(national, sc, "agency")


def stored_trend(period: str, level: str, codes: list[str], scope: str | None = None, n: int = 12) -> dict:
    """Like :func:`trend`, from the stored totals only: a period whose table is not stored shows no value."""
    p = rules.parse_period(period)
    periods = rules.trailing_periods(p, n)
    sc = index.Scope.parse(scope)
    stored_scope = "" if sc is None or level in CONTAINED[sc.level] else str(sc)
    totals: dict[str, dict] = {}
    for key, payload in (IndexSnapshot.objects.filter(kind="totals", level=level, scope=stored_scope,
                                                      period__in=[q.key for q in periods])
                         .order_by("watermark").values_list("period", "payload")):
        totals[key] = payload  # the newest last
    series = {c: [totals.get(q.key, {}).get(c) for q in periods] for c in codes}
    return {"periods": [q.key for q in periods], "labels": [q.label() for q in periods], "series": series}


def is_stored(kind: str, period: str, level: str, scope: str) -> bool:
    """Whether a table of this key is stored (at any watermark): what a page being prepared asks."""
    return IndexSnapshot.objects.filter(kind=kind, period=period, level=level, scope=scope).exists()


PREPARE = "oversight.prepare"


def queue_preparation(kind: str, period: str, level: str, scope: str) -> None:
    """Queue the computation of a table a page found missing (one job per table and watermark). Where jobs run in
    the web process (the embedded default), the job runs once the page has been sent, never inside the request."""
    from motcua.core import jobs

    key = f"{PREPARE}:{kind}:{period}:{level}:{scope}:{watermark()}"[:200]
    inline = bool(settings.MOTCUA_JOBS_INLINE)
    job = jobs.enqueue(PREPARE, {"kind": kind, "period": period, "level": level, "scope": scope}, key=key,
                       run_after=timezone.now() + AFTER_RESPONSE if inline else None)
    if inline and job.status == "pending":
        after_response(job.pk, job.run_after)


AFTER_RESPONSE = timedelta(seconds=1)


def queue_if_old(stored: Stored) -> None:
    """Queue the recomputation of a table shown from an older refresh (a refresh that did not store it)."""
    if not stored.current:
        queue_preparation(*stored.source)


def after_response(job_id: int, due: datetime) -> None:
    """Run an outbox job once the current response has been sent (``request_finished``), in this process. The job is
    written due a moment later, so the inline run at the commit skips it; outside a request it waits for the
    runner (``motcua jobs run``) like any other."""
    from django.core.signals import request_finished

    from motcua.core import jobs

    uid = f"motcua.oversight.after_response.{job_id}"

    def run(sender, **kwargs) -> None:
        request_finished.disconnect(dispatch_uid=uid)
        jobs.run_job(job_id, now=max(due, timezone.now()))

    request_finished.connect(run, weak=False, dispatch_uid=uid)


def prepare(kind: str, period: str, level: str, scope: str) -> None:
    """Compute and store one table (the job queued by :func:`queue_preparation`)."""
    if kind == "evaluation":
        evaluation_table(period, scope or None)
    else:
        index_table(period, level, scope or None)


def warm(periods: list[str] | None = None, levels: tuple[str, ...] = OFFERED_LEVELS,
         progress: Callable[[int, int], None] | None = None) -> int:
    """Store every table the pages offer for the current watermark (issue 14 point 9): the national index of each
    level and the national evaluation for each period (default :func:`refresh_periods`), and again every other table
    a page asked for before (a procedure table of an agency, a period outside the menus), up to
    :data:`REWARM_LIMIT`. Then drops the snapshots of older watermarks. Returns how many tables it stored."""
    chosen = [rules.parse_period(p) for p in periods] if periods else refresh_periods()
    mark = watermark()
    done = {(kind, p.key, level, "") for p in chosen for level in levels for kind in ("index", "evaluation")}
    again = []
    for key in (IndexSnapshot.objects.filter(kind__in=("index", "evaluation"), watermark__lt=mark)
                .order_by("-computed_at").values_list("kind", "period", "level", "scope")):
        if key not in done and len(again) < REWARM_LIMIT:
            done.add(key)
            again.append(key)
    steps = len(chosen) * len(levels) + len(again)
    n = 0
    for p in chosen:
        for level in levels:
            if level == "agency":  # the evaluation is computed from the same agency table
                table = _Once(lambda p=p: index.compute(p, "agency"))
                index_table(p.key, "agency", compute=lambda t=table: t().as_dict())
                evaluation_table(p.key, compute=lambda p=p, t=table: evaluation.compute(p, None, agency_table=t()))
            else:
                index_table(p.key, level)
            n += 1
            if progress:
                progress(n, steps)
    for kind, period, level, scope in again:
        with contextlib.suppress(index.IndexError_, rules.PeriodError):  # a unit or level that is gone
            prepare(kind, period, level, scope)
        n += 1
        if progress:
            progress(n, steps)
    drop_stale_snapshots()
    return n


class _Once:
    """A computation run at most once, when first needed."""

    def __init__(self, compute: Callable[[], object]) -> None:
        self.compute, self.done, self.value = compute, False, None

    def __call__(self):
        if not self.done:
            self.value, self.done = self.compute(), True
        return self.value


def drop_stale_snapshots() -> int:
    """Drop the snapshots of older watermarks (after the refresh has stored the current ones)."""
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
