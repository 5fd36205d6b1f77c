"""The evaluation of the handling of administrative procedures, chosen by the rule set in force at the period's end
(``motcua.dossiers.lawsets.rules_for(period.end).evaluation``; docs/law.md "Evaluation and the service index"):

- ``nd118-ch5`` — since 1/7/2025, Decree 118/2025 Chapter V: per agency the criteria of Art. 32(1) (publicity and
  transparency; progress and results; digitisation; online services; satisfaction), each measured by the service
  index groups the software computes (Art. 32(2)); the applicants' own evaluations of Art. 33(1)(a)–(i)
  (:class:`~.models.CitizenEvaluation`), published per Art. 34(1); bands are configuration
  (``MOTCUA_EVALUATION_BANDS``, no bands in the decree). The national evaluator of service quality (Art. 30(4)) is
  configuration by date (:mod:`.roles`).
- ``tt01-2018`` — history, for periods ending before 1/7/2025: the one-stop evaluation of Circular 01/2018/TT-VPCP
  Art. 13–15 (Decree 61/2018 Art. 30–32): nine indicators scored 0/1/2 per agency and period, the total (at most
  18) and the band (Xuất sắc ≥ 15, Tốt 12–<15, Khá 9–<12, Trung bình 6–<9, Yếu < 6). Indicators 1–4 and 7 are per
  dossier (averaged), 5, 6, 8, 9 per agency. Where motcua holds no source for an indicator (4: agencies the applicant
  had to contact outside the system) the score is N/A and counts 0 in the total, so the band is conservative.

A period that straddles 1/7/2025 (e.g. the year 2025) is evaluated under the law in force at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection

from motcua.dossiers.lawsets import rules_for

from . import index, roles, rules
from .index import CatalogCounts, Scope, _catalog_counts, _catalog_key, _pakn, directory, unit_of
from .models import CatalogFact, CitizenEvaluation, DailyFact

COUNTERS = ("received", "received_online", "ended", "ended_on_time", "ended_early", "contacts_0", "contacts_1",
            "contacts_more", "rated", "rated_not_satisfied", "returned")
CI = {name: i for i, name in enumerate(COUNTERS)}


def _online_thresholds() -> tuple[Decimal, Decimal]:
    full, half = settings.MOTCUA_EVALUATION_ONLINE
    return Decimal(str(full)), Decimal(str(half))


def _sums(period: rules.Period, agencies: set[int] | None) -> dict[int, list[int]]:
    qn = connection.ops.quote_name
    cols = ", ".join(f"SUM({qn(c)})" for c in COUNTERS)
    where, params = "day >= %s AND day <= %s", [period.start, period.end]
    if agencies is not None:
        where += f" AND agency_id IN ({', '.join(['%s'] * len(agencies))})"
        params += sorted(agencies)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT agency_id, {cols} FROM {qn(DailyFact._meta.db_table)} WHERE {where} "
                       f"GROUP BY agency_id", params)
        return {r[0]: [int(v or 0) for v in r[1:]] for r in cursor.fetchall()}


@dataclass
class EvalRow:
    code: str
    name: str
    scores: list[Decimal | None]
    dossiers: int

    @property
    def total(self) -> Decimal:
        return rules.round2(sum((s for s in self.scores if s is not None), Decimal(0)))


def scores_for(s: list[int], cat: CatalogCounts, pakn: dict | None) -> list[Decimal | None]:
    """The nine scores from an agency's period sums (history, before 1/7/2025: Circular 01/2018 Art. 13)."""
    g = lambda name: s[CI[name]]  # noqa: E731
    ended, on_time, early = g("ended"), g("ended_on_time"), g("ended_early")
    out: list[Decimal | None] = []
    # 1. Total time against the limit: early 2, on time 1, late 0 (per dossier, averaged).
    out.append(rules.average_score([(2, early), (1, on_time - early), (0, ended - on_time)]))
    # 2. Each unit's time against its limit: from the dossier's index verdict (on time 2, late 0) — the per-step
    #    due times are not in the facts yet [estimate].
    out.append(rules.average_score([(2, on_time), (0, ended - on_time)]))
    # 3. Contacts needed to complete the dossier: supplement requests 0 → 2, 1 → 1, more → 0.
    out.append(rules.average_score([(2, g("contacts_0")), (1, g("contacts_1")), (0, g("contacts_more"))]))
    # 4. Agencies the applicant had to contact: no source in motcua.
    out.append(None)
    # 5. Received and returned through the one-stop desk: every motcua dossier passes the desk (or its online
    #    counterpart), so 2 when the agency handled dossiers in the period.
    out.append(Decimal(2) if g("received") or ended else None)
    # 6. Publicity: procedures published with every component: 100% → 2, ≥ 90% → 1.
    out.append(rules.share_score(cat.complete, len(cat.procedures)))
    # 7. Attitude: the applicants' ratings, satisfied 2, not satisfied 0 (averaged).
    rated, bad = g("rated"), g("rated_not_satisfied")
    out.append(rules.average_score([(2, rated - bad), (0, bad)]))
    # 8. PAKN handled on time: 100% → 2, ≥ 90% → 1.
    out.append(rules.share_score(pakn.get("handled_on_time", 0), pakn.get("handled", 0)) if pakn else None)
    # 9. Online public services: share of dossiers received online.
    full, half = _online_thresholds()
    out.append(rules.share_score(g("received_online"), g("received"), full, half))
    return out


