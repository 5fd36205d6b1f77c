"""Reads of the reviews for pages and the API: stored rows only (never the raw dossier history)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import (
    Analysis,
    DormantProcedure,
    LocalPractice,
    OverlapCandidate,
    OverlapDecision,
    Proposal,
    ReviewRun,
    SimplificationPlan,
)


def last_runs() -> dict[str, ReviewRun]:
    runs: dict[str, ReviewRun] = {}
    for run in ReviewRun.objects.order_by("-finished_at")[:50]:
        runs.setdefault(run.kind, run)
    return runs


def dormant(level: str = "", agency: str = "", scope: str = "national", roots: set[str] | None = None) -> QuerySet:
    """Dormant procedures, national or per agency; ``roots`` (agency code roots) keeps the agencies under them."""
    q = DormantProcedure.objects.select_related("procedure__current_version", "agency")
    q = q.filter(agency__isnull=True) if scope == "national" else q.filter(agency__isnull=False)
    if roots is not None and scope != "national":
        from motcua.units.queries import under_codes

        q = q.filter(under_codes(roots, "agency__code"))
    if level:
        q = q.filter(levels__contains=level)
    if agency:
        q = q.filter(agency__code=agency)
    return q.order_by("last_dossier_on", "procedure__code", "agency__code")


def dormant_by_level() -> dict[str, int]:
    counts: dict[str, int] = {}
    for levels, n in (DormantProcedure.objects.filter(agency__isnull=True, status="dormant").values("levels")
                      .annotate(n=Count("pk")).values_list("levels", "n")):
        for level in (levels or "").split(",") or [""]:
            counts[level or "?"] = counts.get(level or "?", 0) + n
    return counts


def _pairs_within(q: QuerySet, procedures: set[int] | None) -> QuerySet:
    """Pairs one of whose procedures is among ``procedures`` (``None``: every pair)."""
    if procedures is None:
        return q
    ids = sorted(procedures)
    return q.filter(Q(procedure_a_id__in=ids) | Q(procedure_b_id__in=ids))


def overlaps(procedures: set[int] | None = None) -> QuerySet:
    """Candidate pairs, best first; only those touching ``procedures`` (a supervisor's catalog) when given."""
    q = OverlapCandidate.objects.select_related("procedure_a__current_version", "procedure_b__current_version"
                                                ).order_by("-score", "procedure_a__code", "procedure_b__code")
    return _pairs_within(q, procedures)


def decisions(procedures: set[int] | None = None) -> QuerySet:
    return _pairs_within(OverlapDecision.objects.select_related("procedure_a", "procedure_b", "decided_by"),
                         procedures)


def proposals(action: str = "", procedures: set[int] | None = None) -> QuerySet:
    q = Proposal.objects.select_related("procedure__current_version", "related")
    if procedures is not None:
        q = q.filter(procedure_id__in=sorted(procedures))
    return q.filter(action=action) if action else q


def proposal_counts(procedures: set[int] | None = None) -> dict[str, int]:
    q = Proposal.objects.all() if procedures is None else Proposal.objects.filter(procedure_id__in=sorted(procedures))
    return dict(q.values("action").annotate(n=Count("pk")).values_list("action", "n"))


def local_practice(flagged_only: bool = False) -> QuerySet:
    q = LocalPractice.objects.select_related("national__current_version", "procedure", "province")
    return q.exclude(flags=[]) if flagged_only else q


def analyses(kind: str) -> QuerySet:
    return Analysis.objects.filter(kind=kind).select_related("procedure__current_version", "agency")


def bottleneck(procedure: str, agency: str = "") -> Analysis | None:
    q = analyses("bottleneck").filter(procedure__code=procedure)
    q = q.filter(agency__code=agency) if agency else q.filter(agency__isnull=True)
    return q.first()


def bottleneck_agencies(procedure: str) -> list[str]:
    return list(Analysis.objects.filter(kind="bottleneck", procedure__code=procedure, agency__isnull=False)
                .order_by("agency__code").values_list("agency__code", flat=True))


def plans() -> QuerySet:
    return SimplificationPlan.objects.select_related("agency", "procedure")
