"""Every write of the reviews: the batch computations (one function per review, each replacing its stored rows in
one transaction) and the reviewers' entries (overlap verdicts, cost profiles, simplification plans), each leaving a
:class:`~.models.ReviewLog` row.

The batch functions read the catalog and the dossier history (dossiers, events); they run from the command line
(``motcua oversight review|cost|bottlenecks|workload``), never inside a web request.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from motcua.catalog.models import (
    Channel,
    Fee,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    Step,
    TimeUnit,
    VersionAgency,
)
from motcua.core.calendar import TZ, WorkingCalendar
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.transitions import TERMINAL_STATES
from motcua.units.models import Agency, Membership

from . import rules
from .clock import OfficeClock
from .models import (
    Analysis,
    CostProfile,
    DormantProcedure,
    LocalPractice,
    OverlapCandidate,
    OverlapDecision,
    OverlapVerdict,
    Proposal,
    ReviewLog,
    ReviewRun,
    SimplificationPlan,
)

OFFICE_DAY_SECONDS = 8 * 3600
TERMINAL = [str(s) for s in TERMINAL_STATES]


def hourly_income() -> Decimal:
    """``MOTCUA_REVIEW_HOURLY_INCOME_VND`` (default 45,000 VND): how an applicant's hour is valued [open]."""
    return Decimal(str(settings.MOTCUA_REVIEW_HOURLY_INCOME_VND))


def _log(user, action: str, obj: str, data: dict) -> None:
    ReviewLog.objects.create(at=timezone.now(), user=user if getattr(user, "pk", None) else None, action=action,
                             object_repr=obj[:255], data=data)


def _run(kind: str, as_of: date, started: datetime, summary: dict) -> ReviewRun:
    return ReviewRun.objects.create(kind=kind, as_of=as_of, started_at=started, finished_at=timezone.now(),
                                    summary=summary)


def can_review(user) -> bool:
    """Reviewers: administrators, supervisors and catalog officers (staff status alone is no role)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user,
                                                          role__in=("supervisor", "catalog_officer")).exists()


# -------------------------------------------------------------------------------------------------------------
# Point 4: overlaps
# -------------------------------------------------------------------------------------------------------------


@dataclass
class ProcedureText:
    procedure_id: int
    code: str
    lineage: int  # the national procedure's id: a procedure and its localised copies are one lineage, not overlaps
    name: str
    fields: dict  # field -> Counter of features


# Features of published versions: {version id: (updated_at, features)}. A published version is not edited in place
# (a change makes a new draft version); the time stamp guards against anything else. Drafts are featurised on every
# call.
_FEATURES: dict[int, tuple] = {}


def _catalog_texts(version_ids: dict[int, tuple[int, str, int]], cached: bool = True) -> list[ProcedureText]:
    """Features of the given versions: {version id: (procedure id, code, lineage)}."""
    stamps = dict(ProcedureVersion.objects.filter(pk__in=version_ids).values_list("pk", "updated_at"))
    todo = [vid for vid in version_ids if not (cached and vid in _FEATURES and _FEATURES[vid][0] == stamps.get(vid))]
    if todo:
        names = dict(ProcedureVersion.objects.filter(pk__in=todo).values_list("pk", "name"))
        docs: dict[int, Counter] = defaultdict(Counter)
        # Each document and step is featurised on its own so that pairs never span two items.
        for vid, name in RequiredDocument.objects.filter(version_id__in=todo).values_list("version_id", "name"):
            docs[vid].update(rules.features(name))
        steps: dict[int, Counter] = defaultdict(Counter)
        for vid, title, desc in Step.objects.filter(version_id__in=todo).values_list("version_id", "title",
                                                                                      "description"):
            steps[vid].update(rules.features(f"{title} {desc}"))
        published = set(ProcedureVersion.objects.filter(pk__in=todo, status="published").values_list("pk", flat=True))
        for vid in todo:
            entry = {"name": names.get(vid, ""), "fields": {"name": rules.features(names.get(vid, "")),
                                                            "documents": docs[vid], "steps": steps[vid]}}
            if vid in published:
                _FEATURES[vid] = (stamps.get(vid), entry)
            else:
                _FEATURES.pop(vid, None)
                version_ids = dict(version_ids)
                version_ids[vid] = (*version_ids[vid], entry)
    out = []
    for vid, value in version_ids.items():
        pid, code, lineage = value[:3]
        entry = value[3] if len(value) > 3 else _FEATURES[vid][1]
        out.append(ProcedureText(pid, code, lineage, entry["name"], entry["fields"]))
    return out


def _published() -> dict[int, tuple[int, str, int]]:
    rows = Procedure.objects.filter(current_version__isnull=False).values_list("current_version_id", "pk", "code",
                                                                               "national_id")
    return {vid: (pid, code, national or pid) for vid, pid, code, national in rows}


def _similar_pairs(texts: list[ProcedureText], t: rules.OverlapThresholds, only: int | None = None
                   ) -> list[tuple[ProcedureText, ProcedureText, float, float, float, float]]:
    """Pairs whose fields agree (rules.overlap_score), found through an inverted index of name features.
    ``only``: compare that procedure with every other one (the drafting check)."""
    corpus = rules.Corpus.build(x.fields for x in texts)
    vecs = [{f: corpus.vector(f, x.fields[f]) for f in rules.FIELDS} for x in texts]
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, v in enumerate(vecs):
        for feat, w in v["name"].items():
            postings[feat].append((i, w))
    found = []
    for i, v in enumerate(vecs):
        if only is not None and texts[i].procedure_id != only:
            continue
        dots: dict[int, float] = defaultdict(float)
        for feat, w in v["name"].items():
            for j, wj in postings[feat]:
                if (j > i or only is not None) and j != i:
                    dots[j] += w * wj
        for j, name_sim in dots.items():
            if name_sim < t.name or texts[i].lineage == texts[j].lineage:
                continue
            doc_sim = rules.cosine(v["documents"], vecs[j]["documents"])
            step_sim = rules.cosine(v["steps"], vecs[j]["steps"])
            score = rules.overlap_score(name_sim, doc_sim, step_sim, rules.contrast(v["name"], vecs[j]["name"]), t)
            if score is not None:
                found.append((texts[i], texts[j], score, name_sim, doc_sim, step_sim))
    return found


def decided_pairs() -> dict[tuple[int, int], str]:
    """The latest verdict of every decided pair."""
    latest: dict[tuple[int, int], str] = {}
    for a, b, verdict in OverlapDecision.objects.order_by("decided_at", "pk").values_list(
            "procedure_a_id", "procedure_b_id", "verdict"):
        latest[(a, b)] = verdict
    return latest


def compute_overlaps(thresholds: rules.OverlapThresholds | None = None) -> int:
    """Replace the candidate pairs; pairs with a verdict are not proposed again."""
    t = thresholds or rules.OverlapThresholds()
    started = timezone.now()
    texts = _catalog_texts(_published())
    decided = decided_pairs()
    rows = []
    for a, b, score, ns, ds, ss in _similar_pairs(texts, t):
        pa, pb = sorted((a.procedure_id, b.procedure_id))
        if (pa, pb) in decided:
            continue
        rows.append(OverlapCandidate(procedure_a_id=pa, procedure_b_id=pb, score=score, name_similarity=round(ns, 4),
                                     documents_similarity=round(ds, 4), steps_similarity=round(ss, 4),
                                     computed_at=started))
    with transaction.atomic():
        OverlapCandidate.objects.all().delete()
        OverlapCandidate.objects.bulk_create(rows, batch_size=1000)
        _run("overlaps", timezone.localdate(), started, {"procedures": len(texts), "candidates": len(rows)})
    return len(rows)


_MODEL: dict = {}


def _published_model(exclude: int) -> tuple[list[ProcedureText], rules.Corpus, list[dict], dict]:
    """The published catalog's features, corpus, vectors and name postings, kept while the catalog is unchanged."""
    ids = {vid: v for vid, v in _published().items() if v[0] != exclude}
    stamp = ProcedureVersion.objects.filter(pk__in=ids).aggregate(m=Max("updated_at"))["m"]
    key = (frozenset(ids.items()), stamp)
    if _MODEL.get("key") != key:
        texts = _catalog_texts(ids)
        corpus = rules.Corpus.build(x.fields for x in texts)
        vecs = [{f: corpus.vector(f, x.fields[f]) for f in rules.FIELDS} for x in texts]
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, v in enumerate(vecs):
            for feat, w in v["name"].items():
                postings[feat].append((i, w))
        _MODEL.clear()
        _MODEL.update(key=key, value=(texts, corpus, vecs, postings))
    return _MODEL["value"]


