"""Web pages of the Working Group's follow-up, mounted at ``/chi-dao/`` (issue 5 points 5 and 6).

Council members send their reports; the standing agency (configuration, default the Government Office) triages and
assigns obstacles, records directives and follows every task; ministries and provinces report on what is assigned to
them; the Working Group's leader reads the consolidated monthly view. Thin views: reads through :mod:`.queries`,
writes through :mod:`.services`; anything a person may not see is a 404.
"""

from __future__ import annotations

import contextlib
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.params import BIG_INT, DayFormField
from motcua.units.models import Agency

from . import queries, rules, services
from .models import Directive, DirectiveKind, ReportKind
from .rules import Actor, Period

PAGE_SIZE = 30
MAX_FORM_OBSTACLES = 5

OBSTACLE_STATUS_LABELS = {
    "submitted": gettext_lazy("Mới tiếp nhận"),
    "assigned": gettext_lazy("Đã giao xử lý"),
    "in_progress": gettext_lazy("Đang xử lý"),
    "answered": gettext_lazy("Đã có kết quả, chờ xác nhận"),
    "resolved": gettext_lazy("Đã tháo gỡ"),
    "rejected": gettext_lazy("Không tiếp nhận"),
}
TASK_STATUS_LABELS = {
    "assigned": gettext_lazy("Chưa thực hiện"),
    "in_progress": gettext_lazy("Đang thực hiện"),
    "done": gettext_lazy("Đã hoàn thành"),
    "cancelled": gettext_lazy("Đã hủy"),
}
ACTION_LABELS = {
    "submit": gettext_lazy("Gửi báo cáo"),
    "assign": gettext_lazy("Giao xử lý"),
    "reassign": gettext_lazy("Giao lại"),
    "extend": gettext_lazy("Gia hạn"),
    "reject": gettext_lazy("Không tiếp nhận"),
    "report_progress": gettext_lazy("Báo cáo tiến độ"),
    "answer": gettext_lazy("Báo cáo kết quả"),
    "confirm": gettext_lazy("Xác nhận đã tháo gỡ"),
    "reopen": gettext_lazy("Yêu cầu xử lý tiếp"),
    "complete": gettext_lazy("Báo cáo hoàn thành"),
    "cancel": gettext_lazy("Hủy nhiệm vụ"),
}
ROLE_LABELS = {
    "council_member": gettext_lazy("Thành viên Hội đồng tư vấn"),
    "standing_officer": gettext_lazy("Cơ quan thường trực"),
    "group_leader": gettext_lazy("Tổ trưởng Tổ công tác"),
    "agency": gettext_lazy("Cơ quan được giao"),
}


def _roles(request: HttpRequest) -> set[Actor]:
    return services.actor_roles(request.user)


def _can_see_steering(request: HttpRequest) -> bool:
    return bool(_roles(request) or services.acting_codes(request.user))


