"""The service index (Decision 766/QĐ-TTg, domain.md §7) computed from the fact tables, for every agency, commune,
province and ministry and for the country, by week, month, quarter and year; and the dossiers behind each figure.

Reads only :mod:`motcua.oversight.models` (and the small unit, agency and catalog-fact tables): two grouped queries
over :class:`~.models.DailyFact` — the period's sums per agency × procedure, and the balances (received − ended,
became late − ended late) per agency over every day up to the period's end — then the scoring of :mod:`.rules`.

Which dossiers count for 2.1: those whose processing ended in the period, and those received by the period's end and
still open then (on time when not yet late at the end; waiting for the applicant pauses the clock).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from prometheus_client import Counter

from motcua.dossiers.lawsets import rules_for
from motcua.units.models import AdministrativeUnit, Agency

from . import rules
from .models import DAILY_COUNTERS, AgencyMonthFact, CatalogFact, DailyFact, DossierFact, PaknFact, ProcedureMonthFact
from .roles import national_evaluator

LEVELS = ("country", "ministry", "province", "commune", "agency", "procedure")
LEVEL_NAMES = {"country": "Cả nước", "ministry": "Bộ, ngành", "province": "Tỉnh, thành phố", "commune": "Xã, phường",
               "agency": "Cơ quan", "procedure": "Thủ tục hành chính"}
MINISTRY_KINDS = ("ministry", "ministry_level", "central_other")
COUNTRY = "VN"


class IndexError_(ValueError):
    """A bad level, period or scope (the API answers 400)."""


# Units and scopes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    code: str
    name: str
    kind: str
    level: str
    province_id: int | None
    commune_id: int | None
    ministry_id: int | None  # the top ministry-level ancestor


@dataclass
class Directory:
    agencies: dict[int, AgencyInfo]
    by_code: dict[str, AgencyInfo]
    provinces: dict[int, tuple[str, str]]  # unit id → (code, name)
    communes: dict[int, tuple[str, str, int]]  # unit id → (code, name, province unit id)
    province_by_code: dict[str, int]
    commune_by_code: dict[str, int]
    loaded: float = field(default_factory=time.monotonic)


_DIRECTORY: Directory | None = None
_LOCK = threading.Lock()
DIRECTORY_TTL = 300.0


def directory(fresh: bool = False) -> Directory:
    """Agencies and units, cached in the process for a few minutes (they change rarely)."""
    global _DIRECTORY
    with _LOCK:
        if not fresh and _DIRECTORY is not None and time.monotonic() - _DIRECTORY.loaded < DIRECTORY_TTL:
            return _DIRECTORY
        units = {u[0]: u for u in AdministrativeUnit.objects.values_list("id", "level", "code", "name", "province_id")}
        provinces = {uid: (f"{u[2]:02d}", u[3]) for uid, u in units.items() if u[1] == "province"}
        communes = {uid: (f"{u[2]:05d}", u[3], u[4]) for uid, u in units.items() if u[1] != "province"}
        rows = list(Agency.objects.values_list("id", "code", "name", "kind", "level", "unit_id", "parent_id"))
        parent = {r[0]: r[6] for r in rows}
        kind = {r[0]: r[3] for r in rows}
        agencies = {}
        for aid, code, name, k, level, unit_id, _ in rows:
            root, hops = aid, 0
            while parent.get(root) and hops < 20:
                root, hops = parent[root], hops + 1
            province_id = commune_id = None
            if unit_id in provinces:
                province_id = unit_id
            elif unit_id in communes:
                commune_id, province_id = unit_id, communes[unit_id][2]
            ministry_id = root if kind.get(root) in MINISTRY_KINDS else None
            agencies[aid] = AgencyInfo(aid, code, name, k, level, province_id, commune_id, ministry_id)
        _DIRECTORY = Directory(agencies, {a.code: a for a in agencies.values()}, provinces, communes,
                               {c: uid for uid, (c, _) in provinces.items()},
                               {c: uid for uid, (c, _, _) in communes.items()})
        return _DIRECTORY


@dataclass(frozen=True)
class Unit:
    level: str
    key: object
    code: str
    name: str


def unit_of(info: AgencyInfo, level: str, d: Directory) -> Unit | None:
    """The unit of ``level`` an agency's dossiers count for (None: not part of any unit of that level)."""
    if level == "country":
        return Unit("country", COUNTRY, COUNTRY, "Cả nước")
    if level == "agency":
        return Unit("agency", info.id, info.code, info.name)
    if level == "province":
        if info.province_id is None:
            return None
        code, name = d.provinces[info.province_id]
        return Unit("province", info.province_id, code, name)
    if level == "commune":
        if info.commune_id is None:
            return None
        code, name, _ = d.communes[info.commune_id]
        return Unit("commune", info.commune_id, code, name)
    if level == "ministry":
        if info.ministry_id is None:
            return None
        root = d.agencies[info.ministry_id]
        return Unit("ministry", root.id, root.code, root.name)
    raise IndexError_(f"Không có cấp {level!r}.")