def overlaps_for_version(version: ProcedureVersion, limit: int = 5) -> list[dict]:
    """The drafting check: published procedures that the draft may duplicate, best first (a warning for the catalog
    officer before publication; Announcement 437 direction 1: no overlap, no new procedures). Rarity is measured
    against the published catalog."""
    t = rules.OverlapThresholds()
    proc = version.procedure
    texts, corpus, vecs, postings = _published_model(proc.pk)
    draft = _catalog_texts({version.pk: (proc.pk, proc.code, proc.national_id or proc.pk)}, cached=False)[0]
    v = {f: corpus.vector(f, draft.fields[f]) for f in rules.FIELDS}
    dots: dict[int, float] = defaultdict(float)
    for feat, w in v["name"].items():
        for j, wj in postings.get(feat, ()):
            dots[j] += w * wj
    found = []
    for j, name_sim in dots.items():
        if name_sim < t.name or texts[j].lineage == draft.lineage:
            continue
        doc_sim = rules.cosine(v["documents"], vecs[j]["documents"])
        step_sim = rules.cosine(v["steps"], vecs[j]["steps"])
        score = rules.overlap_score(name_sim, doc_sim, step_sim, rules.contrast(v["name"], vecs[j]["name"]), t)
        if score is not None:
            found.append((score, texts[j], name_sim, doc_sim, step_sim))
    found.sort(key=lambda r: (-r[0], r[1].code))
    return [{"code": other.code, "name": other.name, "score": score, "name_similarity": round(ns, 3),
             "documents_similarity": round(ds, 3), "steps_similarity": round(ss, 3)}
            for score, other, ns, ds, ss in found[:limit]]


def decide_overlap(user, code_a: str, code_b: str, verdict: str, note: str = "") -> OverlapDecision:
    """Record a reviewer's verdict on a pair; the pair leaves the candidate list."""
    if not can_review(user):
        raise PermissionDenied("Chỉ cán bộ giám sát hoặc quản lý TTHC được ghi kết luận rà soát.")
    if verdict not in OverlapVerdict.values:
        raise ValidationError({"verdict": f"Kết luận phải là một trong: {', '.join(OverlapVerdict.values)}."})
    procs = {p.code: p for p in Procedure.objects.filter(code__in=[code_a, code_b])}
    missing = [c for c in (code_a, code_b) if c not in procs]
    if missing:
        raise ValidationError({"procedure": f"Không có thủ tục {', '.join(missing)}."})
    if code_a == code_b:
        raise ValidationError({"procedure": "Hai thủ tục phải khác nhau."})
    a, b = sorted((procs[code_a], procs[code_b]), key=lambda p: p.pk)
    with transaction.atomic():
        decision = OverlapDecision.objects.create(procedure_a=a, procedure_b=b, verdict=verdict, note=note,
                                                  decided_by=user, decided_at=timezone.now())
        OverlapCandidate.objects.filter(procedure_a=a, procedure_b=b).delete()
        _log(user, "overlap_decision", f"{a.code} ~ {b.code}", {"verdict": verdict, "note": note})
    return decision


# -------------------------------------------------------------------------------------------------------------
# Point 4: dormant procedures and proposals
# -------------------------------------------------------------------------------------------------------------


