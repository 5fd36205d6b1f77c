"""Web pages of the reviews under ``/giam-sat/ra-soat/`` (issue 6 point 8): stored results only, tables with SVG
charts beside them, print styles, empty states. Reviewers only (staff, supervisors, catalog officers)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog.models import Level
from motcua.units.queries import under_codes

from . import charts, queries, services
from .models import Analysis, OverlapVerdict, ProposalAction

PAGE = 50


def reviewer_required(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "/dang-nhap/")
        if not services.can_review(request.user):
            raise PermissionDenied(_("Chỉ cán bộ giám sát hoặc quản lý TTHC xem được trang rà soát."))
        return view(request, *args, **kwargs)
    return wrapped


def _page(request: HttpRequest, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("trang"))


def _roots(request: HttpRequest) -> set[str] | None:
    """Issue 14 point 7: a province's or ministry's supervisor sees their own agencies and the procedures their
    province or ministry is answerable for, with no way to ask for more (``None``: national)."""
    from motcua.oversight.access import supervisor_roots

    return supervisor_roots(request.user)


def _is_under(code: str, roots: set[str]) -> bool:
    """The same rule as :func:`motcua.units.queries.under_codes`, for a code already read."""
    return any(code == root or code.startswith(f"{root}.") for root in roots)


def _procedures(roots: set[str] | None) -> set[int] | None:
    from motcua.oversight.access import catalog_procedures

    return None if roots is None else catalog_procedures(roots)


@reviewer_required
def index(request: HttpRequest) -> HttpResponse:
    procedures = _procedures(_roots(request))
    counts = queries.proposal_counts(procedures)
    return render(request, "oversight_review/index.html", {
        "runs": queries.last_runs(),
        "proposal_counts": [(k, label, counts[k]) for k, label in ProposalAction.choices if counts.get(k)],
        "overlaps": queries.overlaps(procedures).count(), "dormant_by_level": queries.dormant_by_level(),
        "scoped": procedures is not None})


@reviewer_required
def dormant(request: HttpRequest) -> HttpResponse:
    from motcua.oversight.access import supervisor_roots

    # Issue 14 point 7: a province's or ministry's supervisor starts at their own agencies; "Toàn quốc" stays a choice.
    roots = None if "pham_vi" in request.GET else supervisor_roots(request.user)
    scope = "agency" if roots is not None or request.GET.get("pham_vi") == "co-quan" else "national"
    level = request.GET.get("cap", "")
    level = level if level in Level.values else ""
    qs = queries.dormant(level=level, agency=request.GET.get("co_quan", "").strip(), scope=scope, roots=roots)
    counts = queries.dormant_by_level()
    return render(request, "oversight_review/dormant.html", {
        "page": _page(request, qs), "scope": scope, "level": level, "levels": Level.choices, "counts": counts,
        "chart": mark_safe(charts.bars_svg([(str(dict(Level.choices).get(k, k)), v) for k, v in counts.items()])),
        "agency": request.GET.get("co_quan", ""), "run": queries.last_runs().get("dormant")})


@reviewer_required
def overlaps(request: HttpRequest) -> HttpResponse:
    procedures = _procedures(_roots(request))
    return render(request, "oversight_review/overlaps.html", {
        "page": _page(request, queries.overlaps(procedures)), "verdicts": OverlapVerdict.choices,
        "decisions": queries.decisions(procedures)[:20], "run": queries.last_runs().get("overlaps"),
        "scoped": procedures is not None})


@require_POST
@reviewer_required
def decide(request: HttpRequest) -> HttpResponse:
    try:
        services.decide_overlap(request.user, request.POST.get("a", ""), request.POST.get("b", ""),
                                request.POST.get("verdict", ""), request.POST.get("note", ""))
        messages.success(request, _("Đã ghi kết luận; cặp thủ tục không được đề xuất lại."))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    return redirect(request.POST.get("next") or "oversight_review:overlaps")


@reviewer_required
def proposals(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("de_xuat", "")
    action = action if action in ProposalAction.values else ""
    procedures = _procedures(_roots(request))
    counts = queries.proposal_counts(procedures)
    labels = dict(ProposalAction.choices)
    return render(request, "oversight_review/proposals.html", {
        "page": _page(request, queries.proposals(action, procedures)), "action": action,
        "actions": ProposalAction.choices, "scoped": procedures is not None,
        "counts": [(k, labels[k], counts.get(k, 0)) for k in ProposalAction.values],
        "chart": mark_safe(charts.bars_svg([(str(labels[k]), counts.get(k, 0)) for k in ProposalAction.values])),
        "run": queries.last_runs().get("proposals")})


@reviewer_required
def practice(request: HttpRequest) -> HttpResponse:
    flagged = request.GET.get("chi_canh_bao") == "1"
    return render(request, "oversight_review/practice.html", {
        "page": _page(request, queries.local_practice(flagged)), "flagged": flagged,
        "run": queries.last_runs().get("local_practice")})


@reviewer_required
def cost(request: HttpRequest) -> HttpResponse:
    costs = queries.analyses("cost").order_by("-data__annual")
    return render(request, "oversight_review/cost.html", {
        "page": _page(request, costs), "targets": queries.analyses("targets").order_by("agency__code"),
        "plans": queries.plans(), "income": services.hourly_income(), "run": queries.last_runs().get("cost")})


@require_POST
@reviewer_required
def create_plan(request: HttpRequest) -> HttpResponse:
    fields = ("agency", "procedure", "title", "year", "before_hours", "after_hours", "before_fees_vnd",
              "after_fees_vnd", "before_other_vnd", "after_other_vnd", "before_days", "after_days",
              "subjects_per_year", "note")
    try:
        services.create_plan(request.user, **{f: request.POST.get(f, "") for f in fields})
        messages.success(request, _("Đã lưu phương án đơn giản hóa và cập nhật tiến độ của cơ quan."))
    except ValidationError as exc:
        messages.error(request, " ".join(f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms))
    return redirect("oversight_review:cost")


@require_POST
@reviewer_required
def set_cost_profile(request: HttpRequest) -> HttpResponse:
    fields = ("hours", "other_costs_vnd", "performances_per_subject", "subjects_per_year", "note")
    values = {f: request.POST.get(f, "") for f in fields}
    values["other_costs_vnd"] = values["other_costs_vnd"] or 0
    values["performances_per_subject"] = values["performances_per_subject"] or 1
    try:
        services.set_cost_profile(request.user, request.POST.get("procedure", "").strip(), **values)
        messages.success(request, _("Đã lưu số liệu chi phí; số liệu tổng hợp cập nhật ở lần chạy tiếp theo."))
    except ValidationError as exc:
        messages.error(request, " ".join(f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms))
    return redirect("oversight_review:cost")


@reviewer_required
def bottlenecks(request: HttpRequest) -> HttpResponse:
    # Only the summary keys are read from the stored JSON (the steps and graph stay in the database).
    summary = ("procedure__code", "procedure__current_version__name", "agency__code", "agency__name",
               "summary")
    base = Analysis.objects.filter(kind="bottleneck")
    roots = _roots(request)
    if roots is None:
        rows = base.filter(agency__isnull=True, procedure__isnull=False)
    else:  # their agencies' analyses per procedure, never the national ones (issue 14 point 7)
        base = base.filter(under_codes(roots, "agency__code"))
        rows = base.filter(procedure__isnull=False)
    rows = rows.order_by("-overdue", "procedure__code", "agency__code").values(*summary)
    units = base.filter(procedure__isnull=True).order_by("-overdue", "agency__code").values(*summary)[:30]
    return render(request, "oversight_review/bottlenecks.html", {
        "page": _page(request, rows), "units": units, "run": queries.last_runs().get("bottlenecks"),
        "scoped": roots is not None})


@reviewer_required
def bottleneck_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = request.GET.get("co_quan", "")
    roots = _roots(request)
    agencies = queries.bottleneck_agencies(code)
    if roots is not None:  # only their agencies' analyses; the first of them when none (or another) is asked for
        agencies = [a for a in agencies if _is_under(a, roots)]
        if agency not in agencies:
            agency = agencies[0] if agencies else None
    row = queries.bottleneck(code, agency) if agency is not None else None
    if row is None:
        raise Http404(_("Chưa có phân tích điểm nghẽn cho thủ tục này."))
    data = row.data
    steps = [(f"{s['step']} · {s['unit']}", s["median_hours"]) for s in data["steps"]]
    marks = {f"{s['step']} · {s['unit']}": s["budget_hours"] for s in data["steps"] if s["budget_hours"] is not None}
    edges = [dict(e, from_label=charts.label(e["from"]), to_label=charts.label(e["to"])) for e in data["edges"]]
    return render(request, "oversight_review/bottleneck_detail.html", {
        "row": row, "data": data, "agency": agency, "agencies": agencies, "edges": edges, "scoped": roots is not None,
        "dfg": mark_safe(charts.dfg_svg(data["edges"])),
        "steps_chart": mark_safe(charts.bars_svg(steps, " h", marks=marks))})


@reviewer_required
def workload(request: HttpRequest) -> HttpResponse:
    rows = queries.analyses("workload").order_by("agency__code")
    roots = _roots(request)
    if roots is not None:  # their own agencies only (issue 14 point 7)
        rows = rows.filter(under_codes(roots, "agency__code"))
    status = request.GET.get("trang_thai", "")
    if status in ("backlog", "spare", "balanced"):
        rows = rows.filter(data__status=status)
    realloc = queries.analyses("reallocation").first()
    data = realloc.data if realloc else None
    if data is not None and roots is not None:  # the moves between their own units; their own headcount
        staff = sum((data or {}).get("staff", 0) for data in Analysis.objects.filter(
            under_codes(roots, "agency__code"), kind="workload").values_list("data", flat=True))
        data = {**data, "moves": [m for m in data.get("moves", []) if _is_under(m.get("from_unit", ""), roots)],
                "headcount_before": staff, "headcount_after": staff}
    return render(request, "oversight_review/workload.html", {
        "page": _page(request, rows), "status": status, "realloc": data, "scoped": roots is not None,
        "run": queries.last_runs().get("workload")})