@dataclass(frozen=True)
class Scope:
    """A unit to look inside: ``province:01``, ``ministry:BTP``, ``commune:00004``, ``agency:H01.TTPVHCC``."""

    level: str
    code: str

    @classmethod
    def parse(cls, text: str | None) -> Scope | None:
        if not text:
            return None
        level, _, code = str(text).partition(":")
        if level not in ("province", "ministry", "commune", "agency") or not code:
            raise IndexError_("Phạm vi không hợp lệ: hãy chọn một tỉnh, bộ, xã hoặc cơ quan trong danh sách.")
        return cls(level, code)

    def __str__(self) -> str:
        return f"{self.level}:{self.code}"

    def agencies(self, d: Directory) -> set[int]:
        if self.level == "agency":
            info = d.by_code.get(self.code)
            if info is None:
                raise IndexError_(f"Không có cơ quan {self.code!r}.")
            return {info.id}
        if self.level == "province":
            key = d.province_by_code.get(self.code.zfill(2))
            if key is None:
                raise IndexError_(f"Không có tỉnh, thành phố mã {self.code!r}.")
            return {a.id for a in d.agencies.values() if a.province_id == key}
        if self.level == "commune":
            key = d.commune_by_code.get(self.code.zfill(5))
            if key is None:
                raise IndexError_(f"Không có xã, phường mã {self.code!r}.")
            return {a.id for a in d.agencies.values() if a.commune_id == key}
        info = d.by_code.get(self.code)
        if info is None or info.ministry_id != info.id:
            raise IndexError_(f"Không có bộ, ngành {self.code!r}.")
        return {a.id for a in d.agencies.values() if a.ministry_id == info.id}


# Catalog scope: which procedures a unit is answerable for -----------------------------------------------------------


def _catalog_key(unit: Unit, d: Directory, agency_info: AgencyInfo | None = None) -> tuple:
    if unit.level == "country":
        return ("country",)
    if unit.level == "province":
        return ("province", unit.key)
    if unit.level == "commune":
        return ("commune", d.communes[unit.key][2])
    if unit.level == "ministry":
        return ("ministry", unit.key)
    if unit.level == "agency" and agency_info is not None:
        if agency_info.ministry_id is not None:
            return ("ministry", agency_info.ministry_id)
        if agency_info.level == "commune":
            return ("commune", agency_info.province_id)
        return ("province", agency_info.province_id)
    return ("procedure", unit.key)


def applies(cf: CatalogFact, key: tuple) -> bool:
    """Whether a procedure is within a unit's catalog: every published procedure for the country; national or the
    province's own localised procedures at province or commune level for a province; at commune level for a commune;
    those naming the ministry (or its bodies) competent or implementing for a ministry."""
    kind = key[0]
    levels = cf.levels.split(",") if cf.levels else []
    if kind == "country":
        return True
    if kind == "province":
        return ("province" in levels or "commune" in levels) and cf.province_id in (None, key[1])
    if kind == "commune":
        return "commune" in levels and cf.province_id in (None, key[1])
    if kind == "ministry":
        return cf.ministry_id == key[1]
    return cf.procedure_id == key[1]


@dataclass
class CatalogCounts:
    procedures: set[int] = field(default_factory=set)
    online: set[int] = field(default_factory=set)
    fee: set[int] = field(default_factory=set)
    document: set[int] = field(default_factory=set)
    complete: int = 0
    registry: int = 0
    published_known: int = 0
    published_on_time: int = 0
    updated_known: int = 0
    updated_on_time: int = 0