def compute_dormant(as_of: date | None = None, months: int = rules.DORMANT_MONTHS) -> int:
    """Published procedures without a dossier since ``as_of`` − 36 months, nationally and per implementing agency."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    procs = list(Procedure.objects.filter(current_version__isnull=False).values_list(
        "pk", "current_version_id", "current_version__levels", "current_version__valid_from"))
    base = Dossier.objects.filter(submitted_at__lt=end)
    national = {p: (last, n) for p, last, n in base.values("procedure").annotate(
        last=Max("submitted_at"), n=Count("pk")).values_list("procedure", "last", "n")}
    per_agency = {(p, a): (last, n) for p, a, last, n in base.values("procedure", "agency").annotate(
        last=Max("submitted_at"), n=Count("pk")).values_list("procedure", "agency", "last", "n")}
    implementing: dict[int, set[int]] = defaultdict(set)
    version_to_proc = {v: p for p, v, _, _ in procs}
    for vid, agency in VersionAgency.objects.filter(version_id__in=version_to_proc, agency__isnull=False).values_list(
            "version_id", "agency_id"):
        implementing[version_to_proc[vid]].add(agency)
    for p, a in per_agency:
        implementing[p].add(a)
    rows = []
    for pid, _vid, levels, valid_from in procs:
        last, n = national.get(pid, (None, 0))
        status = rules.dormancy(last.astimezone(TZ).date() if last else None, valid_from, as_of, months)
        if status != "active":
            rows.append(DormantProcedure(procedure_id=pid, agency=None, levels=levels, status=status,
                                         last_dossier_on=last.astimezone(TZ).date() if last else None,
                                         dossiers_total=n, as_of=as_of))
        for agency in sorted(implementing[pid]):
            last_a, n_a = per_agency.get((pid, agency), (None, 0))
            status = rules.dormancy(last_a.astimezone(TZ).date() if last_a else None, valid_from, as_of, months)
            if status != "active":
                rows.append(DormantProcedure(procedure_id=pid, agency_id=agency, levels=levels, status=status,
                                             last_dossier_on=last_a.astimezone(TZ).date() if last_a else None,
                                             dossiers_total=n_a, as_of=as_of))
    with transaction.atomic():
        DormantProcedure.objects.all().delete()
        DormantProcedure.objects.bulk_create(rows, batch_size=2000)
        _run("dormant", as_of, started, {"procedures": len(procs), "rows": len(rows),
                                         "national": sum(1 for r in rows if r.agency_id is None
                                                         and r.status == "dormant")})
    return len(rows)


def _overdue_q(now: datetime) -> Q:
    return Q(due_at__isnull=False) & (Q(finished_at__gt=F("due_at")) | (
        Q(finished_at__isnull=True) & ~Q(state__in=TERMINAL) & Q(due_at__lt=now)))


def compute_proposals(as_of: date | None = None, thresholds: rules.ProposalThresholds | None = None) -> Counter:
    """A proposal for every published procedure (rules.propose), from dormancy, verdicts, candidates, observed
    overdue and supplement shares in the last 12 months, and the catalog record."""
    as_of = as_of or timezone.localdate()
    t = thresholds or rules.ProposalThresholds()
    started = timezone.now()
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    start = end - timedelta(days=365)
    procs = list(Procedure.objects.filter(current_version__isnull=False).values_list(
        "pk", "code", "current_version_id", "current_version__online_level", "current_version__valid_from"))
    window = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    counts = dict(window.values("procedure").annotate(n=Count("pk")).values_list("procedure", "n"))
    with_due = dict(window.filter(due_at__isnull=False).values("procedure").annotate(n=Count("pk"))
                    .values_list("procedure", "n"))
    overdue = dict(window.filter(_overdue_q(end)).values("procedure").annotate(n=Count("pk"))
                   .values_list("procedure", "n"))
    supplemented = dict(DossierEvent.objects.filter(action="request_supplement", dossier__submitted_at__gte=start,
                                                    dossier__submitted_at__lt=end)
                        .values("dossier__procedure").annotate(n=Count("dossier", distinct=True))
                        .values_list("dossier__procedure", "n"))
    last = dict(Dossier.objects.filter(submitted_at__lt=end).values("procedure").annotate(last=Max("submitted_at"))
                .values_list("procedure", "last"))
    docs = dict(RequiredDocument.objects.filter(version_id__in=[p[2] for p in procs]).values("version_id")
                .annotate(n=Count("pk")).values_list("version_id", "n"))
    decided = decided_pairs()
    codes = {p[0]: p[1] for p in procs}
    duplicate_of: dict[int, int] = {}
    for (a, b), verdict in decided.items():
        if verdict == OverlapVerdict.DUPLICATE:
            duplicate_of.setdefault(a, b)
            duplicate_of.setdefault(b, a)
    best: dict[int, tuple[int, float]] = {}
    for a, b, score in OverlapCandidate.objects.values_list("procedure_a_id", "procedure_b_id", "score"):
        for x, y in ((a, b), (b, a)):
            if x not in best or score > best[x][1]:
                best[x] = (y, score)
    demands = dict(LocalPractice.objects.exclude(flags=[]).values_list("procedure_id", "flags"))
    rows, tally = [], Counter()
    for pid, _code, vid, online, valid_from in procs:
        last_on = last[pid].astimezone(TZ).date() if pid in last else None
        n = counts.get(pid, 0)
        due_n = with_due.get(pid, 0)
        bo = best.get(pid)
        facts = rules.ProcedureFacts(
            dormancy=rules.dormancy(last_on, valid_from, as_of), last_dossier=last_on, dossiers=n,
            overdue_share=(overdue.get(pid, 0) / due_n) if due_n else 0.0,
            supplement_share=(supplemented.get(pid, 0) / n) if n else 0.0,
            documents=docs.get(vid, 0), online=online != "none",
            duplicate_of=codes.get(duplicate_of.get(pid), "") if pid in duplicate_of else "",
            best_overlap=(codes.get(bo[0], "?"), bo[1]) if bo else None,
            extra_demands=tuple(demands.get(pid, ())))
        action, reasons = rules.propose(facts, t)
        related = duplicate_of.get(pid) if facts.duplicate_of else (bo[0] if action == "merge" and bo else None)
        tally[action] += 1
        rows.append(Proposal(procedure_id=pid, action=action, reasons=reasons, related_id=related, computed_at=started,
                             facts={"dossiers_12m": n, "overdue_share": round(facts.overdue_share, 4),
                                    "supplement_share": round(facts.supplement_share, 4),
                                    "documents": facts.documents, "online": facts.online,
                                    "last_dossier": last_on.isoformat() if last_on else None,
                                    "dormancy": facts.dormancy}))
    with transaction.atomic():
        Proposal.objects.all().delete()
        Proposal.objects.bulk_create(rows, batch_size=2000)
        _run("proposals", as_of, started, dict(tally))
    return tally


# -------------------------------------------------------------------------------------------------------------
# Point 4: good local practice and equal treatment
# -------------------------------------------------------------------------------------------------------------


def _limit_days(amount, unit: str) -> float | None:
    if amount is None or not unit:
        return None
    amount = float(amount)
    return {TimeUnit.WORKING_DAYS: amount, TimeUnit.WORKING_HOURS: amount / 8, TimeUnit.SAME_DAY: 0.0,
            TimeUnit.CALENDAR_DAYS: amount * 5 / 7}.get(unit)


def version_terms(version_ids: Iterable[int]) -> dict[int, rules.VersionTerms]:
    """What each version asks: documents, the shortest channel time limit (working days), the lowest channel fee
    (Circular 02/2017 Art. 27: take the lower figure when sources conflict)."""
    version_ids = list(version_ids)
    docs = dict(RequiredDocument.objects.filter(version_id__in=version_ids).values("version_id")
                .annotate(n=Count("pk")).values_list("version_id", "n"))
    limits: dict[int, list[float]] = defaultdict(list)
    for vid, amount, unit in Channel.objects.filter(version_id__in=version_ids).values_list(
            "version_id", "time_limit_amount", "time_limit_unit"):
        d = _limit_days(amount, unit)
        if d is not None:
            limits[vid].append(d)
    fees: dict[tuple[int, int], int] = defaultdict(int)
    for vid, cid, amount in Fee.objects.filter(channel__version_id__in=version_ids, amount_vnd__isnull=False
                                               ).values_list("channel__version_id", "channel_id", "amount_vnd"):
        fees[(vid, cid)] += amount
    channels: dict[int, list[int]] = defaultdict(list)
    for (vid, _cid), total in fees.items():
        channels[vid].append(total)
    return {vid: rules.VersionTerms(docs.get(vid, 0), min(limits[vid]) if limits[vid] else None,
                                    min(channels[vid]) if channels[vid] else None) for vid in version_ids}


def _agency_provinces() -> dict[int, int | None]:
    out = {}
    for aid, unit, parent_unit in Agency.objects.values_list("pk", "unit_id", "unit__province_id"):
        out[aid] = parent_unit or unit
    return out


def compute_local_practice(as_of: date | None = None, min_dossiers: int = 5) -> int:
    """For each national procedure with localised copies: each province's version beside the national one, with
    the observed handling in the last 12 months, the best practice and the flags for asking more."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    start = end - timedelta(days=365)
    copies = list(Procedure.objects.filter(national__isnull=False, province__isnull=False,
                                           current_version__isnull=False)
                  .values_list("pk", "national_id", "province_id", "current_version_id"))
    nationals = dict(Procedure.objects.filter(pk__in={c[1] for c in copies}, current_version__isnull=False)
                     .values_list("pk", "current_version_id"))
    terms_ = version_terms(list(nationals.values()) + [c[3] for c in copies])
    provinces = _agency_provinces()
    family = {c[0]: c[1] for c in copies} | {n: n for n in nationals}
    observed: dict[tuple[int, int], dict] = defaultdict(lambda: {"n": 0, "online": 0, "rated": 0, "satisfied": 0,
                                                               "days": []})
    rows_q = (Dossier.objects.filter(procedure_id__in=family, submitted_at__gte=start, submitted_at__lt=end)
              .values_list("procedure_id", "agency_id", "channel", "rating", "received_at", "finished_at", "state"))
    clock = OfficeClock(WorkingCalendar.from_db())  # national calendar: figures comparable across provinces
    for pid, aid, channel, rating, received, finished, state in rows_q.iterator(chunk_size=5000):
        prov = provinces.get(aid)
        if prov is None:
            continue
        o = observed[(family[pid], prov)]
        o["n"] += 1
        o["online"] += channel == "online"
        if rating:
            o["rated"] += 1
            o["satisfied"] += rating == "satisfied"
        if received and finished and state not in ("withdrawn", "stopped"):
            o["days"].append(clock.between(received, finished) / OFFICE_DAY_SECONDS)
    out = []
    for nat_id, nat_vid in nationals.items():
        nat_terms = terms_[nat_vid]
        entries = [(c[0], c[2], c[3]) for c in copies if c[1] == nat_id]
        practices = []
        for pid, prov, vid in entries:
            o = observed.get((nat_id, prov), {"n": 0, "online": 0, "rated": 0, "satisfied": 0, "days": []})
            vt = terms_[vid]
            row = LocalPractice(national_id=nat_id, procedure_id=pid, province_id=prov, documents=vt.documents,
                                time_limit_days=vt.time_limit_days, fee_vnd=vt.fee_vnd, dossiers=o["n"],
                                median_days=round(statistics.median(o["days"]), 2) if o["days"] else None,
                                online_share=round(o["online"] / o["n"], 4) if o["n"] else None,
                                satisfaction=round(o["satisfied"] / o["rated"], 4) if o["rated"] else None,
                                flags=rules.extra_demands(vt, nat_terms), computed_at=started)
            out.append(row)
            practices.append(rules.Practice(str(prov), row.dossiers, row.median_days, row.online_share,
                                            row.satisfaction))
        best = rules.best_practice(practices, min_dossiers)
        for row in out[len(out) - len(entries):]:
            row.best = best is not None and str(row.province_id) == best
    with transaction.atomic():
        LocalPractice.objects.all().delete()
        LocalPractice.objects.bulk_create(out, batch_size=2000)
        _run("local_practice", as_of, started, {"nationals": len(nationals), "rows": len(out),
                                                "flagged": sum(1 for r in out if r.flags)})
    return len(out)