def compute(period: str | rules.Period, scope: str | Scope | None = None,
            agency_table: index.IndexTable | None = None) -> dict:
    """The evaluation of every agency (inside ``scope``) for the period, best first, under the rule set in force at
    the period's end: ``kind`` says which (``nd118-ch5`` or the history ``tt01-2018``). ``agency_table``: the index
    at agency level for the same period and scope when the caller has just computed it (the refresh)."""
    p = period if isinstance(period, rules.Period) else rules.parse_period(period)
    sc = scope if isinstance(scope, Scope) or scope is None else Scope.parse(scope)
    index.TABLES_COMPUTED.labels("evaluation").inc()
    law = rules_for(p.end)
    if law.evaluation == "tt01-2018":
        return {**compute_tt01(p, sc), "kind": "tt01-2018", "basis": law.basis,
                "evaluator": roles.national_evaluator(p.end)}
    return compute_nd118(p, sc, agency_table)


def compute_tt01(p: rules.Period, sc: Scope | None) -> dict:
    """History (periods ending before 1/7/2025): Circular 01/2018 Art. 13–15, every agency with dossiers, catalog or
    PAKN figures in the period, best first."""
    d = directory()
    within = sc.agencies(d) if sc else None
    sums = _sums(p, within)
    pakn = _pakn(p, within) or {}
    catalog = list(CatalogFact.objects.all())
    cache: dict[tuple, CatalogCounts] = {}
    rows = []
    for agency_id in set(sums) | set(pakn):
        info = d.agencies.get(agency_id)
        if info is None:
            continue
        u = unit_of(info, "agency", d)
        key = _catalog_key(u, d, info)
        if key not in cache:
            cache[key] = _catalog_counts(catalog, key)
        s = sums.get(agency_id, [0] * len(COUNTERS))
        scores = scores_for(s, cache[key], pakn.get(agency_id))
        total = rules.round2(sum((x for x in scores if x is not None), Decimal(0)))
        rows.append({"code": info.code, "name": info.name, "total": total, "band": rules.band(total),
                     "dossiers": s[CI["ended"]], "scores": scores})
    ranked = rules.rank(rows)
    return {
        "period": p.key, "period_label": p.label(), "scope": str(sc) if sc else None,
        "indicators": [{"number": i.number, "name": i.name, "per": i.per, "source": i.source, "note": i.note}
                       for i in rules.EVALUATION],
        "rows": [{**r, "total": float(r["total"]),
                  "scores": [float(x) if x is not None else None for x in r["scores"]]} for r in ranked],
    }


# Since 1/7/2025: Decree 118/2025 Chapter V --------------------------------------------------------------------------


def _bands() -> tuple[tuple[Decimal, str], ...]:
    return rules.bands_118(settings.MOTCUA_EVALUATION_BANDS)