def _catalog_counts(facts: list[CatalogFact], key: tuple) -> CatalogCounts:
    c = CatalogCounts()
    for cf in facts:
        if not applies(cf, key):
            continue
        c.procedures.add(cf.procedure_id)
        if cf.online_level in ("full", "partial"):
            c.online.add(cf.procedure_id)
        if cf.has_fee:
            c.fee.add(cf.procedure_id)
        if cf.issues_document:
            c.document.add(cf.procedure_id)
        c.complete += cf.complete
        c.registry += cf.registry_connected
        if cf.published_on_time is not None:
            c.published_known += 1
            c.published_on_time += cf.published_on_time
        if cf.updated_on_time is not None:
            c.updated_known += 1
            c.updated_on_time += cf.updated_on_time
    return c


# Dossier sums ---------------------------------------------------------------------------------------------------------

PERIOD_COUNTERS = ("received", "received_online", "ended", "ended_on_time", "processing_seconds", "returned",
                   "returned_electronic", "returned_online", "returned_online_electronic", "returned_document",
                   "returned_document_electronic", "returned_online_document_paper", "payment_requested",
                   "paid_online", "rated", "rated_not_satisfied")


def _in(column: str, values: set[int] | None, params: list) -> str:
    if values is None:
        return ""
    params += sorted(values)
    return f" AND {column} IN ({', '.join(['%s'] * len(values))})"


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _period_sums(period: rules.Period, agencies: set[int] | None,
                 by_procedure: bool = False) -> dict[object, list[int]]:
    """Sums of the period's counters per agency (or agency × procedure): months and longer from the agency × month
    table, weeks (and the procedure level) from the daily table."""
    qn = connection.ops.quote_name
    cols = ", ".join(f"SUM({qn(c)})" for c in PERIOD_COUNTERS)
    params: list = [period.start, period.end]
    if by_procedure or period.kind == "week":
        table, column = qn(DailyFact._meta.db_table), "day"
    else:
        table, column = qn(AgencyMonthFact._meta.db_table), "month"
    group = "agency_id, procedure_id" if by_procedure else "agency_id"
    where = f"{column} >= %s AND {column} <= %s" + _in("agency_id", agencies, params)
    rows = _fetch(f"SELECT {group}, {cols} FROM {table} WHERE {where} GROUP BY {group}", params)
    if by_procedure:
        return {(r[0], r[1]): [int(v or 0) for v in r[2:]] for r in rows}
    return {r[0]: [int(v or 0) for v in r[1:]] for r in rows}


def _balances(end: date, agencies: set[int] | None, by_procedure: bool = False) -> dict:
    """Per agency (or agency × procedure): dossiers open at the end of ``end`` and, of them, late then — the sums of
    (received − ended) and (became late − ended late) over every day up to ``end``: whole months before ``end``'s
    month from the agency × month table, the days of that month from the daily table."""
    qn = connection.ops.quote_name
    first = end.replace(day=1)
    out: dict = defaultdict(lambda: [0, 0])
    sums = "SUM(received) - SUM(ended), SUM(became_late) - SUM(ended_late)"
    if by_procedure:
        params: list = [end]
        rows = _fetch(f"SELECT agency_id, procedure_id, {sums} FROM {qn(DailyFact._meta.db_table)} WHERE day <= %s"
                      + _in("agency_id", agencies, params) + " GROUP BY agency_id, procedure_id", params)
        for a, p, o, late in rows:
            out[(a, p)] = [int(o or 0), int(late or 0)]
        return {k: tuple(v) for k, v in out.items()}
    params = [first]
    months = _fetch(f"SELECT agency_id, {sums} FROM {qn(AgencyMonthFact._meta.db_table)} WHERE month < %s"
                    + _in("agency_id", agencies, params) + " GROUP BY agency_id", params)
    params = [first, end]
    days = _fetch(f"SELECT agency_id, {sums} FROM {qn(DailyFact._meta.db_table)} WHERE day >= %s AND day <= %s"
                  + _in("agency_id", agencies, params) + " GROUP BY agency_id", params)
    for a, o, late in [*months, *days]:
        out[a][0] += int(o or 0)
        out[a][1] += int(late or 0)
    return {k: tuple(v) for k, v in out.items()}