# -------------------------------------------------------------------------------------------------------------
# Point 5: compliance cost and plans
# -------------------------------------------------------------------------------------------------------------


def _positive(value, name: str, allow_zero: bool = True) -> Decimal:
    try:
        d = Decimal(str(value))
    except Exception:
        raise ValidationError({name: "Phải là một số."}) from None
    if not d.is_finite() or d < 0 or (d == 0 and not allow_zero):
        raise ValidationError({name: "Phải là số không âm." if allow_zero else "Phải là số dương."})
    return d


def set_cost_profile(user, code: str, *, hours, other_costs_vnd=0, performances_per_subject=1,
                     subjects_per_year=None, note: str = "") -> CostProfile:
    """Enter or change a procedure's cost inputs (Circular 02/2017 Art. 27)."""
    if not can_review(user):
        raise PermissionDenied("Chỉ cán bộ giám sát hoặc quản lý TTHC được nhập chi phí tuân thủ.")
    proc = Procedure.objects.filter(code=code).first()
    if proc is None:
        raise ValidationError({"procedure": f"Không có thủ tục {code}."})
    values = {"hours": _positive(hours, "hours"), "other_costs_vnd": int(_positive(other_costs_vnd, "other_costs_vnd")),
              "performances_per_subject": _positive(performances_per_subject, "performances_per_subject", False),
              "subjects_per_year": (int(_positive(subjects_per_year, "subjects_per_year"))
                                    if subjects_per_year not in (None, "") else None),
              "note": note, "updated_by": user if getattr(user, "pk", None) else None}
    with transaction.atomic():
        profile, _ = CostProfile.objects.update_or_create(procedure=proc, defaults=values)
        _log(user, "cost_profile", code, {k: str(v) for k, v in values.items() if k != "updated_by"})
    return profile


