"""Web pages of oversight (``/giam-sat/``): the dashboard, the service index with drill-down Country → province →
agency → procedure and trend chart, the dossiers behind a figure, the one-stop evaluation. Thin: they read
:mod:`.queries` (fact tables and snapshots) and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, charts, evaluation, index, queries, roles, rules

TREND_PERIODS = 6
ROWS_PER_PAGE = 100
TREND_UNITS = 5
CHILD_LEVEL = {"country": ("province", None), "province": ("agency", "province"), "ministry": ("agency", "ministry"),
               "commune": ("agency", "commune"), "agency": ("procedure", "agency")}
LEVEL_CHOICES = [(k, v) for k, v in index.LEVEL_NAMES.items() if k != "procedure"]


def _default_period() -> str:
    today = timezone.now().astimezone(rules.TZ).date()
    return f"{today.year}-{today.month:02d}"


def period_choices(selected: str = "") -> list[tuple[str, str]]:
    """The periods the forms offer (issue 14 point 5: chosen from a list, not typed as codes): this month and the 11
    before, this quarter and the 3 before, this year and the one before (:func:`.queries.offered_periods`, the
    periods the refresh stores); the selected one kept when valid."""
    choices = [(p.key, p.label()) for p in queries.offered_periods()]
    if selected and selected not in dict(choices):
        try:
            p = rules.parse_period(selected)
            choices.insert(0, (p.key, p.label()))
        except rules.PeriodError:
            pass
    return choices


def scope_choices(selected: str = "", own: str | None = None) -> list[tuple[str, str]]:
    """The scopes the forms offer: the nation, every province and every ministry by name — or, to a province's or
    ministry's supervisor (``own``), their own scope only (issue 14 point 7); the selected scope (a commune or an
    agency reached by a link) kept with its name."""
    d = index.directory()
    if own:
        choices = []
    else:
        choices = [("", _("Cả nước"))]
        choices += sorted(((f"province:{code}", name) for code, name in d.provinces.values()), key=lambda c: c[1])
        choices += sorted(((f"ministry:{a.code}", a.name) for a in d.agencies.values() if a.ministry_id == a.id),
                          key=lambda c: c[1])
    for wanted in (own, selected):
        if not wanted or wanted in dict(choices):
            continue
        kind, _sep, code = wanted.partition(":")
        name = None
        if kind == "agency" and code in d.by_code:
            name = d.by_code[code].name
        elif kind == "commune" and code.zfill(5) in d.commune_by_code:
            name = d.communes[d.commune_by_code[code.zfill(5)]][1]
        elif kind == "province" and code.zfill(2) in d.province_by_code:
            name = d.provinces[d.province_by_code[code.zfill(2)]][1]
        elif kind == "ministry" and code in d.by_code:
            name = d.by_code[code].name
        choices.insert(len(choices) if wanted == own else min(1, len(choices)), (wanted, name or wanted))
    return choices


def _choices(period: str, scope: str, own: str | None = None) -> dict:
    return {"periods": period_choices(period), "scopes": scope_choices(scope, own)}


def _levels_for(scope: str) -> list[tuple[str, str]]:
    """The levels the form offers inside ``scope`` (all of them nationally; inside a unit, those whose units lie in
    it): the tables the refresh stores."""
    if not scope:
        return LEVEL_CHOICES
    kind = scope.partition(":")[0]
    return [(k, v) for k, v in LEVEL_CHOICES if k in queries.CONTAINED.get(kind, ())]


def _default_level(scope: str) -> str:
    """Nationally the provinces; inside a province, ministry or commune its agencies; an agency itself."""
    return "agency" if scope else "province"


def _viewer_params(request: HttpRequest) -> tuple[str, str, str, str | None, bool]:
    """(period, level, scope, the viewer's own scope, refused): the scope the viewer may see (issue 14 point 7) and a
    level offered inside it (another level falls back to the scope's first)."""
    period = request.GET.get("period") or _default_period()
    own = access.viewer_scope(request.user)
    scope, refused = access.page_scope(request.user, request.GET.get("scope") if "scope" in request.GET else None,
                                       own)
    level = request.GET.get("level") or _default_level(scope)
    if level != "procedure" and level not in dict(_levels_for(scope)):
        level = _default_level(scope)
    return period, level, scope, own, refused


def _error(request: HttpRequest, message: str, period: str, level: str, scope: str,
           own: str | None = None) -> HttpResponse:
    return render(request, "oversight/index.html", {"error": message, "period": period, "level": level,
                                                    "scope": scope, "levels": _levels_for(scope),
                                                    **_choices(period, scope, own)}, status=400)


def _preparing(request: HttpRequest, template: str, missing: queries.NotPrepared, context: dict) -> HttpResponse:
    """The page of a table not stored yet (issue 14 point 9): it says so plainly and the table is queued; with
    scripts the page asks :func:`preparation_state` and says when the figures are ready, otherwise it offers a link
    to reload."""
    queries.queue_preparation(missing.kind, missing.period, missing.level, missing.scope)
    return render(request, template, {**context, "preparing": True, "missing": _state_url(missing)})


def _state_url(missing: queries.NotPrepared) -> str:
    return f"{reverse('oversight:preparation_state')}?" + urlencode(
        {"kind": missing.kind, "period": missing.period, "level": missing.level, "scope": missing.scope})


def preparation_state(request: HttpRequest) -> JsonResponse:
    """``/giam-sat/chuan-bi.json?kind=&period=&level=&scope=``: ``{"ready": true}`` once the table is stored."""
    q = request.GET
    return JsonResponse({"ready": queries.is_stored(q.get("kind", ""), q.get("period", ""), q.get("level", ""),
                                                    q.get("scope", ""))}, headers={"Cache-Control": "no-store"})


def _refused_notice(refused: bool, scope: str, choices: list[tuple[str, str]]) -> str:
    if not refused:
        return ""
    name = dict(choices).get(scope, scope)
    return _("Bạn chỉ xem được số liệu trong phạm vi của mình (%(name)s): trang hiển thị phạm vi này.") % {
        "name": name}


def dashboard(request: HttpRequest) -> HttpResponse:
    period = _default_period()
    own = access.viewer_scope(request.user)
    # Issue 14 point 7: a province's or ministry's supervisor sees their own unit's index, not the nation's.
    level, code = ("country", index.COUNTRY) if own is None else (own.partition(":")[0], own.partition(":")[2])
    preparing = False
    try:
        table = queries.stored_index_table(period, level, own)
    except queries.NotPrepared as missing:
        queries.queue_preparation(missing.kind, missing.period, missing.level, missing.scope)
        table, preparing = None, _state_url(missing)
    except (index.IndexError_, rules.PeriodError):  # pragma: no cover - the default period always parses
        table = None
    if table:
        queries.queue_if_old(table)
    row = next((r for r in table.payload["rows"] if r["code"] == code), None) if table else None
    context = {"period": period, "period_label": rules.parse_period(period).label(), "country": row,
               "unit_name": row["name"] if row else "", "own": own, "preparing": bool(preparing),
               "missing": preparing or "",
               "status": queries.facts_status(),
               "groups": _group_points(row, table.payload["indicators"]) if row else []}
    agencies = access.watch_agencies(request.user)
    if agencies is None or agencies:
        context.update(_watch(agencies, period))
    return render(request, "oversight/dashboard.html", context)


def _watch(agencies: set[int] | None, period: str) -> dict:
    """The watch list, the period's PAKN figures (stored facts) and (for the Government Office) the obstacle
    figures."""
    from datetime import datetime, time, timedelta

    today = timezone.localdate()
    pakn = queries.pakn_figures(agencies, period)
    obstacles = None
    if agencies is None:
        from motcua.steering.queries import obstacle_figures

        obstacles = obstacle_figures(period)
    p = rules.parse_period(period)
    start = datetime.combine(p.start, time.min, tzinfo=rules.TZ)
    end = datetime.combine(p.end + timedelta(days=1), time.min, tzinfo=rules.TZ)
    return {"watch": queries.watch_list(agencies, today), "pakn": pakn, "obstacles": obstacles,
            "receipt_late": queries.receipt_late_count(agencies, start, end)}


def _group_points(row: dict, indicators: list[dict]) -> list[dict]:
    group_of = {i["code"]: i["group"] for i in indicators}
    out = {g: {"group": g, "name": name, "points": 0.0, "max": 0.0} for g, name in rules.GROUPS.items()}
    for s in row["scores"]:
        g = out[group_of[s["code"]]]
        g["points"] += s["points"] or 0.0
        g["max"] += s["max_points"]
    return list(out.values())


def index_page(request: HttpRequest) -> HttpResponse:
    """The ranked index (stored tables only, issue 14 point 9), starting at the viewer's scope (point 7)."""
    period, level, scope, own, refused = _viewer_params(request)
    choices = _choices(period, scope, own)
    base = {"period": period, "level": level, "scope": scope, "levels": _levels_for(scope),
            "level_name": index.LEVEL_NAMES.get(level, level), "notice": _refused_notice(refused, scope,
                                                                                        choices["scopes"]),
            **choices}
    try:
        p = rules.parse_period(period)
        stored = queries.stored_index_table(period, level, scope or None)
    except queries.NotPrepared as missing:
        return _preparing(request, "oversight/index.html", missing, {**base, "period_label": p.label()})
    except (index.IndexError_, rules.PeriodError) as error:
        return _error(request, str(error), period, level, scope, own)
    queries.queue_if_old(stored)
    table = stored.payload
    child = CHILD_LEVEL.get(level)
    sep = get_format("DECIMAL_SEPARATOR")

    def num(v: float | None) -> str:  # formatted here once: the template's floatformat costs more than the page
        return "–" if v is None else f"{v:.2f}".replace(".", sep)

    page = Paginator(table["rows"], ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for r in page:
        link = None
        if child:
            child_level, scope_kind = child
            q = {"period": period, "level": child_level}
            if scope_kind:
                q["scope"] = f"{scope_kind}:{r['code']}"
            link = f"{reverse('oversight:index')}?{urlencode(q)}"
        detail = f"{reverse('oversight:unit')}?{urlencode({'period': period, 'level': level, 'code': r['code'], 'scope': scope})}"  # noqa: E501
        rows.append({"rank": r["rank"], "code": r["code"], "name": r["name"], "total": num(r["total"]),
                     "groups": [num(g["points"]) for g in _group_points(r, table["indicators"])], "link": link,
                     "detail": detail})
    chart, trend_rows, trend_labels = None, [], []
    top = [r["code"] for r in table["rows"][:TREND_UNITS]]
    if top and level != "procedure":
        trend = queries.stored_trend(period, level, top, scope or None, TREND_PERIODS)
        names = {r["code"]: r["name"] for r in table["rows"]}
        series = {names[c]: trend["series"][c] for c in top}
        chart = charts.line_chart(trend["labels"], series, title=_("Tổng điểm chỉ số theo kỳ"))
        trend_rows = [{"name": names[c], "values": trend["series"][c]} for c in top]
        trend_labels = trend["labels"]
    return render(request, "oversight/index.html", {
        **base, "table": table, "rows": rows, "computed_at": stored.computed_at, "current": stored.current,
        "period_label": p.label(), "previous": p.previous().key, "chart": chart, "trend_rows": trend_rows,
        "trend_labels": trend_labels, "crumbs": _crumbs(period, level, scope, own, choices["scopes"]),
        "group_names": list(rules.GROUPS.values()), "page": page, "count": len(table["rows"]),
        "query": urlencode({"period": period, "level": level, "scope": scope}),
    })


def _crumbs(period: str, level: str, scope: str, own: str | None = None,
            scopes: list[tuple[str, str]] | None = None) -> list[dict]:
    base = reverse("oversight:index")
    if own:  # a province's or ministry's supervisor: their own scope is the top
        crumbs = [{"name": dict(scopes or []).get(own, own),
                   "url": f"{base}?{urlencode({'period': period, 'scope': own})}"}]
        if scope and scope != own:
            crumbs.append({"name": dict(scopes or []).get(scope, scope),
                           "url": f"{base}?{urlencode({'period': period, 'scope': scope})}"})
        return crumbs
    crumbs = [{"name": _("Cả nước"), "url": f"{base}?{urlencode({'period': period, 'level': 'country'})}"},
              {"name": _("Tỉnh, thành phố"), "url": f"{base}?{urlencode({'period': period, 'level': 'province'})}"}]
    if scope:
        kind, _sep, code = scope.partition(":")
        crumbs.append({"name": dict(scopes or []).get(scope) or f"{index.LEVEL_NAMES.get(kind, kind)} {code}",
                       "url": f"{base}?{urlencode({'period': period, 'level': 'agency', 'scope': scope})}"})
    return crumbs


def unit_page(request: HttpRequest) -> HttpResponse:
    """One unit's 22 indicators with numerators, denominators, rates, points and links to the dossiers."""
    period, level, scope, own, refused = _viewer_params(request)
    code = request.GET.get("code", "")
    try:
        p = rules.parse_period(period)
        stored = queries.stored_index_table(period, level, scope or None)
    except queries.NotPrepared as missing:
        return _preparing(request, "oversight/index.html", missing, {
            "period": period, "level": level, "scope": scope, "levels": _levels_for(scope),
            "period_label": p.label(), **_choices(period, scope, own)})
    except (index.IndexError_, rules.PeriodError) as error:
        return _error(request, str(error), period, level, scope, own)
    queries.queue_if_old(stored)
    table = stored.payload
    row = next((r for r in table["rows"] if r["code"] == code), None)
    if row is None:  # includes a unit outside the viewer's scope (issue 14 point 7)
        return _error(request, _("Không có đơn vị %(code)s ở cấp này trong phạm vi đã chọn.") % {"code": code},
                      period, level, scope, own)
    indicators = {i["code"]: i for i in table["indicators"]}
    drill = access.may_drill(request.user) and level in ("country", "province", "ministry", "commune", "agency")
    lines = []
    for s in row["scores"]:
        meta = indicators[s["code"]]
        links = {}
        if drill and s["code"] in index.DRILL_INDICATORS and s["denominator"]:
            for part in ("numerator", "denominator"):
                links[part] = f"{reverse('oversight:dossiers')}?" + urlencode(
                    {"period": period, "level": level, "code": code, "indicator": s["code"], "part": part})
        elif s["code"] in index.CATALOG_INDICATORS and s["denominator"] and level != "procedure":
            for part in ("numerator", "denominator"):
                links[part] = "/api/v1/oversight/index/procedures?" + urlencode(
                    {"period": period, "level": level, "code": code, "indicator": s["code"], "part": part})
        lines.append({**s, "name": meta["name"], "group": meta["group"], "threshold": meta["threshold"],
                      "links": links})
    trend = queries.stored_trend(period, level, [code], scope or None, 12)
    chart = charts.line_chart(trend["labels"], {row["name"]: trend["series"][code]},
                              title=_("Tổng điểm chỉ số theo kỳ"))
    return render(request, "oversight/unit.html", {
        "row": row, "lines": lines, "period": period, "level": level, "scope": scope, "table": table,
        "chart": chart, "trend": list(zip(trend["labels"], trend["series"][code], strict=True)),
        "level_name": index.LEVEL_NAMES[level], "groups": rules.GROUPS, "computed_at": stored.computed_at,
        "current": stored.current,
        "notice": _refused_notice(refused, scope, scope_choices(scope, own)),
    })


def dossiers_page(request: HttpRequest) -> HttpResponse:
    if not access.may_drill(request.user):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    q = request.GET
    period, level = q.get("period", ""), q.get("level", "")
    code, indicator, part = q.get("code", ""), q.get("indicator", ""), q.get("part", "denominator")
    try:
        qs = index.dossiers_behind(period, level, code, indicator, part).order_by("dossier_id")
        scope = access.drill_scope(request.user)
        if scope is not None:  # the viewer's scope, whatever unit the query names (issue 12 point 15)
            qs = qs.filter(agency_id__in=scope)
    except (index.IndexError_, rules.PeriodError) as error:
        return _error(request, str(error), period, level, "")
    page = Paginator(qs.values("dossier__code", "agency__code", "procedure__code", "channel", "state",
                               "received_day", "ended_day", "index_due_at", "supplement_count", "on_time",
                               "late_day"), 50).get_page(q.get("page"))
    return render(request, "oversight/dossiers.html", {
        "page": page, "period": period, "level": level, "code": code, "indicator": indicator, "part": part,
        "indicator_name": rules.INDICATOR_BY_CODE[indicator].name,
        "query": urlencode({k: v for k, v in q.items() if k != "page"}),
    })


def evaluation_page(request: HttpRequest) -> HttpResponse:
    """The evaluation of the period under the law of its end: Decree 118/2025 Art. 32–33 since 1/7/2025, the
    Circular 01/2018 scoring for periods before (history). Stored tables only (issue 14 point 9); it starts at the
    viewer's scope and a province's or ministry's supervisor sees nothing outside theirs (point 7)."""
    period = request.GET.get("period") or _default_period()
    own = access.viewer_scope(request.user)
    scope, refused = access.page_scope(request.user, request.GET.get("scope") if "scope" in request.GET else None,
                                       own)
    choices = _choices(period, scope, own)
    base = {"period": period, "scope": scope, "notice": _refused_notice(refused, scope, choices["scopes"]),
            **choices}
    try:
        stored = queries.stored_evaluation_table(period, scope or None)
    except queries.NotPrepared as missing:
        return _preparing(request, "oversight/evaluation.html", missing,
                          {**base, "period_label": rules.parse_period(period).label()})
    except (index.IndexError_, rules.PeriodError) as error:
        return render(request, "oversight/evaluation.html", {**base, "error": str(error)}, status=400)
    queries.queue_if_old(stored)
    table = stored.payload
    page = Paginator(table["rows"], 100).get_page(request.GET.get("page"))
    bands = {}
    for r in table["rows"]:
        bands[r["band"]] = bands.get(r["band"], 0) + 1
    names = ([b["name"] for b in table["bands"]] if table.get("kind") == "nd118-ch5"
             else [name for _floor, name in rules.BANDS])
    return render(request, "oversight/evaluation.html", {
        **base, "table": table, "page": page, "computed_at": stored.computed_at, "current": stored.current,
        "bands": [(name, bands.get(name, 0)) for name in names],
        "query": urlencode({"period": period, "scope": scope}),
    })


def public_evaluation(request: HttpRequest) -> HttpResponse:
    """``/giam-sat/danh-gia/cong-khai/``: the applicants' evaluations per agency, public (Decree 118/2025 Art. 34(1),
    33(2)); no personal data: counts and shares only."""
    period = request.GET.get("period") or _default_period()
    scope = request.GET.get("scope") or ""
    try:
        p = rules.parse_period(period)
        sc = index.Scope.parse(scope or None)
        d = index.directory()
        results = evaluation.citizen_results(p, sc.agencies(d) if sc else None)
    except (index.IndexError_, rules.PeriodError) as error:
        return render(request, "oversight/public_evaluation.html", {"error": str(error), "period": period,
                                                                    "scope": scope}, status=400)
    from motcua.units.models import Agency

    names = {a: (code, name) for a, code, name in Agency.objects.filter(pk__in=list(results)).values_list(
        "pk", "code", "name")}
    rows = sorted(({"code": names[a][0], "name": names[a][1], **r} for a, r in results.items() if a in names),
                  key=lambda r: (-(r["satisfied_percent"] or 0), r["name"]))
    return render(request, "oversight/public_evaluation.html", {
        "period": period, "scope": scope, "label": p.label(), "rows": rows, "criteria": rules.CITIZEN_CRITERIA,
        "evaluator": roles.national_evaluator(p.end)})


@require_POST
@login_required
def record_rating(request: HttpRequest, code: str) -> HttpResponse:
    """``/giam-sat/danh-gia/phieu/<code>/``: a desk officer enters the applicant's paper evaluation (Decree 118/2025
    Art. 31(1)(a), 33(1)). Only a desk officer of the dossier's agency (or its parent bodies), once, after the
    result is returned."""
    from motcua.dossiers import services
    from motcua.dossiers.transitions import Role

    from . import citizen

    satisfied = request.POST.get("satisfied")
    if satisfied not in ("yes", "no"):
        return HttpResponseBadRequest("satisfied: yes or no.")
    answers = {name: request.POST.get(name, "") for name in (*citizen.FIELDS, "extra_costs", "other")}
    try:
        citizen.record(code, satisfied == "yes", answers, actor=request.user, role=Role.DESK_OFFICER)
    except citizen.BadEvaluation as error:
        return HttpResponseBadRequest(str(error))
    except services.DossierNotFound as missing:
        raise Http404(str(missing)) from missing
    except services.ActorNotAllowed as refused:
        raise PermissionDenied(str(refused)) from refused
    except services.RuleViolation as violation:
        messages.error(request, str(violation))
    else:
        messages.success(request, "Đã ghi nhận phiếu đánh giá của người nộp hồ sơ.")
    return redirect(reverse("dossiers_officer:dossier", args=[code]))
