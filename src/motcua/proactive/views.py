"""Citizen pages under ``/ho-so/viec-can-lam/`` (issue 16 points 2, 4, 5): "Việc cần làm" with the reason, the data
used and its source; one-click confirm; level-4 answers; refusing proactive services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.exchange.queries import personal_id_of

from . import queries, rules, services
from .models import Trigger


def _person(request: HttpRequest) -> str:
    personal_id = personal_id_of(request.user)
    if not personal_id:
        raise Http404("Tài khoản chưa gắn số định danh cá nhân.")
    return personal_id


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    personal_id = personal_id_of(request.user)
    context = {"personal_id": personal_id, "tasks": [], "history": [], "consent": None, "triggers": []}
    if personal_id:
        consent = queries.consent_of(personal_id)
        open_tasks = queries.tasks_of(personal_id)
        for case in open_tasks:  # Decree 224/2026 Art. 16(3): the options, the recommended one and why
            case.options = services.options_for(case) if case.level == 3 else []
            case.recommended, case.why = rules.recommend(case.options)
            case.held = services.held_members(case)
            case.desks = services.desks_for(case) if case.level == 3 else None
        context.update(tasks=open_tasks, history=queries.history_of(personal_id),
                       consent=consent,
                       triggers=[{"trigger": t, "refused": t.pk in consent["triggers"]} for t in queries.triggers()])
    return render(request, "proactive/tasks.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    personal_id = _person(request)
    try:
        dossier = services.confirm(case_id, request.user, personal_id,
                                   {"child_full_name": request.POST.get("child_full_name", "")},
                                   desk=request.POST.get("desk", "").strip())
    except services.CaseError as error:
        if error.code == "not_found":
            raise Http404(str(error)) from error
        if error.code == "bad_desk":  # not a choice the page offered: refused, nothing submitted
            messages.error(request, str(error))
            response = tasks(request)
            response.status_code = 400
            return response
        detail = "; ".join(f"{v}" for v in error.errors.values())
        messages.error(request, f"{error} {detail}".strip())
        return redirect("proactive:tasks")
    messages.success(request, f"Đã nộp hồ sơ {dossier.code}.")
    return redirect(f"/ho-so/{dossier.code}/")


@login_required
@require_POST
def dismiss(request: HttpRequest, case_id: int) -> HttpResponse:
    services.dismiss(case_id, _person(request))
    return redirect("proactive:tasks")


@login_required
@require_POST
def respond(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        services.respond(case_id, _person(request), request.POST.get("answer", ""), request.POST.get("note", ""))
    except services.CaseError as error:
        if error.code == "not_found":
            raise Http404(str(error)) from error
        messages.error(request, str(error))
        return redirect("proactive:tasks")
    messages.success(request, "Đã ghi nhận ý kiến của bạn.")
    return redirect("proactive:tasks")


@login_required
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """Refuse or accept proactive services again: ``scope`` = ``all`` or a trigger id; ``choice`` = out / in."""
    personal_id = _person(request)
    scope, choice = request.POST.get("scope", ""), request.POST.get("choice", "")
    trigger = None
    if scope != "all":
        trigger = Trigger.objects.filter(pk=scope if scope.isdigit() else None).first()
        if trigger is None:
            raise Http404("Không có dịch vụ này.")
    if choice == "out":
        services.opt_out(personal_id, trigger)
        messages.success(request, "Đã ghi nhận: bạn từ chối dịch vụ công chủ động"
                         + (f" «{trigger.name}»." if trigger else " (tất cả)."))
    elif choice == "in":
        services.opt_in(personal_id, trigger)
        messages.success(request, "Đã ghi nhận: bạn nhận lại dịch vụ công chủ động.")
    return redirect("proactive:tasks")


def figures(request: HttpRequest) -> HttpResponse:
    """``/giam-sat/chu-dong/``: Decree 224/2026 Art. 19(2) per service, agency and period (aggregates only)."""
    from datetime import date

    from motcua.core.problems import json_problem

    today = date.today()
    try:
        start = date.fromisoformat(request.GET.get("from") or today.replace(day=1).isoformat())
        end = date.fromisoformat(request.GET.get("to") or today.isoformat())
    except ValueError:
        return json_problem(400, "Ngày không hợp lệ", "Dùng dạng YYYY-MM-DD cho from và to.")
    if end <= start:
        return json_problem(400, "Khoảng thời gian không hợp lệ", "Ngày kết thúc phải sau ngày bắt đầu.")
    agency = (request.GET.get("agency") or "").strip() or None
    raw = (request.GET.get("province") or "").strip().upper().removeprefix("H")
    province = None
    if raw:
        from motcua.units.models import AdministrativeUnit

        province = (AdministrativeUnit.objects.filter(code=int(raw), level="province").first()
                    if raw.isascii() and raw.isdigit() and len(raw) <= 3 else None)
        if province is None:
            return json_problem(400, "Tỉnh, thành phố không hợp lệ", "Dùng mã tỉnh, thành phố, ví dụ province=01.")
    data = queries.service_figures(start, end, agency,
                                   agency_ids=queries.province_agencies(province.code) if province else None)
    return render(request, "proactive/figures.html", {"data": data, "start": start, "end": end, "agency": agency,
                                                      "province": province})