def observed_dossiers(procedure_id: int, agency_id: int | None, year: int) -> int:
    q = Dossier.objects.filter(procedure_id=procedure_id, submitted_at__gte=datetime(year, 1, 1, tzinfo=TZ),
                               submitted_at__lt=datetime(year + 1, 1, 1, tzinfo=TZ))
    if agency_id:
        q = q.filter(agency_id=agency_id)
    return q.count()


def plan_figures(plan: SimplificationPlan, income: Decimal, subjects: int) -> dict:
    """Before/after per performance and per year, the savings and the savings rate (Art. 27)."""
    before = rules.cost_per_performance(plan.before_hours, income, plan.before_fees_vnd, plan.before_other_vnd)
    after = rules.cost_per_performance(plan.after_hours, income, plan.after_fees_vnd, plan.after_other_vnd)
    annual_before = rules.annual_cost(before, Decimal(1), Decimal(subjects))
    annual_after = rules.annual_cost(after, Decimal(1), Decimal(subjects))
    time_rate = (rules.savings_rate(plan.before_days, plan.after_days)
                 if plan.before_days is not None and plan.after_days is not None else None)
    return {"before": int(before), "after": int(after), "savings_rate": rules.savings_rate(before, after),
            "subjects": subjects, "annual_before": int(annual_before), "annual_after": int(annual_after),
            "annual_savings": int(annual_before - annual_after), "time_savings_rate": time_rate}


def _plan_subjects(plan: SimplificationPlan) -> int:
    if plan.subjects_per_year is not None:
        return plan.subjects_per_year
    n = observed_dossiers(plan.procedure_id, plan.agency_id, rules.BASELINE_YEAR)
    return n or observed_dossiers(plan.procedure_id, plan.agency_id, timezone.localdate().year - 1)


def create_plan(user, *, agency: str, procedure: str, title: str, year: int, before_hours, after_hours,
                before_fees_vnd=0, after_fees_vnd=0, before_other_vnd=0, after_other_vnd=0, before_days=None,
                after_days=None, subjects_per_year=None, note: str = "") -> SimplificationPlan:
    """Store a simplification plan and refresh its agency's progress against the targets."""
    if not can_review(user):
        raise PermissionDenied("Chỉ cán bộ giám sát hoặc quản lý TTHC được nhập phương án đơn giản hóa.")
    errors = {}
    ag = Agency.objects.filter(code=agency).first()
    proc = Procedure.objects.filter(code=procedure).first()
    if ag is None:
        errors["agency"] = [f"Không có cơ quan {agency}."]
    if proc is None:
        errors["procedure"] = [f"Không có thủ tục {procedure}."]
    if not str(title).strip():
        errors["title"] = ["Cần tên phương án."]
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = ["Năm không hợp lệ."]
    nums = {}
    for name, value in (("before_hours", before_hours), ("after_hours", after_hours),
                        ("before_fees_vnd", before_fees_vnd), ("after_fees_vnd", after_fees_vnd),
                        ("before_other_vnd", before_other_vnd), ("after_other_vnd", after_other_vnd),
                        ("before_days", before_days), ("after_days", after_days),
                        ("subjects_per_year", subjects_per_year)):
        if value in (None, "") and name in ("before_days", "after_days", "subjects_per_year"):
            nums[name] = None
            continue
        try:
            nums[name] = _positive(value if value not in (None, "") else 0, name)
        except ValidationError as exc:
            errors[name] = exc.message_dict[name]
    if errors:
        raise ValidationError(errors)
    for name in ("before_fees_vnd", "after_fees_vnd", "before_other_vnd", "after_other_vnd", "subjects_per_year"):
        if nums[name] is not None:
            nums[name] = int(nums[name])
    with transaction.atomic():
        plan = SimplificationPlan.objects.create(agency=ag, procedure=proc, title=str(title).strip(), year=year,
                                                 note=note, created_by=user, **nums)
        _log(user, "simplification_plan", f"{agency} {procedure} {year}",
             {"plan": plan.pk, **{k: str(v) for k, v in nums.items()}})
        compute_targets(agencies=[ag.pk])
    return plan