def _online_procedures(period: rules.Period, agencies: set[int] | None) -> list[tuple[int, int, bool, bool]]:
    """(agency, procedure, had an online dossier, had an online payment) in the period (3.2, 4.2)."""
    qn = connection.ops.quote_name
    params: list = [period.start, period.end]
    if period.kind == "week":
        table, column = qn(DailyFact._meta.db_table), "day"
        extra = " AND (received_online > 0 OR paid_online > 0)"
    else:
        table, column = qn(ProcedureMonthFact._meta.db_table), "month"
        extra = ""
    rows = _fetch(f"SELECT agency_id, procedure_id, SUM(received_online), SUM(paid_online) FROM {table} "
                  f"WHERE {column} >= %s AND {column} <= %s{extra}" + _in("agency_id", agencies, params)
                  + " GROUP BY agency_id, procedure_id", params)
    return [(a, p, bool(o), bool(paid)) for a, p, o, paid in rows]


# Scoring ------------------------------------------------------------------------------------------------------


def _points() -> dict[str, Decimal]:
    """Max points, with the configurable split of the online group (``MOTCUA_INDEX_POINTS``, default 4/4/4)."""
    custom = settings.MOTCUA_INDEX_POINTS
    return {i.code: Decimal(str(custom.get(i.code, i.points))) for i in rules.INDICATORS}


def _thresholds() -> dict[str, Decimal | None]:
    custom = settings.MOTCUA_INDEX_THRESHOLDS
    return {i.code: (Decimal(str(custom[i.code])) if i.code in custom else i.threshold) for i in rules.INDICATORS}


@dataclass
class Figures:
    """Everything one unit's scores are computed from."""

    sums: list[int] = field(default_factory=lambda: [0] * len(PERIOD_COUNTERS))
    open_at_end: int = 0
    open_late_at_end: int = 0
    online_dossier_procedures: set[int] = field(default_factory=set)
    paid_online_procedures: set[int] = field(default_factory=set)
    pakn: dict[str, int] | None = None

    def get(self, name: str) -> int:
        return self.sums[PERIOD_INDEX[name]]

    def fingerprint(self) -> tuple:
        """Everything the scores depend on, hashable: equal fingerprints (and catalogs) give equal scores."""
        return (tuple(self.sums), self.open_at_end, self.open_late_at_end,
                frozenset(self.online_dossier_procedures), frozenset(self.paid_online_procedures),
                None if self.pakn is None else tuple(sorted(self.pakn.items())))


PERIOD_INDEX = {name: i for i, name in enumerate(PERIOD_COUNTERS)}