def citizen_results(p: rules.Period, agencies: set[int] | None) -> dict[int, dict]:
    """Per agency, the applicants' evaluations in the period (Decree 118/2025 Art. 33(1), published per Art. 34(1)):

    - ``rated``, ``satisfied``, ``satisfied_percent``: every overall rating given in the period (the dossier's
      rating, from the fact tables: ratings through the detailed form, the short form and the desk alike);
    - ``count``, ``criteria``, ``extra_costs``: the detailed forms (:class:`CitizenEvaluation`): how many, each
      criterion (a)–(h) as a share of the best answer (N/A without answers), how many reported costs outside the law.
    """
    qn = connection.ops.quote_name
    where, params = "day >= %s AND day <= %s", [p.start, p.end]
    if agencies is not None:
        where += f" AND agency_id IN ({', '.join(['%s'] * len(agencies))})" if agencies else " AND 1 = 0"
        params += sorted(agencies)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT agency_id, SUM({qn('rated')}), SUM({qn('rated_not_satisfied')}) "
                       f"FROM {qn(DailyFact._meta.db_table)} WHERE {where} GROUP BY agency_id", params)
        ratings = {a: (int(r or 0), int(n or 0)) for a, r, n in cursor.fetchall() if r}
    qs = CitizenEvaluation.objects.filter(day__gte=p.start, day__lte=p.end)
    if agencies is not None:
        qs = qs.filter(agency_id__in=agencies)
    fields = [c.field for c in rules.CITIZEN_CRITERIA]
    grouped: dict[int, list[tuple]] = {}
    for row in qs.values_list("agency_id", "extra_costs", *fields):
        grouped.setdefault(row[0], []).append(row[1:])
    out = {}
    for agency_id in set(ratings) | set(grouped):
        rated, not_satisfied = ratings.get(agency_id, (0, 0))
        rows = grouped.get(agency_id, [])
        out[agency_id] = {
            "rated": rated, "satisfied": rated - not_satisfied,
            "satisfied_percent": (float(rules.round2(Decimal(rated - not_satisfied) / Decimal(rated) * 100))
                                  if rated else None),
            "count": len(rows), "extra_costs": sum(1 for r in rows if r[0]),
            "criteria": [_f(rules.answers_percent([r[1 + i] for r in rows])) for i in range(len(fields))],
        }
    return out


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def compute_nd118(p: rules.Period, sc: Scope | None, agency_table: index.IndexTable | None = None) -> dict:
    """Decree 118/2025 Art. 32(1) per agency from the service index of the period (each criterion the share of its
    index groups' points; the total the index total out of 100), the band (configuration), and the applicants'
    evaluations of Art. 33(1) beside it. Agencies with no figure at all are left out."""
    table = agency_table if agency_table is not None else index.compute(p, "agency", sc)
    d = directory()
    within = sc.agencies(d) if sc else None
    citizens = citizen_results(p, within)
    by_code = {info.code: info.id for info in d.agencies.values()}
    bands = _bands()
    rows = []
    for r in table.rows:
        criteria = [rules.criterion_percent(r["scores"], c.groups) for c in rules.AGENCY_CRITERIA]
        agency_id = by_code.get(r["code"])
        citizen = citizens.get(agency_id)
        if all(c is None for c in criteria) and citizen is None:
            continue
        ended = next((s.denominator for s in r["scores"] if s.code == "2.1"), None) or 0
        rows.append({"code": r["code"], "name": r["name"], "total": r["total"],
                     "band": rules.band_118(r["total"], bands), "dossiers": ended,
                     "criteria": [_f(c) for c in criteria], "citizen": citizen})
    ranked = rules.rank(rows)
    return {
        "kind": "nd118-ch5", "basis": rules_for(p.end).basis,
        "period": p.key, "period_label": p.label(), "scope": str(sc) if sc else None,
        "evaluator": roles.national_evaluator(p.end),
        "criteria": [{"letter": c.letter, "name": c.name, "groups": list(c.groups), "note": c.note}
                     for c in rules.AGENCY_CRITERIA],
        "citizen_criteria": [{"letter": c.letter, "name": c.name} for c in rules.CITIZEN_CRITERIA],
        "bands": [{"floor": float(floor), "name": name} for floor, name in bands],
        "rows": [{**r, "total": float(r["total"])} for r in ranked],
    }