def compute_targets(agencies: Iterable[int] | None = None, as_of: date | None = None) -> int:
    """Each agency's cut in annual compliance cost and in time limits against 2024, for 2025 (≥ 30%) and 2026
    (≥ 50%) (Resolution 66/NQ-CP, 2025). A plan counts from its year; the latest plan per procedure holds."""
    started = timezone.now()
    income = hourly_income()
    plans = SimplificationPlan.objects.select_related("procedure").order_by("agency_id", "procedure_id", "year", "pk")
    if agencies is not None:
        agencies = list(agencies)
        plans = plans.filter(agency_id__in=agencies)
    by_agency: dict[int, list[SimplificationPlan]] = defaultdict(list)
    for plan in plans:
        by_agency[plan.agency_id].append(plan)
    rows = []
    for agency_id, items in by_agency.items():
        data = {"plans": [], "years": {}}
        figures = {}
        for plan in items:
            figures[plan.pk] = plan_figures(plan, income, _plan_subjects(plan))
            data["plans"].append({"id": plan.pk, "procedure": plan.procedure.code, "title": plan.title,
                                  "year": plan.year, **{k: (str(v) if isinstance(v, Decimal) else v)
                                                        for k, v in figures[plan.pk].items()}})
        for year in sorted(rules.TARGETS):
            before = after = Decimal(0)
            days_before = days_after = Decimal(0)
            latest: dict[int, SimplificationPlan] = {}
            for plan in items:
                if plan.year <= year:
                    latest[plan.procedure_id] = plan  # ordered by year: the latest plan in force
            for plan in latest.values():
                f = figures[plan.pk]
                before += f["annual_before"]
                after += f["annual_after"]
                if plan.before_days is not None and plan.after_days is not None:
                    days_before += plan.before_days
                    days_after += plan.after_days
            rate = rules.savings_rate(before, after) if before else None
            time_rate = rules.savings_rate(days_before, days_after) if days_before else None
            data["years"][str(year)] = {
                "target": str(rules.TARGETS[year]), "annual_before": int(before), "annual_after": int(after),
                "cost_rate": str(rate) if rate is not None else None, "cost_status": rules.target_status(rate, year),
                "time_rate": str(time_rate) if time_rate is not None else None,
                "time_status": rules.target_status(time_rate, year)}
        rows.append(Analysis(kind="targets", agency_id=agency_id, data=data, computed_at=started))
    with transaction.atomic():
        old = Analysis.objects.filter(kind="targets")
        if agencies is not None:
            old = old.filter(agency_id__in=agencies)
        old.delete()
        Analysis.objects.bulk_create(rows)
        if agencies is None:
            _run("targets", as_of or timezone.localdate(), started, {"agencies": len(rows)})
    return len(rows)


def compute_costs(as_of: date | None = None) -> int:
    """Cost per performance and annual cost of every published procedure with a cost profile, a fee or dossiers in
    the last 12 months (subjects default to those dossiers)."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    income = hourly_income()
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    procs = dict(Procedure.objects.filter(current_version__isnull=False).values_list("pk", "current_version_id"))
    terms_ = version_terms(procs.values())
    counts = dict(Dossier.objects.filter(submitted_at__gte=end - timedelta(days=365), submitted_at__lt=end)
                  .values("procedure").annotate(n=Count("pk")).values_list("procedure", "n"))
    profiles = {p.procedure_id: p for p in CostProfile.objects.all()}
    rows = []
    for pid, vid in procs.items():
        profile = profiles.get(pid)
        fee = terms_[vid].fee_vnd or 0
        if profile is None and not fee and not counts.get(pid):
            continue
        hours = profile.hours if profile else Decimal(0)
        other = profile.other_costs_vnd if profile else 0
        per = rules.cost_per_performance(hours, income, fee, other)
        subjects = profile.subjects_per_year if profile and profile.subjects_per_year is not None else counts.get(pid,
                                                                                                              0)
        per_subject = profile.performances_per_subject if profile else Decimal(1)
        rows.append(Analysis(kind="cost", procedure_id=pid, computed_at=started, data={
            "hours": str(hours), "hourly_income": int(income), "fees": fee, "other": other, "per_performance": int(per),
            "performances_per_subject": str(per_subject), "subjects": subjects,
            "subjects_observed": profile is None or profile.subjects_per_year is None,
            "annual": int(rules.annual_cost(per, per_subject, Decimal(subjects))), "has_profile": profile is not None}))
    with transaction.atomic():
        Analysis.objects.filter(kind="cost").delete()
        Analysis.objects.bulk_create(rows, batch_size=2000)
        _run("cost", as_of, started, {"procedures": len(rows)})
    compute_targets(as_of=as_of)
    return len(rows)


# -------------------------------------------------------------------------------------------------------------
# Point 6: bottlenecks (from the events, in batch)
# -------------------------------------------------------------------------------------------------------------

ATTRIBUTION_ROWS = 20  # the rest of the overdue dossiers are summed in one "…" row
WAIT_START = {"supplement_requested", "payment_requested", "receipt_supplement_requested"}


def activity(action: str, step: str) -> str:
    """The event's activity name in the log: complete_step carries its step (``complete_step:appraise``)."""
    return f"{action}:{step}" if action == "complete_step" and step else action


@dataclass
class DossierTrace:
    dossier_id: int
    procedure_id: int
    agency_id: int
    agency_code: str
    overdue: bool
    refused: bool
    supplemented: bool
    activities: list  # (activity, epoch seconds)
    step_times: list  # (key, unit, seconds taken, budget seconds or None)


def trace_of(d: dict, events: list[tuple], clock: OfficeClock, now: datetime) -> DossierTrace:
    """One dossier's activities and step times. A step's time runs from the previous step's end (the submission for
    the receipt step) to the event that completes it, in office hours, minus the time waiting for the applicant."""
    budgets = {s.get("key"): (s.get("budget_seconds"), s.get("unit") or "") for s in (d["steps"] or [])}
    acts, steps = [], []
    start = wait_from = None
    waited = 0.0
    supplemented = False
    for _seq, at, action, to_state, step in events:
        acts.append((activity(action, step), at.timestamp()))
        if action == "submit":
            start = at
        if action == "request_supplement":
            supplemented = True
        if wait_from is not None and to_state not in WAIT_START:
            waited += clock.between(wait_from, at)
            wait_from = None
        if to_state in WAIT_START and wait_from is None:
            wait_from = at
        if step and start is not None and action != "apologise":
            taken = max(0.0, clock.between(start, at) - waited)
            budget, unit = budgets.get(step, (None, ""))
            steps.append((step, unit or d["agency__code"], taken, float(budget) if budget else None))
            start, waited = at, 0.0
    due, finished = d["due_at"], d["finished_at"]
    overdue = bool(due and ((finished and finished > due) or (not finished and d["state"] not in TERMINAL
                                                             and due < now)))
    return DossierTrace(d["pk"], d["procedure_id"], d["agency_id"], d["agency__code"], overdue,
                        d["state"] in ("refused", "not_received"), supplemented, acts, steps)