def scores_for(f: Figures, cat: CatalogCounts) -> list[rules.Score]:
    """Every indicator's numerator, denominator, rate and points for one unit (domain.md §7)."""
    pts, th = _points(), _thresholds()
    by = rules.INDICATOR_BY_CODE

    def s(code: str, num, den, note: str = "") -> rules.Score:
        return rules.score(by[code], num, den, max_points=pts[code], threshold=th[code], note=note)

    out = []
    n_proc = len(cat.procedures)
    out.append(s("1.1", cat.published_on_time, cat.published_known))
    out.append(s("1.2", cat.updated_on_time, cat.updated_known))
    out.append(s("1.3", cat.complete, n_proc))
    out.append(s("1.4", None, None))
    ended, open_end = f.get("ended"), f.open_at_end
    den21 = ended + open_end
    num21 = f.get("ended_on_time") + open_end - f.open_late_at_end
    out.append(s("2.1", num21, den21))
    avg = (rules.round2(Decimal(f.get("processing_seconds")) / Decimal(ended) / Decimal(86400)) if ended else None)
    out.append(rules.Score("2.2", avg, ended or None, None, Decimal(0) if ended else None, pts["2.2"], "dossiers",
                           by["2.2"].note))
    out.append(s("3.1", len(cat.online), n_proc))
    out.append(s("3.2", len(cat.online & f.online_dossier_procedures), len(cat.online)))
    online_counted = max(0, f.get("received_online") - f.get("returned_online_document_paper"))
    out.append(s("3.3", online_counted, f.get("received")))
    out.append(s("4.1", None, None))
    out.append(s("4.2", len(cat.fee & f.paid_online_procedures), len(cat.fee)))
    out.append(s("4.3", f.get("paid_online"), f.get("payment_requested")))
    out.append(s("5.1", f.get("returned_document_electronic"), f.get("returned_document")))
    for code in ("5.2", "5.3", "5.4", "5.5"):
        out.append(s(code, None, None))
    out.append(s("5.6", cat.registry, n_proc))
    out.append(s("5.7", None, None))
    if f.pakn is not None:
        p = f.pakn
        out.append(s("6.1", p.get("handled_on_time", 0), p.get("handled", 0)))
        satisfied = p.get("all", 0) - p.get("disliked", 0) - p.get("recomplained", 0) - p.get("overdue", 0)
        out.append(s("6.2", max(0, satisfied), p.get("all", 0)))
    else:
        out.append(s("6.1", None, None, note="Chưa có số liệu phản ánh, kiến nghị cho kỳ này."))
        out.append(s("6.2", None, None, note="Chưa có số liệu phản ánh, kiến nghị cho kỳ này."))
    late = den21 - num21
    disliked = f.get("rated_not_satisfied")
    out.append(s("6.3", max(0, den21 - late - disliked), den21))
    return out


@dataclass
class IndexTable:
    period: rules.Period
    level: str
    scope: Scope | None
    rows: list[dict]

    @staticmethod
    def _scores_as_dicts(scores: list[rules.Score], done: dict[int, list[dict]]) -> list[dict]:
        """The scores as plain data, converted once per list (rows with the same figures share their scores)."""
        found = done.get(id(scores))
        if found is None:
            found = done[id(scores)] = [sc.as_dict() for sc in scores]
        return found

    def as_dict(self) -> dict:
        done: dict[int, list[dict]] = {}
        law = rules_for(self.period.end)
        return {
            "period": self.period.key, "period_label": self.period.label(), "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(), "level": self.level, "scope": str(self.scope) if self.scope else None,
            # The one-stop rule set in force at the period's end (lawsets): which evaluation sits beside the index,
            # who evaluates nationally (Decree 118/2025 Art. 30(4)).
            "rule_set": {"key": law.key, "basis": law.basis, "evaluation": law.evaluation},
            "evaluator": national_evaluator(self.period.end),
            "indicators": [{"code": i.code, "group": i.group, "name": i.name, "max_points": float(_points()[i.code]),
                            "threshold": float(t) if (t := _thresholds()[i.code]) is not None else None,
                            "source": i.source} for i in rules.INDICATORS],
            "rows": [{**{k: v for k, v in r.items() if k not in ("scores", "total")}, "total": float(r["total"]),
                      "scores": self._scores_as_dicts(r["scores"], done)} for r in self.rows],
        }


# One counter per computed table (index here, evaluation in :mod:`.evaluation`): the metrics show how often tables
# are computed, and the tests prove with it that pages read stored tables instead of computing (issue 14 point 9).
TABLES_COMPUTED = Counter("motcua_oversight_tables_computed_total",
                          "Service-index and evaluation tables computed from the fact tables, by kind.", ["kind"])


def compute(period: str | rules.Period, level: str, scope: str | Scope | None = None) -> IndexTable:
    """The ranked index table of every unit of ``level`` (inside ``scope`` when given) for ``period``, step by step:
    the units and scope, the period's figures per unit, every unit of the level listed, then the scores."""
    p, sc, within = _resolve(period, level, scope)
    TABLES_COMPUTED.labels("index").inc()
    units = _UnitMap(level, directory())
    _add_dossier_figures(units, p, within)
    _add_pakn_figures(units, p, within)
    if level != "procedure":  # every unit of the level (inside the scope) is listed, with N/A without dossiers
        units.add_every_unit(within)
    return IndexTable(p, level, sc, rules.rank(_scored_rows(units)))