def _require(request: HttpRequest, *roles: Actor) -> None:
    if not _roles(request) & set(roles):
        raise PermissionDenied


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs]
    return list(exc.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not _can_see_steering(request):
        raise PermissionDenied
    roles = _roles(request)
    today = queries.today()
    period = Period.of(today)
    context = {"roles": roles, "role_labels": [ROLE_LABELS[r] for r in roles], "period": period,
               "is_member": Actor.MEMBER in roles, "is_standing": Actor.STANDING in roles,
               "is_reader": bool(roles & {Actor.STANDING, Actor.LEADER}),
               "agency_codes": sorted(services.acting_codes(request.user))}
    if Actor.MEMBER in roles:
        context["reported"] = queries.visible_reports(request.user).filter(
            member__user=request.user, kind=ReportKind.MONTHLY, period=str(period)).exists()
    assignments = queries.visible_assignments(request.user)
    context["open_tasks"] = assignments.filter(status__in=list(rules.OPEN_TASK_STATES)).count()
    context["overdue_tasks"] = assignments.filter(queries.overdue_assignments_q(today)).count()
    obstacles = queries.visible_obstacles(request.user)
    context["open_obstacles"] = obstacles.filter(status__in=list(rules.OPEN_OBSTACLE_STATES)).count()
    context["overdue_obstacles"] = obstacles.filter(queries.overdue_obstacles_q(today)).count()
    return render(request, "steering/home.html", context)


# Reports ----------------------------------------------------------------------------------------------------------


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại báo cáo"), choices=ReportKind.choices)
    period = forms.CharField(label=gettext_lazy("Kỳ báo cáo (YYYY-MM)"), max_length=7, required=False)
    note = forms.CharField(label=gettext_lazy("Ghi chú chung"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ObstacleForm(forms.Form):
    procedure = forms.CharField(label=gettext_lazy("Mã thủ tục hành chính"), required=False, max_length=40)
    legal_document = forms.CharField(label=gettext_lazy("Văn bản quy phạm pháp luật"), required=False,
                                     max_length=255)
    difficulty = forms.CharField(label=gettext_lazy("Vướng mắc, khó khăn"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    effect = forms.CharField(label=gettext_lazy("Ảnh hưởng"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    proposal = forms.CharField(label=gettext_lazy("Kiến nghị, đề xuất"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(k) or "").strip() for k in self.fields)


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _require(request, Actor.MEMBER, Actor.STANDING, Actor.LEADER)
    qs = queries.visible_reports(request.user)
    period = request.GET.get("period", "")
    if period:
        qs = qs.filter(period=period)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "steering/reports.html", {
        "page": page, "period": period, "is_member": Actor.MEMBER in _roles(request)})


@login_required
@require_http_methods(["GET", "POST"])
def new_report(request: HttpRequest) -> HttpResponse:
    _require(request, Actor.MEMBER)
    today = queries.today()
    initial = {"kind": ReportKind.MONTHLY, "period": str(Period.of(today))}
    form = ReportForm(request.POST or None, initial=initial)
    obstacle_forms = [ObstacleForm(request.POST or None, prefix=f"o{i}") for i in range(MAX_FORM_OBSTACLES)]
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in obstacle_forms):
        items = [f.cleaned_data for f in obstacle_forms if not f.is_blank()]
        try:
            report = services.submit_report(request.user, kind=form.cleaned_data["kind"],
                                            period=form.cleaned_data["period"], note=form.cleaned_data["note"],
                                            obstacles=items)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã gửi báo cáo kỳ %(period)s với %(count)s vướng mắc.")
                             % {"period": report.period, "count": report.obstacles.count()})
            return redirect("steering:reports")
    return render(request, "steering/new_report.html", {"form": form, "obstacle_forms": obstacle_forms,
                                                        "errors": errors,
                                                        "standing_name": services.standing_agency_name()},
                  status=400 if errors else 200)


# Obstacles --------------------------------------------------------------------------------------------------------


class ObstacleFilter(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False,
                               choices=[("", gettext_lazy("Tất cả")), *OBSTACLE_STATUS_LABELS.items()])
    agency = forms.CharField(label=gettext_lazy("Cơ quan được giao (mã)"), required=False, max_length=40)
    period = forms.CharField(label=gettext_lazy("Kỳ báo cáo"), required=False, max_length=7)
    overdue = forms.BooleanField(label=gettext_lazy("Chỉ quá hạn"), required=False)


@login_required
def obstacles(request: HttpRequest) -> HttpResponse:
    if not _can_see_steering(request):
        raise PermissionDenied
    form = ObstacleFilter(request.GET or None)
    qs = queries.visible_obstacles(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["agency"]:
            qs = qs.filter(agency__code=data["agency"].strip())
        if data["period"]:
            qs = qs.filter(report__period=data["period"].strip())
        if data["overdue"]:
            qs = qs.filter(queries.overdue_obstacles_q(queries.today()))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = queries.today()
    rows = [{"o": o, "status": OBSTACLE_STATUS_LABELS[o.status], "overdue": queries.is_overdue_obstacle(o, today)}
            for o in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "steering/obstacles.html", {"form": form, "page": page, "rows": rows,
                                                       "query_string": query.urlencode()})


class ObstacleActionForm(forms.Form):
    agency = forms.CharField(label=gettext_lazy("Giao cho (mã bộ, ngành, tỉnh)"), required=False, max_length=40)
    working_days = forms.IntegerField(label=gettext_lazy("Thời hạn (ngày làm việc)"), required=False, min_value=1,
                                      max_value=250)
    due_date = DayFormField(label=gettext_lazy("hoặc hạn xử lý (ngày)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Nội dung, lý do"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=BIG_INT)


def _event_rows(events) -> list[dict]:
    return [{"e": e, "action": ACTION_LABELS.get(e.action, e.action), "role": ROLE_LABELS.get(e.role, e.role),
             "who": (e.actor.get_full_name() or e.actor.username) if e.actor else ""} for e in events]


@login_required
@require_http_methods(["GET", "POST"])
def obstacle(request: HttpRequest, code: str) -> HttpResponse:
    found = queries.visible_obstacles(request.user).filter(code=code).first()
    if found is None:
        raise Http404
    allowed = rules.allowed_actions(rules.OBSTACLE_ACTIONS, found.status,
                                    services.actors_for(request.user, found.agency))
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = ObstacleActionForm(request.POST)
        if action not in allowed:
            errors = [_("Không thể thực hiện thao tác này ở trạng thái hiện tại.")]
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.act_on_obstacle(request.user, found, action, agency=data["agency"] or None,
                                         due_date=data["due_date"], working_days=data["working_days"],
                                         note=data["note"], expected_version=data["version"])
            except ValidationError as exc:
                errors = _errors(exc)
            except services.StaleVersion:
                errors = [_("Vướng mắc vừa được người khác cập nhật; xem lại rồi thực hiện lại.")]
            else:
                messages.success(request, _("Đã ghi nhận: %(action)s.") % {"action": ACTION_LABELS[action]})
                if not queries.visible_obstacles(request.user).filter(code=code).exists():
                    return redirect("steering:obstacles")
                return redirect("steering:obstacle", code=code)
        else:
            errors = _errors(ValidationError(form.errors))
    needs = {a.name: a.needs for a in rules.OBSTACLE_ACTIONS if a.source == found.status}
    actions = [{"name": a, "label": ACTION_LABELS[a], "needs": needs[a]} for a in allowed]
    return render(request, "steering/obstacle.html", {
        "o": found, "status": OBSTACLE_STATUS_LABELS[found.status], "overdue": queries.is_overdue_obstacle(found),
        "events": _event_rows(found.events.select_related("actor", "agency").order_by("seq")),
        "actions": actions, "errors": errors, "agencies": _assignable_agencies() if "assign" in allowed
        or "reassign" in allowed else []}, status=400 if errors else 200)


def _assignable_agencies() -> list[Agency]:
    return list(Agency.objects.filter(kind__in=["ministry", "ministry_level", "central_other",
                                                "provincial_committee"]).order_by("code"))


# Monthly view -----------------------------------------------------------------------------------------------------


@login_required
def figures_current(request: HttpRequest) -> HttpResponse:
    return redirect("steering:figures", period=str(Period.of(queries.today())))


@login_required
def figures(request: HttpRequest, period: str) -> HttpResponse:
    _require(request, Actor.STANDING, Actor.LEADER)
    try:
        parsed = rules.parse_period(period)
    except rules.RuleError:
        raise Http404 from None
    data = queries.obstacle_figures(parsed)
    status_rows = [(OBSTACLE_STATUS_LABELS[k], v) for k, v in data.by_status.items()]
    return render(request, "steering/figures.html", {
        "f": data, "period": parsed, "status_rows": status_rows, "previous": parsed.previous(),
        "next": parsed.next() if parsed.next() <= Period.of(queries.today()) else None,
        "overdue_tasks": queries.overdue_tasks(None, data.as_of),
        "can_remind": Actor.STANDING in _roles(request)})


@login_required
@require_POST
def remind(request: HttpRequest, period: str) -> HttpResponse:
    _require(request, Actor.STANDING)
    try:
        result = services.remind(period)
    except rules.RuleError:
        raise Http404 from None
    messages.success(request, _("Đã gửi nhắc nhở tới %(queued)s thành viên; %(already)s đã được nhắc hôm nay; "
                                "%(unreachable)s thành viên không có thư điện tử hoặc số điện thoại.")
                     % {"queued": len(result.queued), "already": len(result.already),
                        "unreachable": len(result.unreachable)})
    return redirect("steering:figures", period=period)


# Directives and tasks ---------------------------------------------------------------------------------------------


@login_required
def directives(request: HttpRequest) -> HttpResponse:
    if not _can_see_steering(request):
        raise PermissionDenied
    return render(request, "steering/directives.html", {"directives": Directive.objects.all(),
                                                        "can_record": Actor.STANDING in _roles(request)})


@login_required
def directive(request: HttpRequest, pk: int) -> HttpResponse:
    if not _can_see_steering(request):
        raise PermissionDenied
    found = Directive.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    counts = {r["task_id"]: r for r in queries.task_overview(None, found)}
    mine = {a.task_id: a for a in queries.own_assignments(request.user).filter(task__directive=found)}
    tasks = [{"t": t, "c": counts.get(t.pk, {}), "mine": mine.get(t.pk)} for t in found.tasks.all()]
    return render(request, "steering/directive.html", {"d": found, "tasks": tasks})


class DirectiveForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số, ký hiệu"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("Loại văn bản"), choices=DirectiveKind.choices)
    title = forms.CharField(label=gettext_lazy("Trích yếu"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    issued_on = DayFormField(label=gettext_lazy("Ngày ban hành"), widget=forms.DateInput(attrs={"type": "date"}))
    issuer = forms.CharField(label=gettext_lazy("Cơ quan ban hành"), max_length=255)
    summary = forms.CharField(label=gettext_lazy("Tóm tắt"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=gettext_lazy("Nguồn"), required=False, max_length=5000)
    tasks = forms.CharField(
        label=gettext_lazy("Nhiệm vụ: mỗi dòng 'số | thời hạn | mã cơ quan, … | nội dung'"), max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "5 | 10/2023 | VPCP | Hoàn thiện dự thảo Chỉ thị…\n"
                                                                "1 | thường xuyên | *ministries, *provinces | …"}))


def parse_task_lines(text: str) -> list[dict]:
    """``số | thời hạn | cơ quan, … | nội dung`` per line → the task dicts :func:`services.create_directive` takes;
    a malformed line is kept with what could be read, so the service names the field at fault."""
    tasks = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 3)]
        parts += [""] * (4 - len(parts))
        tasks.append({"number": parts[0], "deadline": parts[1], "agencies": parts[2], "text": parts[3]})
    return tasks


@login_required
@require_http_methods(["GET", "POST"])
def new_directive(request: HttpRequest) -> HttpResponse:
    _require(request, Actor.STANDING)
    form = DirectiveForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        tasks = parse_task_lines(data.pop("tasks"))
        try:
            created = services.create_directive(request.user, tasks=tasks, **data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã ghi nhận văn bản %(number)s.") % {"number": created.number})
            return redirect("steering:directive", pk=created.pk)
    return render(request, "steering/new_directive.html", {"form": form, "errors": errors},
                  status=400 if errors else 200)


class TaskFilter(forms.Form):
    directive = forms.CharField(label=gettext_lazy("Văn bản (số)"), required=False, max_length=60)
    agency = forms.CharField(label=gettext_lazy("Cơ quan (mã)"), required=False, max_length=40)
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False,
                               choices=[("", gettext_lazy("Tất cả")), *TASK_STATUS_LABELS.items()])
    overdue = forms.BooleanField(label=gettext_lazy("Chỉ quá hạn"), required=False)


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    if not _can_see_steering(request):
        raise PermissionDenied
    form = TaskFilter(request.GET or None)
    qs = queries.visible_assignments(request.user)
    today = queries.today()
    if form.is_valid():
        data = form.cleaned_data
        if data["agency"]:
            code = data["agency"].strip()
            qs = qs.filter(agency__code=code)
        if data["directive"]:
            qs = qs.filter(task__directive__number=data["directive"].strip())
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["overdue"]:
            qs = qs.filter(queries.overdue_assignments_q(today))
    page = Paginator(qs.order_by("deadline_date", "task__directive__issued_on", "task__number", "agency__code"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"a": a, "status": TASK_STATUS_LABELS[a.status], "overdue": queries.is_overdue_assignment(a, today)}
            for a in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "steering/tasks.html", {"form": form, "page": page, "rows": rows,
                                                   "query_string": query.urlencode()})


class TaskActionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Nội dung báo cáo, lý do"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.CharField(label=gettext_lazy("Thời hạn mới (31/12/2026, 12/2026, quý IV/2026, 2026)"),
                               required=False, max_length=40)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=BIG_INT)


@login_required
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.visible_assignments(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    allowed = rules.allowed_actions(rules.TASK_ACTIONS, found.status, services.actors_for(request.user,
                                                                                          found.agency))
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = TaskActionForm(request.POST)
        if action not in allowed:
            errors = [_("Không thể thực hiện thao tác này ở trạng thái hiện tại.")]
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.act_on_assignment(request.user, found, action, note=data["note"],
                                           deadline=data["deadline"], expected_version=data["version"])
            except ValidationError as exc:
                errors = _errors(exc)
            except services.StaleVersion:
                errors = [_("Nhiệm vụ vừa được người khác cập nhật; xem lại rồi thực hiện lại.")]
            else:
                messages.success(request, _("Đã ghi nhận: %(action)s.") % {"action": ACTION_LABELS[action]})
                return redirect("steering:task", pk=pk)
        else:
            errors = _errors(ValidationError(form.errors))
    needs = {a.name: a.needs for a in rules.TASK_ACTIONS if a.source == found.status}
    actions = [{"name": a, "label": ACTION_LABELS[a], "needs": needs[a]} for a in allowed]
    return render(request, "steering/task.html", {
        "a": found, "status": TASK_STATUS_LABELS[found.status], "overdue": queries.is_overdue_assignment(found),
        "events": _event_rows(found.events.select_related("actor", "agency").order_by("seq")),
        "actions": actions, "errors": errors}, status=400 if errors else 200)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require(request, Actor.STANDING, Actor.LEADER)
    as_of = queries.today()
    text = request.GET.get("as_of")
    if text:
        with contextlib.suppress(ValueError):
            as_of = date.fromisoformat(text)
    return render(request, "steering/overview.html", {
        "as_of": as_of, "agencies": queries.agency_overview(as_of),
        "overdue_tasks": queries.overdue_tasks(None, as_of), "tasks_url": reverse("steering:tasks")})