class _Agg:
    """Accumulates traces for one key (procedure × agency, procedure, or agency)."""

    def __init__(self, by_unit: bool = True) -> None:
        # Across all agencies of a procedure, step times are pooled per step (unit "*"), else a national procedure
        # would list each step once per agency; the attribution of overdue dossiers stays per step and unit.
        self.by_unit = by_unit
        self.dossiers = self.overdue = self.refused = self.supplemented = 0
        self.step_taken: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.step_budget: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.attributed: Counter = Counter()
        self.edges: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.nodes: Counter = Counter()

    def add(self, t: DossierTrace) -> None:
        self.dossiers += 1
        self.refused += t.refused
        self.supplemented += t.supplemented
        for key, unit, taken, budget in t.step_times:
            unit = unit if self.by_unit else "*"
            self.step_taken[(key, unit)].append(taken)
            if budget is not None:
                self.step_budget[(key, unit)].append(budget)
        if t.overdue:
            self.overdue += 1
            self.attributed[rules.attribute_overdue(t.step_times) or ("", "")] += 1
        for (a, b), ds in rules.directly_follows([t.activities]).items():
            self.edges[(a, b)].extend(ds)
        self.nodes.update(a for a, _ in t.activities)

    def result(self) -> dict:
        steps = []
        for (key, unit), xs in self.step_taken.items():
            budgets = self.step_budget.get((key, unit), [])
            budget = statistics.median(budgets) if budgets else None
            steps.append({"step": key, "unit": unit, "n": len(xs),
                          "median_hours": round(rules.percentile(xs, 0.5) / 3600, 2),
                          "p90_hours": round(rules.percentile(xs, 0.9) / 3600, 2),
                          "budget_hours": round(budget / 3600, 2) if budget is not None else None,
                          "over_budget_share": (round(sum(1 for x in xs if x > budget) / len(xs), 4)
                                                if budget is not None else None),
                          "overdue_attributed": (self.attributed.get((key, unit), 0) if self.by_unit else
                                                 sum(n for (k, _u), n in self.attributed.items() if k == key))})
        order = {k: i for i, k in enumerate(("receive", "appraise", "approve", "return"))}
        steps.sort(key=lambda s: (order.get(s["step"], 50), s["step"], s["unit"]))
        attribution = [{"step": k, "unit": u, "count": n, "share": round(n / self.overdue, 4)}
                       for (k, u), n in self.attributed.most_common(ATTRIBUTION_ROWS)]
        rest = self.overdue - sum(a["count"] for a in attribution)
        if rest:
            attribution.append({"step": "…", "unit": "…", "count": rest, "share": round(rest / self.overdue, 4)})
        edges = [{"from": a, "to": b, "count": len(ds), "median_hours": round(statistics.median(ds) / 3600, 2)}
                 for (a, b), ds in sorted(self.edges.items(), key=lambda kv: -len(kv[1]))]
        return {"dossiers": self.dossiers, "overdue": self.overdue,
                "overdue_share": round(self.overdue / self.dossiers, 4) if self.dossiers else None,
                "supplement_rate": round(self.supplemented / self.dossiers, 4) if self.dossiers else None,
                "refusal_rate": round(self.refused / self.dossiers, 4) if self.dossiers else None,
                "steps": steps, "attribution": attribution, "nodes": dict(self.nodes.most_common()),
                "edges": edges}


def iter_traces(start: datetime, end: datetime, now: datetime, procedure_ids: Iterable[int] | None = None,
                chunk: int = 2000) -> Iterable[DossierTrace]:
    """Traces of the dossiers submitted in [start, end), read in chunks of dossiers (events fetched per chunk)."""
    calendars: dict[int, OfficeClock] = {}
    agencies = {a.pk: a for a in Agency.objects.all()}
    exceptions_exist = _calendar_exceptions_exist()
    default = OfficeClock(WorkingCalendar.from_db())
    q = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end).order_by("pk")
    if procedure_ids is not None:
        q = q.filter(procedure_id__in=list(procedure_ids))
    fields = ("pk", "procedure_id", "agency_id", "agency__code", "steps", "due_at", "finished_at", "state")
    last = 0
    while True:
        batch = list(q.filter(pk__gt=last).values(*fields)[:chunk])
        if not batch:
            return
        last = batch[-1]["pk"]
        events: dict[int, list] = defaultdict(list)
        for row in (DossierEvent.objects.filter(dossier_id__in=[d["pk"] for d in batch]).order_by("dossier_id", "seq")
                    .values_list("dossier_id", "seq", "at", "action", "to_state", "step")):
            events[row[0]].append(row[1:])
        for d in batch:
            aid = d["agency_id"]
            if aid not in calendars:
                agency = agencies.get(aid)
                calendars[aid] = (OfficeClock(WorkingCalendar.from_db(agency))
                                  if exceptions_exist or _custom_hours(agency) else default)
            yield trace_of(d, events[d["pk"]], calendars[aid], now)


def _calendar_exceptions_exist() -> bool:
    from motcua.core.models import CalendarException

    return CalendarException.objects.filter(agency__isnull=False).exists()


def _custom_hours(agency: Agency | None) -> bool:
    if agency is None:
        return False
    from motcua.core.calendar import DEFAULT_OFFICE_HOURS

    return agency.office_hours() != DEFAULT_OFFICE_HOURS


def compute_bottlenecks(as_of: date | None = None, days: int = 365, min_dossiers: int = 3,
                        progress: Callable[[int], None] | None = None) -> int:
    """Per procedure × agency, per procedure and per agency: step times (median, p90) against budgets, overdue
    attribution, the directly-follows graph, supplement and refusal rates. Stored as ``Analysis(kind=bottleneck)``.

    A procedure × agency pair with fewer than ``min_dossiers`` dossiers is not stored on its own (its dossiers count
    in the procedure's and the agency's figures): a median of one or two dossiers says nothing, and most pairs of a
    national catalog are that small."""
    as_of = as_of or timezone.localdate()
    started, t0 = timezone.now(), time.monotonic()
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    aggs: dict[tuple[int | None, int | None], _Agg] = {}
    n = 0
    for t in iter_traces(end - timedelta(days=days), end, min(end, timezone.now())):
        for key in ((t.procedure_id, t.agency_id), (t.procedure_id, None), (None, t.agency_id)):
            agg = aggs.get(key)
            if agg is None:
                agg = aggs[key] = _Agg(by_unit=key[1] is not None)
            agg.add(t)
        n += 1
        if progress and n % 10000 == 0:
            progress(n)
    rows = []
    for (p, a), agg in aggs.items():
        if p is not None and a is not None and agg.dossiers < min_dossiers:
            continue
        data = agg.result()
        summary = {k: data[k] for k in ("dossiers", "overdue", "supplement_rate", "refusal_rate")}
        summary["top"] = data["attribution"][0] if data["attribution"] else None
        rows.append(Analysis(kind="bottleneck", procedure_id=p, agency_id=a, data=data, dossiers=agg.dossiers,
                             overdue=agg.overdue, summary=summary, computed_at=started))
    with transaction.atomic():
        Analysis.objects.filter(kind="bottleneck").delete()
        Analysis.objects.bulk_create(rows, batch_size=500)
        _run("bottlenecks", as_of, started, {"dossiers": n, "rows": len(rows),
                                             "seconds": round(time.monotonic() - t0, 1)})
    return n