def _resolve(period: str | rules.Period, level: str,
             scope: str | Scope | None) -> tuple[rules.Period, Scope | None, set[int] | None]:
    """The period, the scope and its agencies (``None``: every agency), or :class:`IndexError_` saying what is wrong."""
    p = period if isinstance(period, rules.Period) else rules.parse_period(period)
    if level not in LEVELS:
        raise IndexError_(f"Không có cấp {level!r}: hãy chọn một cấp trong danh sách.")
    sc = scope if isinstance(scope, Scope) or scope is None else Scope.parse(scope)
    within = sc.agencies(directory()) if sc else None
    if level == "procedure" and within is None:
        raise IndexError_("Cấp thủ tục cần chọn phạm vi (một cơ quan, xã, tỉnh hoặc bộ) trong danh sách.")
    return p, sc, within


class _UnitMap:
    """The units of one level the agencies' (or agency × procedure) figures count for, and their figures."""

    def __init__(self, level: str, d: Directory) -> None:
        self.level, self.d = level, d
        self.by_procedure = level == "procedure"
        self.units: dict[object, Unit] = {}
        self.figures: dict[object, Figures] = defaultdict(Figures)
        self.agency_of_unit: dict[object, AgencyInfo] = {}
        self.procedure_names: dict[int, tuple[str, str]] = {}

    def name_procedures(self, ids: set[int]) -> None:
        from motcua.catalog.models import Procedure

        self.procedure_names = {pid: (code, name) for pid, code, name in Procedure.objects.filter(
            id__in=ids).values_list("id", "code", "current_version__name")}

    def unit_for(self, agency_id: int, procedure_id: int | None) -> Unit | None:
        info = self.d.agencies.get(agency_id)
        if info is None:
            return None
        if self.by_procedure:
            code, name = self.procedure_names.get(procedure_id, (str(procedure_id), ""))
            return Unit("procedure", procedure_id, code, name or code)
        u = unit_of(info, self.level, self.d)
        if u is not None and self.level == "agency":
            self.agency_of_unit[u.key] = info
        return u

    def figures_of(self, key: object) -> tuple[Unit, Figures] | None:
        """The unit and figures an agency (or agency × procedure) key counts for (None: outside the level)."""
        agency_id, procedure_id = key if self.by_procedure else (key, None)
        u = self.unit_for(agency_id, procedure_id)
        if u is None:
            return None
        self.units.setdefault(u.key, u)
        return u, self.figures[u.key]

    def add_every_unit(self, within: set[int] | None) -> None:
        for info in self.d.agencies.values():
            if within is not None and info.id not in within:
                continue
            u = self.unit_for(info.id, None)
            if u is not None:
                self.units.setdefault(u.key, u)


def _add_dossier_figures(units: _UnitMap, p: rules.Period, within: set[int] | None) -> None:
    """The period's sums, the procedures with online dossiers and payments, and the balances at the period's end."""
    sums = _period_sums(p, within, units.by_procedure)
    balances = _balances(p.end, within, units.by_procedure)
    if units.by_procedure:
        units.name_procedures({k[1] for k in sums} | {k[1] for k in balances})
    for key, values in sums.items():
        found = units.figures_of(key)
        if found is not None:
            f = found[1]
            for i, v in enumerate(values):
                f.sums[i] += v
    for agency_id, procedure_id, online, paid in _online_procedures(p, within):
        u = units.unit_for(agency_id, procedure_id)
        if u is None:
            continue
        f = units.figures[u.key]
        if online:
            f.online_dossier_procedures.add(procedure_id)
        if paid:
            f.paid_online_procedures.add(procedure_id)
    for key, (open_end, open_late) in balances.items():
        found = units.figures_of(key)
        if found is not None:
            found[1].open_at_end += open_end
            found[1].open_late_at_end += open_late


def _add_pakn_figures(units: _UnitMap, p: rules.Period, within: set[int] | None) -> None:
    """PAKN figures (group 6.1, 6.2) from the PAKN facts of the period, summed over the unit's agencies."""
    pakn = _pakn(p, within)
    if pakn is None:
        return
    for agency_id, counts in pakn.items():
        found = units.figures_of(agency_id) if not units.by_procedure else None
        if found is None:
            continue
        f = found[1]
        f.pakn = f.pakn or defaultdict(int)
        for k, v in counts.items():
            f.pakn[k] += v
    for f in units.figures.values():
        if f.pakn is None:
            f.pakn = {}


def _scored_rows(units: _UnitMap) -> list[dict]:
    """Each unit's scores against the catalog it is answerable for (computed once per catalog scope). Units with
    the same figures and catalog have the same scores, computed once: most communes and agencies have no dossier in
    a period, and a national table lists thousands of them."""
    catalog = list(CatalogFact.objects.all())
    cat_cache: dict[tuple, CatalogCounts] = {}
    scored: dict[tuple, tuple[list[rules.Score], Decimal]] = {}
    rows = []
    for key, u in units.units.items():
        ck = _catalog_key(u, units.d, units.agency_of_unit.get(key))
        if ck not in cat_cache:
            cat_cache[ck] = _catalog_counts(catalog, ck)
        f = units.figures[key]
        same = (ck, f.fingerprint())
        if same not in scored:
            scores = scores_for(f, cat_cache[ck])
            scored[same] = (scores, rules.total(scores))
        scores, total = scored[same]
        rows.append({"level": u.level, "code": u.code, "name": u.name, "total": total, "scores": scores})
    return rows


def _pakn(p: rules.Period, within: set[int] | None) -> dict[int, dict[str, int]] | None:
    """PAKN counts per agency for the period (None when no PAKN facts exist for this period kind)."""
    qs = PaknFact.objects.filter(period=p.key)
    if within is not None:
        qs = qs.filter(agency_id__in=within)
    rows = list(qs.values_list("agency_id", *PAKN_FIELDS.values()))
    if not rows and not PaknFact.objects.filter(period=p.key).exists():
        return None
    return {r[0]: dict(zip(PAKN_FIELDS, r[1:], strict=True)) for r in rows}


# pakn_figures' keys → PaknFact's columns
PAKN_FIELDS = {"all": "all_items", "handled": "handled", "handled_on_time": "handled_on_time", "overdue": "overdue",
               "disliked": "disliked", "recomplained": "recomplained"}


# Drill-down ---------------------------------------------------------------------------------------------------

DRILL_INDICATORS = ("2.1", "2.2", "3.3", "4.3", "5.1", "6.3")


def unit_agencies(level: str, code: str) -> set[int] | None:
    """The agencies whose dossiers count for a unit (None for the country)."""
    if level == "country":
        return None
    if level not in ("province", "ministry", "commune", "agency"):
        raise IndexError_(f"Cannot list the dossiers of level {level!r}.")
    return Scope(level, code).agencies(directory())


def dossiers_behind(period: str, level: str, code: str, indicator: str, part: str = "denominator",
                    procedure: int | None = None) -> QuerySet:
    """The dossier facts behind one figure (numerator or denominator of a dossier indicator) of one unit."""
    p = rules.parse_period(period)
    if indicator not in DRILL_INDICATORS:
        raise IndexError_(f"Indicator {indicator!r} is not counted in dossiers: one of {', '.join(DRILL_INDICATORS)}.")
    if part not in ("numerator", "denominator"):
        raise IndexError_("part must be numerator or denominator.")
    qs = DossierFact.objects.all()
    agencies = unit_agencies(level, code)
    if agencies is not None:
        qs = qs.filter(agency_id__in=agencies)
    if procedure is not None:
        qs = qs.filter(procedure_id=procedure)
    ended_in = Q(received_day__isnull=False, ended_day__gte=p.start, ended_day__lte=p.end)
    open_at_end = Q(received_day__lte=p.end) & (Q(ended_day__isnull=True) | Q(ended_day__gt=p.end))
    late_at_end = Q(late_day__isnull=False, late_day__lte=p.end)
    if indicator in ("2.1", "6.3"):
        if part == "denominator":
            return qs.filter(ended_in | open_at_end)
        good = (ended_in & Q(on_time=True)) | (open_at_end & ~late_at_end)
        if indicator == "6.3":
            disliked = Q(rating="not_satisfied", rated_day__gte=p.start, rated_day__lte=p.end)
            return qs.filter(good).exclude(disliked)
        return qs.filter(good)
    if indicator == "2.2":
        return qs.filter(ended_in)
    if indicator == "3.3":
        received = qs.filter(received_day__gte=p.start, received_day__lte=p.end)
        return received if part == "denominator" else received.filter(channel="online")
    if indicator == "4.3":
        paying = qs.filter(ended_in, payment_requested=True)
        return paying if part == "denominator" else paying.filter(paid_online=True)
    returned = qs.filter(returned_day__gte=p.start, returned_day__lte=p.end, issues_document=True)
    return returned if part == "denominator" else returned.filter(electronic_result=True)