# -------------------------------------------------------------------------------------------------------------
# Point 7: workload and staff
# -------------------------------------------------------------------------------------------------------------

HANDLING_ROLES = ("desk_officer", "specialist", "leader")
WORK_ACTIONS = ("receive", "complete_step", "approve", "refuse", "return_result", "request_supplement")


def compute_workload(as_of: date | None = None, weeks: int = 8, clear_weeks: int = 8) -> dict:
    """Per agency: staff, open dossiers, weekly arrivals and completions, sustained backlog or spare capacity; per
    officer: open dossiers assigned and dossiers worked per week; and the reallocation (rules.reallocate)."""
    as_of = as_of or timezone.localdate()
    started = timezone.now()
    end = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    start = end - timedelta(weeks=weeks)
    staff: dict[int, set[int]] = defaultdict(set)
    for aid, uid in Membership.objects.filter(role__in=HANDLING_ROLES).values_list("agency_id", "user_id"):
        staff[aid].add(uid)
    users = {}
    from django.contrib.auth import get_user_model

    for uid, username, first, last in get_user_model().objects.filter(
            pk__in={u for s in staff.values() for u in s}).values_list("pk", "username", "first_name", "last_name"):
        users[uid] = (username, f"{last} {first}".strip() or username)
    open_q = Dossier.objects.filter(received_at__isnull=False, received_at__lt=end).exclude(state__in=TERMINAL).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=end))
    open_by_agency = dict(open_q.values("agency").annotate(n=Count("pk")).values_list("agency", "n"))
    open_by_user = dict(open_q.filter(assigned_to__isnull=False).values("assigned_to").annotate(n=Count("pk"))
                        .values_list("assigned_to", "n"))
    weekly: dict[int, list[list[int]]] = defaultdict(lambda: [[0, 0] for _ in range(weeks)])
    for aid, at in Dossier.objects.filter(received_at__gte=start, received_at__lt=end).values_list("agency_id",
                                                                                                 "received_at"):
        weekly[aid][min(weeks - 1, int((at - start).total_seconds() // (7 * 86400)))][0] += 1
    for aid, at in Dossier.objects.filter(finished_at__gte=start, finished_at__lt=end).values_list("agency_id",
                                                                                                 "finished_at"):
        weekly[aid][min(weeks - 1, int((at - start).total_seconds() // (7 * 86400)))][1] += 1
    worked = dict(DossierEvent.objects.filter(at__gte=start, at__lt=end, actor__isnull=False, action__in=WORK_ACTIONS)
                  .values("actor").annotate(n=Count("dossier", distinct=True)).values_list("actor", "n"))
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=set(staff) | set(open_by_agency) | set(weekly))}
    loads, rows = [], []
    for aid, agency in agencies.items():
        people = sorted(staff.get(aid, ()), key=lambda u: (open_by_user.get(u, 0), users.get(u, ("",))[0]))
        w = weekly.get(aid, [[0, 0]] * weeks)
        arrivals = sum(a for a, _ in w) / weeks
        completions = sum(c for _, c in w) / weeks
        loads.append(rules.UnitLoad(agency.code, agency.code.split(".")[0], tuple(users[u][0] for u in people if u
                                                                                   in users),
                                    arrivals, open_by_agency.get(aid, 0), completions))
        rows.append((aid, agency, people, w, arrivals, completions))
    moves = rules.reallocate(loads, clear_weeks=clear_weeks)
    rates: dict[str, float] = {}
    for group in {lo.group for lo in loads}:
        members = [lo for lo in loads if lo.group == group]
        head = sum(len(lo.staff) for lo in members)
        rates[group] = sum(lo.completions_per_week for lo in members) / head if head else 0.0
    out = []
    for (aid, _agency, people, w, _arrivals, _completions), lo in zip(rows, loads, strict=True):
        need = rules.needed_staff(lo, rates[lo.group], clear_weeks)
        sustained = rules.sustained_backlog([tuple(x) for x in w])
        status = ("backlog" if sustained and need > len(people) else
                  "spare" if len(people) >= 2 and need <= len(people) - 1 else "balanced")
        out.append(Analysis(kind="workload", agency_id=aid, computed_at=started, data={
            "staff": len(people), "open": open_by_agency.get(aid, 0), "arrivals_per_week": round(arrivals, 2),
            "completions_per_week": round(completions, 2), "weekly": w, "needed_staff": round(need, 2),
            "sustained_backlog": sustained, "status": status,
            "officers": [{"username": users[u][0], "name": users[u][1], "open": open_by_user.get(u, 0),
                          "per_week": round(worked.get(u, 0) / weeks, 2)} for u in people if u in users]}))
    headcount = sum(len(lo.staff) for lo in loads)
    after = Counter({lo.unit: len(lo.staff) for lo in loads})
    for m in moves:
        after[m.from_unit] -= 1
        after[m.to_unit] += 1
    summary = {"moves": [m.__dict__ for m in moves], "headcount_before": headcount,
               "headcount_after": sum(after.values()), "weeks": weeks, "clear_weeks": clear_weeks}
    out.append(Analysis(kind="reallocation", computed_at=started, data=summary))
    with transaction.atomic():
        Analysis.objects.filter(kind__in=("workload", "reallocation")).delete()
        Analysis.objects.bulk_create(out, batch_size=1000)
        _run("workload", as_of, started, {"agencies": len(rows), "moves": len(moves)})
    return summary