def totals_trend(period: rules.Period, level: str, codes: list[str], n: int = 12,
                 scope: Scope | None = None) -> dict[str, list[tuple[str, Decimal | None]]]:
    """Totals of the given units over the ``n`` periods ending with ``period`` (for the trend chart)."""
    out: dict[str, list[tuple[str, Decimal | None]]] = {c: [] for c in codes}
    for q in rules.trailing_periods(period, n):
        table = compute(q, level, scope)
        found = {r["code"]: r["total"] for r in table.rows}
        for c in codes:
            out[c].append((q.key, found.get(c)))
    return out


def counters() -> tuple[str, ...]:
    return DAILY_COUNTERS


# Catalog indicators: the procedures behind a figure -------------------------------------------------------------

CATALOG_INDICATORS = {
    # code: (denominator filter, numerator filter) on CatalogFact
    "1.1": (lambda cf: cf.published_on_time is not None, lambda cf: cf.published_on_time is True),
    "1.2": (lambda cf: cf.updated_on_time is not None, lambda cf: cf.updated_on_time is True),
    "1.3": (lambda cf: True, lambda cf: cf.complete),
    "3.1": (lambda cf: True, lambda cf: cf.online_level in ("full", "partial")),
    "3.2": (lambda cf: cf.online_level in ("full", "partial"), None),
    "4.2": (lambda cf: cf.has_fee, None),
    "5.6": (lambda cf: True, lambda cf: cf.registry_connected),
}


def procedures_behind(period: str, level: str, code: str, indicator: str, part: str = "denominator") -> list[dict]:
    """The procedures behind a catalog indicator's figure for one unit (3.2 and 4.2 numerators: those with online
    dossiers / online payments in the period)."""
    p = rules.parse_period(period)
    if indicator not in CATALOG_INDICATORS:
        raise IndexError_(f"Indicator {indicator!r} is not counted in procedures: one of "
                          f"{', '.join(CATALOG_INDICATORS)}.")
    if part not in ("numerator", "denominator"):
        raise IndexError_("part must be numerator or denominator.")
    d = directory()
    if level == "country":
        unit, info, agencies = Unit("country", COUNTRY, COUNTRY, "Cả nước"), None, None
    else:
        agencies = unit_agencies(level, code)
        info = d.by_code.get(code) if level == "agency" else None
        first = d.agencies[next(iter(agencies))] if agencies else None
        unit = unit_of(first, level, d) if first else None
        if unit is None:
            raise IndexError_(f"Không có đơn vị {code!r} ở cấp này.")
    key = _catalog_key(unit, d, info)
    den_filter, num_filter = CATALOG_INDICATORS[indicator]
    chosen = [cf for cf in CatalogFact.objects.all() if applies(cf, key) and den_filter(cf)]
    if part == "numerator":
        if num_filter is None:
            used = _online_procedures(p, agencies)
            wanted = {pid for _a, pid, online, paid in used if (online if indicator == "3.2" else paid)}
            chosen = [cf for cf in chosen if cf.procedure_id in wanted]
        else:
            chosen = [cf for cf in chosen if num_filter(cf)]
    from motcua.catalog.models import Procedure

    names = dict(Procedure.objects.filter(id__in=[cf.procedure_id for cf in chosen])
                 .values_list("id", "code"))
    return sorted(({"procedure": names.get(cf.procedure_id, str(cf.procedure_id)), "levels": cf.levels,
                    "online_level": cf.online_level, "has_fee": cf.has_fee, "complete": cf.complete,
                    "published_on_time": cf.published_on_time, "updated_on_time": cf.updated_on_time}
                   for cf in chosen), key=lambda r: r["procedure"])
