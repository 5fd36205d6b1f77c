"""The officer workspace (issue 3 point 6), mounted at ``/can-bo/``: the queue per unit and role, the dossier page
with its timeline, documents, process control and action buttons, the official forms 01–06 as HTML and PDF.

Thin views (issue 15 point 3): they parse, call and render. Reads through :mod:`motcua.dossiers.queries`, writes
through :mod:`motcua.dossiers.services` (``submit_with_papers`` for a dossier entered with its scanned papers, one
transaction), forms built by :mod:`.forms_docs`, the queue's rows by :mod:`.queue_rows`. Officers see only
the dossiers :mod:`motcua.dossiers.access` lets them see (``Dossier.objects.visible_to``: the agencies they hold a role
in and those directly under them; a supervisor's province or ministry); any other dossier is a 404, so existence is
not revealed.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core import signing
from motcua.core.calendar import TZ, WorkingCalendar
from motcua.core.params import DayFormField, day_or
from motcua.dossiers import access, digitisation, documents, escalation, queries, rating, rules, services
from motcua.dossiers.api.serializers import mask
from motcua.dossiers.models import ChannelKind, Dossier, DossierDocument, DossierEvent
from motcua.dossiers.transitions import STATE_STATUS, STATUS_CODES, Role, State, TransitionNotAllowed, allowed_actions
from motcua.units.models import Agency
from motcua.units.roles import DOSSIER_ROLES, role_label
from motcua.units.roles import Role as MembershipRole

from . import citizen_views, forms_docs, queue_rows

PAGE_SIZE = 25

ACTION_LABELS = {
    "receive": gettext_lazy("Receive (complete dossier)"),
    "request_supplement": gettext_lazy("Request a supplement"),
    "submit_supplement": gettext_lazy("Supplement received"),
    "refuse": gettext_lazy("Refuse"),
    "assign": gettext_lazy("Assign a handler"),
    "complete_step": gettext_lazy("Complete this step"),
    "consult": gettext_lazy("Consult another unit"),
    "answer_consultation": gettext_lazy("Record the unit's answer"),
    "approve": gettext_lazy("Approve"),
    "request_payment": gettext_lazy("Request payment"),
    "confirm_payment": gettext_lazy("Confirm payment"),
    "issue_result": gettext_lazy("Issue the result"),
    "return_result": gettext_lazy("Return the result"),
    "withdraw": gettext_lazy("Withdraw at the applicant's request"),
    "stop": gettext_lazy("Stop processing"),
    "apologise": gettext_lazy("Apologise and set a new date"),
    "transfer_paper": "Đã chuyển hồ sơ giấy",
}
# Actions that cannot be undone: shown apart and confirmed (issue 14 point 10).
DESTRUCTIVE_ACTIONS = frozenset({"refuse", "withdraw", "stop"})
# What each event means, in plain words for the timeline.
EVENT_TEXTS = {
    "submit": gettext_lazy("The dossier was submitted."),
    "receive": gettext_lazy("The dossier was received and the return date set."),
    "amend": "Người nộp đã điều chỉnh nội dung hồ sơ (khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP).",
    "transfer_paper": "Hồ sơ giấy đã được chuyển đến cơ quan có thẩm quyền (điểm a khoản 1 Điều 20 Nghị định "
                      "118/2025/NĐ-CP).",
    "request_supplement": gettext_lazy("The applicant was asked to supplement the dossier."),
    "submit_supplement": gettext_lazy("The applicant supplemented the dossier."),
    "refuse": gettext_lazy("The dossier was refused."),
    "assign": gettext_lazy("A handler was assigned."),
    "complete_step": gettext_lazy("A processing step was completed."),
    "consult": gettext_lazy("Another unit was consulted."),
    "answer_consultation": gettext_lazy("The consulted unit answered."),
    "approve": gettext_lazy("The result was approved."),
    "request_payment": gettext_lazy("The applicant was asked to pay the fees."),
    "confirm_payment": gettext_lazy("The payment was confirmed."),
    "issue_result": gettext_lazy("The result was issued."),
    "return_result": gettext_lazy("The result was returned to the applicant."),
    "withdraw": gettext_lazy("The applicant withdrew the dossier."),
    "stop": gettext_lazy("Processing was stopped."),
    "apologise": gettext_lazy("The agency apologised and set a new return date."),
    "upload_document": gettext_lazy("A document was added to the dossier."),
    "rate": gettext_lazy("The applicant rated the handling of the dossier."),
}
STEP_STATUS_LABELS = {
    "early": gettext_lazy("Early"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "in_progress": gettext_lazy("In progress"),
    "overdue": gettext_lazy("In progress, overdue"),
    "pending": gettext_lazy("Not reached"),
}
# Actions that need input get a small form; the others are one click.
ACTION_INPUTS = {
    "request_supplement": ("missing", "reason"),
    "refuse": ("reason",),
    "stop": ("reason",),
    "withdraw": ("reason",),
    "apologise": ("reason", "new_due_at"),
    "assign": ("assignee",),
    "consult": ("unit", "working_days"),
    "request_payment": ("amount_vnd",),
}
REASON_REQUIRED = {"refuse", "stop", "apologise"}
# An officer's upload in these states is the electronic result (Decree 45/2020), as the citizen's side reads it.
RESULT_UPLOAD_STATES = set(queries.RESULT_UPLOAD_STATES)
# Channels a desk officer enters (issue 3 point 5): at the desk, or on arrival by post.
DESK_CHANNELS = (ChannelKind.IN_PERSON, ChannelKind.POSTAL)


def now() -> datetime:
    """The current instant (tests replace it)."""
    return timezone.now()


# Scope --------------------------------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> Mapping[int, tuple[str, ...]]:
    """The user's roles by agency (access.officer_scope), kept on the request: the nav reads it too
    (portal.context_processors.nav) instead of asking the database whether the user is an officer."""
    scope = getattr(request, "officer_scope", None)
    if scope is None:
        scope = request.officer_scope = access.officer_scope(request.user)
    return scope


def _dossier_in_scope(request: HttpRequest, code: str) -> tuple[Dossier, tuple[str, ...]]:
    """The dossier and the user's roles on it; 404 when it does not exist or the user may not see it as an officer
    or supervisor (``Dossier.objects.visible_to``, the rule of :mod:`motcua.dossiers.access`)."""
    dossier = queries.dossier_by_code(code, Dossier.objects.visible_to(request.user, as_applicant=False))
    roles = _scope(request).get(dossier.agency_id, ()) if dossier is not None else ()
    if not roles:
        raise Http404(_("No dossier with this code in your agencies."))
    return dossier, roles


# Queue --------------------------------------------------------------------------------------------------------------


# Each internal state by a name for people (issue 14 point 5: the filter showed "… (receipt_supplement_requested)"
# to tell apart states that share a national status code).
STATE_NAMES: dict[str, str] = {
    State.SUBMITTED: "Chờ tiếp nhận",
    State.RECEIPT_SUPPLEMENT_REQUESTED: "Chờ bổ sung trước khi tiếp nhận",
    State.NOT_RECEIVED: "Không tiếp nhận",
    State.RECEIVED: "Đã tiếp nhận, chờ phân công",
    State.PROCESSING: "Đang xử lý",
    State.CONSULTING: "Đang lấy ý kiến cơ quan khác",
    State.SUPPLEMENT_REQUESTED: "Chờ bổ sung trong khi giải quyết",
    State.PAYMENT_REQUESTED: "Chờ nộp phí, lệ phí",
    State.APPROVED: "Đã phê duyệt, chờ ban hành kết quả",
    State.RESULT_ISSUED: "Có kết quả, chờ trả",
    State.RETURNED: "Đã trả kết quả",
    State.REFUSED: "Từ chối giải quyết",
    State.WITHDRAWN: "Đã rút hồ sơ",
    State.STOPPED: "Dừng giải quyết",
}


class QueueFilterForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)
    agency = forms.ChoiceField(label=gettext_lazy("Agency"), required=False)
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    procedure = forms.CharField(label=gettext_lazy("Procedure code"), required=False, max_length=40)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False,
                                choices=[("", gettext_lazy("All")), *list(ChannelKind.choices)])
    due_from = DayFormField(label=gettext_lazy("Due from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    due_to = DayFormField(label=gettext_lazy("Due until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=gettext_lazy("Code, applicant name or ID number"), required=False, max_length=100)
    # Decree 118/2025 Art. 17(2)(c): online dossiers waiting for the desk, by their 8-working-hour deadline.
    sort = forms.ChoiceField(label="Sắp xếp", required=False, choices=[
        ("", "Theo hạn giải quyết"), ("receipt", "Theo hạn tiếp nhận hồ sơ trực tuyến (08 giờ làm việc)")])


# Above this many agencies in scope (a province's or the Government Office's supervisor: up to 3,817), the agency
# filter is a text box taking a code or a code prefix ("H01" = the province) instead of a list.
AGENCY_LIST_MAX = 60


def _agency_filter(form: QueueFilterForm, agency_ids: list[int]) -> tuple[tuple[int, str, str], ...] | None:
    """A list of the agencies in scope when they are few (``(id, code, name)``, code order); otherwise a text box
    (code or code prefix)."""
    if len(agency_ids) <= AGENCY_LIST_MAX:
        agencies = queries.agencies_by_code(agency_ids)
        form.fields["agency"].choices = [("", _("All my agencies"))] + [(code, f"{code} — {name}")
                                                                         for _pk, code, name in agencies]
        return agencies
    form.fields["agency"] = forms.CharField(
        label=gettext_lazy("Agency"), required=False, max_length=40,
        help_text=gettext_lazy("Mã cơ quan, hoặc mã tỉnh / bộ để xem mọi cơ quan trực thuộc (H01)."),
        widget=forms.TextInput(attrs={"placeholder": "H01, H01.STP…", "list": ""}))
    return None


def _agencies_matching(value: str, agency_ids: list[int],
                       agencies: tuple[tuple[int, str, str], ...] | None) -> list[int]:
    value = value.strip().upper()
    if agencies is not None:
        return [pk for pk, code, _name in agencies if code == value]
    return queries.agencies_under(value, agency_ids)


# The filter form's HTML, per process, by language, choices and query (the widgets' templates cost more than the
# rest of the page); invalid forms (with errors) are not cached.
_filters_cache: OrderedDict[tuple, str] = OrderedDict()
FILTERS_CACHE_SIZE = 512


def _filters_html(request: HttpRequest, form: QueueFilterForm, query: str) -> str:
    fields = form.fields
    key = (get_language(), query, tuple(fields["role"].choices), tuple(getattr(fields["agency"], "choices", ())),
           tuple(fields["state"].choices))
    html = _filters_cache.get(key)
    if html is not None:
        _filters_cache.move_to_end(key)
        return html
    html = mark_safe(render_to_string("dossiers/officer/_queue_filters.html", {"form": form}, request))
    if not form.is_bound or not form.errors:
        _filters_cache[key] = html
        if len(_filters_cache) > FILTERS_CACHE_SIZE:
            _filters_cache.popitem(last=False)
    return html


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """``/can-bo/``: the dossiers the officer's role can act on in their agencies, soonest due first."""
    scope = _scope(request)
    if not scope:
        raise PermissionDenied(_("You hold no officer role in any agency."))
    roles = [str(r) for r in DOSSIER_ROLES if any(r in held for held in scope.values())]
    role = request.GET.get("role") if request.GET.get("role") in roles else roles[0]
    agency_ids = [a for a, held in scope.items() if role in held]

    form = QueueFilterForm(request.GET or None)
    form.fields["role"].choices = [(r, role_label(r)) for r in roles]
    agencies = _agency_filter(form, agency_ids)
    form.fields["state"].choices = [("", _("All"))] + [
        (s, STATE_NAMES.get(s) or STATUS_CODES[STATE_STATUS[State(s)]].name) for s in queries.queue_states(role)]
    cleaned: dict = {}
    if form.is_bound:
        form.is_valid()  # cleaned_data keeps the valid filters even when another one is not
        cleaned = form.cleaned_data
    if cleaned.get("agency"):
        agency_ids = _agencies_matching(cleaned["agency"], agency_ids, agencies)
    filters = queries.QueueFilters(state=cleaned.get("state", ""), procedure=cleaned.get("procedure", ""),
                                   channel=cleaned.get("channel", ""), due_from=cleaned.get("due_from"),
                                   due_to=cleaned.get("due_to"), q=cleaned.get("q", ""),
                                   sort=cleaned.get("sort", ""))
    queue_qs = queries.officer_queue(agency_ids, role, filters).select_related(None)
    page = Paginator(queue_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.queue_page_rows(page.object_list, queue_qs.query.order_by)
    moment = now()
    calendars: dict[int, WorkingCalendar] = {}
    badges = queue_rows.badge_html()
    stamp = queries.recent_exceptions_stamp()
    url_prefix = reverse("dossiers_officer:dossier", args=["-"])[:-2]
    rows = [queue_rows.queue_row(d, moment, calendars, badges, stamp, url_prefix) for d in page.object_list]
    searched = " ".join((filters.q or "").split())
    if role == Role.SUPERVISOR and searched.isdigit() and len(searched) == 12:
        # Issue 12 point 15: a supervisor finding a person's dossiers by their personal ID is a look-up of personal
        # data: recorded in the access log the citizen sees (the page shows no ID; the search is the read).
        services.record_personal_data_read(request.user, queries.with_personal_id(page.object_list, searched),
                                           role=role, purpose="Tìm hồ sơ theo số định danh cá nhân (giám sát)")
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "dossiers/officer/queue.html", {
        "form": form, "filters_html": _filters_html(request, form, params.urlencode()),
        "page": page, "rows": rows, "rows_html": queue_rows.rows_html(rows),
        "role": role, "role_label": role_label(role),
        "query_string": params.urlencode(), "now": moment,
        "can_enter": any(Role.DESK_OFFICER in held for held in scope.values()),
        "register_number": forms_docs.form_set(forms_docs.set_key_for(now()))["register"].number,
    })


# Dossier page -----------------------------------------------------------------------------------------------------


@dataclass
class ActionButton:
    action: str
    role: str
    label: str
    inputs: tuple[str, ...]


@dataclass
class TimelineEntry:
    event: DossierEvent
    text: str
    role: str
    details: list[str]
    actor: str = ""


@dataclass
class ProcessRow:
    step: queries.StepControl
    status: str
    role: str


def _buttons(dossier: Dossier, roles: Sequence[str]) -> list[ActionButton]:
    """The actions the user's roles allow now, each once (with the first role that allows it)."""
    seen: dict[str, ActionButton] = {}
    for role in roles:
        for action in queries.actions_for(dossier, role):
            # The table allows an apology in these states; the date may be moved only once (domain.md §3).
            if action == "apologise" and dossier.apology_count >= rules.MAX_APOLOGIES:
                continue
            if action == "transfer_paper" and (dossier.paper_transfer_due_at is None
                                               or dossier.paper_transferred_at is not None):
                continue
            if action not in seen:
                inputs = ACTION_INPUTS.get(action, ())
                if action == "receive":
                    # Decree 118/2025 Art. 14, 20: the competent authority is chosen on receipt; Art. 17(3): the
                    # desk enters the return date when the procedure's time limit has no unit.
                    inputs = ("competent_agency", "return_due_at")
                if action == "request_supplement" and role == "leader" and dossier.supplement_count:
                    inputs = (*inputs, "override_reason")  # Art. 16(3), 19(5): a further request, with its reason
                seen[action] = ActionButton(action, role, str(ACTION_LABELS.get(action, action)), inputs)
    return list(seen.values())


def display_name(user) -> str:
    """An officer as people call them: the full name, family name first (``Trần Văn Minh``), else the username."""
    return queries.person_name(user)


def _stored_instant(value) -> datetime | None:
    """A date-time read back from stored event data, or None for anything else (never an exception)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) and value.tzinfo is not None else None


def _describe(event: DossierEvent, names: dict[str, str] | None = None) -> TimelineEntry:
    details: list[str] = []
    data = event.data if isinstance(event.data, dict) else {}
    if event.reason:
        details.append(_("Reason: %(reason)s") % {"reason": event.reason})
    if isinstance(data.get("missing"), list) and data["missing"]:
        details.append(_("Missing: %(items)s") % {"items": "; ".join(map(str, data["missing"]))})
    if data.get("assignee"):
        details.append(_("Handler: %(name)s") % {"name": (names or {}).get(str(data["assignee"]), data["assignee"])})
    if data.get("unit"):
        details.append(_("Unit: %(unit)s") % {"unit": data["unit"]})
    for key, label in (("due_at", _("Due: %(when)s")), ("new_due_at", _("New due date: %(when)s"))):
        if data.get(key):
            # Stored data is read defensively: an event written before the action schemas (issue 12 point 5) may
            # hold anything; what is not a date-time is not shown rather than breaking the page.
            moment = _stored_instant(data[key])
            if moment is not None:
                details.append(label % {"when": forms_docs.vn_short(moment)})
    if event.action == "amend" and isinstance(data.get("changed"), list):
        # Decree 118/2025 Art. 21(2): each amendment, old and new values, is visible to the officer.
        previous = data.get("previous") if isinstance(data.get("previous"), dict) else {}
        current = data.get("form_data") if isinstance(data.get("form_data"), dict) else {}
        details.append(f"Lần điều chỉnh {data.get('amendment', '')}: " + "; ".join(
            f"{key}: “{previous.get(key, '')}” → “{current.get(key, '')}”" for key in map(str, data["changed"])))
    if data.get("override_reason"):
        details.append(f"Yêu cầu bổ sung lần nữa do lãnh đạo quyết định, lý do: {data['override_reason']}")
    if data.get("receipt_late") is True:
        details.append("Trả lời hồ sơ trực tuyến quá 08 giờ làm việc (điểm c khoản 2 Điều 17 Nghị định 118/2025/NĐ-CP)")
    return TimelineEntry(event, str(EVENT_TEXTS.get(event.action, event.action)), role_label(event.role), details,
                         display_name(event.actor))


def _assignee_names(events: list[DossierEvent]) -> dict[str, str]:
    return queries.person_names(str(e.data["assignee"]) for e in events
                                if isinstance(e.data, dict) and e.data.get("assignee"))


# Documents ----------------------------------------------------------------------------------------------------------


@dataclass
class DocumentRow:
    document: DossierDocument
    is_result: bool
    uploaded_by: str
    role: str
    # The signature's verdict against the configured trust roots (issue 11 point 8); None for unsigned uploads.
    signature: signing.Verification | None = None


def _documents(dossier: Dossier) -> list[DocumentRow]:
    results = queries.result_document_ids(dossier)
    return [DocumentRow(d, d.pk in results, display_name(d.uploaded_by), role_label(d.uploaded_role),
                        digitisation.verification(d)) for d in queries.documents(dossier)]


def _upload_role(dossier: Dossier, roles: Sequence[str]) -> str | None:
    """The first of the user's roles that may add a document in the dossier's state (documents.UPLOAD_STATES)."""
    return next((r for r in roles if documents.may_upload(dossier.state, r)), None)


def _assignees(dossier: Dossier) -> list[tuple[str, str]]:
    return queries.specialists(dossier.agency)


def _render_dossier(request: HttpRequest, dossier: Dossier, roles: Sequence[str], error: dict | None = None,
                    status: int = 200) -> HttpResponse:
    moment = now()
    events = queries.timeline(dossier)
    calendar = queries.calendar_for(dossier.agency)
    view = queries.deadline_view(dossier, moment, calendar)
    process = [ProcessRow(row, str(STEP_STATUS_LABELS.get(row.status, row.status)), role_label(row.role))
               for row in queries.process_control(dossier, events, moment)]
    names = _assignee_names(events)
    upload_role = _upload_role(dossier, roles)
    consultation_overdue = escalation.is_consultation_overdue(dossier, moment)
    # Issue 12 point 15: a reader who does not handle the dossier (a supervisor) sees the personal ID and phone masked.
    handles = _handles(roles)
    return render(request, "dossiers/officer/dossier.html", {
        "applicant_id_shown": dossier.applicant_personal_id if handles else mask(dossier.applicant_personal_id),
        "applicant_phone_shown": dossier.applicant_phone if handles else mask(dossier.applicant_phone),
        "dossier": dossier, "status_name": STATUS_CODES[dossier.status_code].name,
        "timeline": [_describe(e, names) for e in events], "documents": _documents(dossier),
        "upload_role": upload_role, "upload_after_approval": State(dossier.state) in RESULT_UPLOAD_STATES,
        "consultation_overdue": consultation_overdue,
        "paper_transfer_overdue": bool(dossier.paper_transfer_due_at and dossier.paper_transferred_at is None
                                       and moment > dossier.paper_transfer_due_at),
        "consultation_escalated_at": escalation.escalated_at(dossier) if consultation_overdue else None,
        "required_documents": queries.required_documents(dossier.procedure_version),
        "process": process, "buttons": _buttons(dossier, roles), "deadline": view,
        "destructive": DESTRUCTIVE_ACTIONS, "current_step": current_step(dossier),
        "forms": forms_docs.available_forms(events, dossier),
        "control_number": forms_docs.dossier_set(dossier)["control"].number,
        "rating_criteria": _rating_criteria() if dossier.state == "returned" and not dossier.rating else [],
        "error": error, "assignees": _assignees(dossier),
        "roles": [role_label(r) for r in roles], "reason_required": REASON_REQUIRED,
        "handler_name": display_name(dossier.assigned_to),
    }, status=status)


@login_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    """``/can-bo/ho-so/<code>/``: summary, timeline, documents, process control, allowed actions."""
    dossier, roles = _dossier_in_scope(request, code)
    return _render_dossier(request, dossier, roles)


def _action_data(action: str, post) -> tuple[str, dict]:
    """The reason and the service's ``data`` from the posted fields of an action's small form."""
    reason = post.get("reason", "").strip()
    data: dict = {}
    if action == "request_supplement":
        data["missing"] = [line.strip() for line in post.get("missing", "").splitlines() if line.strip()]
        if post.get("override_reason", "").strip():
            data["override_reason"] = post["override_reason"].strip()
    elif action == "receive":
        if post.get("competent_agency", "").strip():
            data["competent_agency"] = post["competent_agency"].strip()
        raw = post.get("return_due_at", "").strip()
        if raw:
            try:
                data["return_due_at"] = datetime.fromisoformat(raw).replace(tzinfo=TZ).isoformat()
            except ValueError:
                data["return_due_at"] = raw  # the service names the rule
    elif action == "apologise":
        raw = post.get("new_due_at", "").strip()
        if raw:
            try:
                data["new_due_at"] = datetime.fromisoformat(raw).replace(tzinfo=TZ).isoformat()
            except ValueError:
                data["new_due_at"] = raw  # the service names the rule (bad_datetime)
    elif action == "assign":
        data["assignee"] = post.get("assignee", "").strip()
    elif action == "consult":
        data["unit"] = post.get("unit", "").strip()
        days = post.get("working_days", "").strip()
        data["working_days"] = int(days) if days.isdigit() else None
    elif action == "request_payment":
        amount = post.get("amount_vnd", "").strip().replace(".", "")
        if amount.isdigit():
            data["amount_vnd"] = int(amount)
    return reason, data


@login_required
@require_POST
def dossier_action(request: HttpRequest, code: str) -> HttpResponse:
    """Take one action with the version the officer saw (hidden field); on a conflict, show the fresh dossier."""
    dossier, roles = _dossier_in_scope(request, code)
    action = request.POST.get("action", "")
    role = request.POST.get("role", "")
    if role not in roles:
        role = next((r for r in roles if action in allowed_actions(dossier.state, r)), roles[0])
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    reason, data = _action_data(action, request.POST)
    if action in DESTRUCTIVE_ACTIONS and request.POST.get("confirmed") != "1":
        # Issue 14 point 10: refusing, withdrawing or stopping a dossier cannot be undone: the page asks for a
        # confirmation (a required box), and a request without it (the box bypassed) is not acted on.
        return _render_dossier(request, dossier, roles, status=400, error={
            "kind": "rule", "message": "Chưa thực hiện: hãy đánh dấu ô xác nhận trước khi "
                                       f"«{ACTION_LABELS.get(action, action)}»."})
    try:
        after = services.act(code, action, actor=request.user, role=role, expected_version=expected, at=now(),
                     reason=reason, data=data)
    except services.ActionDataInvalid as invalid:
        return _render_dossier(request, dossier, roles, status=400, error={"kind": "rule", "rule": "invalid_data",
                                                                          "message": str(invalid)})
    except services.VersionConflict as conflict:
        return _render_dossier(request, conflict.current, roles, status=409, error={
            "kind": "conflict", "message": _("The dossier has just been updated by someone else. Here is its "
                                             "current state: check it and act again if needed.")})
    except TransitionNotAllowed as refused:
        allowed = [str(ACTION_LABELS.get(a, a)) for r in roles for a in allowed_actions(dossier.state, r)]
        return _render_dossier(request, dossier, roles, status=409, error={
            "kind": "not_allowed", "allowed": list(dict.fromkeys(allowed)),
            "message": _("This action is not allowed in the dossier's current state.")
            + f" ({refused.action})"})
    except rules.RuleViolation as violation:
        return _render_dossier(request, dossier, roles, status=422, error={
            "kind": "rule", "rule": violation.rule, "message": str(violation)})
    except services.ActorNotAllowed as denied:
        return _render_dossier(request, dossier, roles, status=403, error={"kind": "actor", "message": str(denied)})
    except services.DossierNotFound as missing:
        raise Http404(_("No dossier with this code in your agencies.")) from missing
    done = _("Done: %(action)s.") % {"action": ACTION_LABELS.get(action, action)}
    if action == "complete_step":
        # Issue 14 point 10: the state stays "being processed" after a step; the message says what changed.
        step = current_step(after)
        done = (f"{done} Bước tiếp theo: {step['name']} ({step['role']})." if step
                else f"{done} Các bước xử lý đã xong.")
    messages.success(request, done)
    return redirect(reverse("dossiers_officer:dossier", args=[code]))


def current_step(dossier: Dossier) -> dict | None:
    """The step the dossier is at, for people: its name, who does it, its number of the total; ``None`` before
    receipt or after the last step."""
    steps = dossier.steps or []
    if dossier.finished_at is not None or not steps or dossier.current_step >= len(steps):
        return None
    if dossier.state in (State.SUBMITTED, State.RECEIPT_SUPPLEMENT_REQUESTED, State.NOT_RECEIVED):
        return None
    step = steps[dossier.current_step]
    return {"name": step.get("name") or step.get("key", ""), "role": role_label(step.get("role", "")),
            "number": dossier.current_step + 1, "total": len(steps)}


def _rating_criteria() -> list[dict]:
    """The questions of Decree 118/2025 Art. 33(1)(a)–(h), for the desk to enter a paper evaluation."""
    return rating.questions()


# Official forms ------------------------------------------------------------------------------------------------------


def _handles(roles: Sequence[str]) -> bool:
    """Issue 12 point 15: whoever handles the dossier sees the applicant's personal ID and phone in full; a reader
    who does not (a supervisor) sees them masked."""
    return access.handles(roles)


def _masked(dossier: Dossier) -> Dossier:
    """A copy of ``dossier`` (never saved) with the applicant's personal ID and phone masked."""
    shown = copy.copy(dossier)
    shown.applicant_personal_id = mask(dossier.applicant_personal_id)
    shown.applicant_phone = mask(dossier.applicant_phone)
    return shown


def _dossier_document(request: HttpRequest, code: str, form: str) -> forms_docs.OfficialDocument:
    dossier, roles = _dossier_in_scope(request, code)
    if not _handles(roles):
        dossier = _masked(dossier)
    try:
        return forms_docs.dossier_form(form, dossier, queries.timeline(dossier), now())
    except forms_docs.FormNotAvailable as missing:
        raise Http404(str(missing)) from missing


def _render_document(request: HttpRequest, doc: forms_docs.OfficialDocument, pdf_url: str,
                     extra: dict | None = None) -> HttpResponse:
    return render(request, "dossiers/forms/document.html", {"doc": doc, "pdf_url": pdf_url, **(extra or {})})


def _pdf_response(doc: forms_docs.OfficialDocument) -> HttpResponse:
    try:
        body = forms_docs.render_pdf(doc)
    except forms_docs.PdfFontMissing as missing:
        return HttpResponse(str(missing), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.filename}"'
    return response


@login_required
def form_html(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """``/can-bo/ho-so/<code>/mau/<01..07>/``: a form of the dossier's set, printable (A5)."""
    doc = _dossier_document(request, code, form)
    return _render_document(request, doc, reverse("dossiers_officer:form_pdf", args=[code, form]),
                            {"back_url": reverse("dossiers_officer:dossier", args=[code])})


@login_required
def form_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    """``/can-bo/ho-so/<code>/mau/<nn>.pdf``."""
    return _pdf_response(_dossier_document(request, code, form))


class RegisterForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Agency"))
    start = DayFormField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = DayFormField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))


def _register(request: HttpRequest) -> tuple[forms_docs.OfficialDocument, RegisterForm]:
    scope = _scope(request)
    if not scope:
        raise PermissionDenied(_("You hold no officer role in any agency."))
    agencies = queries.agencies(scope)
    today = now().astimezone(TZ).date()
    code = request.GET.get("agency") or agencies[0].code
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        raise Http404(_("No such agency among yours."))
    start = _parse_date(request.GET.get("from"), today.replace(day=1))
    end = _parse_date(request.GET.get("to"), today)
    if end < start:
        start, end = end, start
    end = min(end, start + timedelta(days=366))  # one register covers at most a year
    form = RegisterForm(initial={"agency": agency.code, "start": start, "end": end})
    form.fields["agency"].choices = [(a.code, f"{a.code} — {a.name}") for a in agencies]
    dossiers = list(queries.tracking_register([agency.pk], start, end)[:5000])
    if not _handles(scope[agency.pk]):
        dossiers = [_masked(d) for d in dossiers]
    else:  # every applicant of the period in full: a bulk read of personal data, into the access log
        services.record_personal_data_read(
            request.user, dossiers, role=next(r for r in scope[agency.pk] if _handles([r])),
            purpose=f"Sổ theo dõi hồ sơ (mẫu 06) {agency.code} {start:%d/%m/%Y}–{end:%d/%m/%Y}")
    return forms_docs.form_06(agency, start, end, dossiers, now()), form


def _parse_date(value: str | None, default: date) -> date:
    return day_or(value, default)


@login_required
def register_html(request: HttpRequest) -> HttpResponse:
    """``/can-bo/so-theo-doi/?agency=&from=&to=``: the tracking register (form 06), A4 landscape."""
    doc, form = _register(request)
    return _render_document(request, doc, reverse("dossiers_officer:register_pdf") + "?" + request.GET.urlencode(),
                            {"register_form": form, "back_url": reverse("dossiers_officer:queue")})


@login_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    doc, _form = _register(request)
    return _pdf_response(doc)


# Documents: open and upload ---------------------------------------------------------------------------------------


@login_required
def document_file(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """``/can-bo/ho-so/<code>/tai-lieu/<id>/``: the stored file, with the content type detected at upload, for the
    officers who may see the dossier (the page's scope; anything else is a 404)."""
    dossier, _roles = _dossier_in_scope(request, code)
    document = queries.document(dossier, document_id)
    if document is None:
        raise Http404(_("No such document in this dossier."))
    # ``?signed=1``: the signed PDF (issue 11 point 8) instead of the original as received.
    signed = request.GET.get("signed") == "1"
    if signed and not document.signed_file:
        raise Http404(_("No such document in this dossier."))
    try:
        handle = (document.signed_file if signed else document.file).open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("The stored file is missing.")) from missing
    # Issue 12 point 14: always an attachment, its name's extension the sniffed type's (also for files stored
    # before names were checked), never sniffed by the browser.
    response = FileResponse(handle, as_attachment=True,
                            filename=digitisation.signed_filename(document) if signed
                            else documents.name_for_type(document.filename, document.content_type),
                            content_type="application/pdf" if signed else document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_upload(request: HttpRequest, code: str) -> HttpResponse:
    """Scan a paper into the dossier, or attach the electronic result after approval, with the version the officer
    saw (``services.add_document``: type from the bytes, size limit, scan hook, one event)."""
    dossier, roles = _dossier_in_scope(request, code)
    role = _upload_role(dossier, roles)
    if role is None:
        return _render_dossier(request, dossier, roles, status=409, error={
            "kind": "upload", "message": _("No document can be added to the dossier in its current state.")})
    upload = request.FILES.get("file")
    if not upload:
        return _render_dossier(request, dossier, roles, status=400, error={
            "kind": "upload", "message": _("Choose a file to upload.")})
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    component = request.POST.get("required_document", "").strip()
    try:
        services.add_document(code, upload, actor=request.user, role=role, name=request.POST.get("name", "")[:500],
                              required_document=int(component) if component.isdigit() else None,
                              expected_version=expected, digital_data=digitisation.posted_data(request.POST))
    except services.VersionConflict as conflict:
        return _render_dossier(request, conflict.current, roles, status=409, error={
            "kind": "conflict", "message": _("The dossier has just been updated by someone else. Here is its "
                                             "current state: check it and act again if needed.")})
    except services.UploadRejected as rejected:
        return _render_dossier(request, dossier, roles, status=422, error={
            "kind": "upload", "message": citizen_views._upload_message(rejected)})
    except services.ActorNotAllowed as denied:
        return _render_dossier(request, dossier, roles, status=403, error={"kind": "actor", "message": str(denied)})
    messages.success(request, _("The document was added to the dossier."))
    return redirect(reverse("dossiers_officer:dossier", args=[code]))


# Desk and postal entry (issue 3 point 5) --------------------------------------------------------------------------


def _desk_agencies(request: HttpRequest) -> list[Agency]:
    scope = _scope(request)
    return queries.agencies(agency_id for agency_id, held in scope.items() if Role.DESK_OFFICER in held)


def _entry_form(request: HttpRequest, version, agencies: list[Agency]) -> citizen_views.SubmissionForm:
    """The citizen's submission form (same applicant fields and checks, one file per required document), with the
    channels of the desk and the officer's agencies."""
    choices = [(a.code, f"{a.name} ({a.code})") for a in agencies]
    form = citizen_views.SubmissionForm(request.POST or None, request.FILES or None, version=version,
                                        agency_choices=choices, initial={"channel": ChannelKind.IN_PERSON})
    channel = form.fields["channel"]
    channel.choices = [(k, label) for k, label in channel.choices if k in DESK_CHANNELS]
    channel.label = gettext_lazy("How the dossier arrived")
    if channel.choices and channel.initial not in {k for k, _label in channel.choices}:
        channel.initial = channel.choices[0][0]
    form.fields["kind"].label = gettext_lazy("The applicant is")
    form.fields["note"].label = gettext_lazy("Note (optional)")
    for name, _doc in form.document_fields:
        form.fields[name].help_text = " ".join(filter(None, [str(form.fields[name].help_text),
                                                             str(_("Scan the paper and attach it."))]))
    return form


@login_required
@require_http_methods(["GET", "POST"])
def desk_entry(request: HttpRequest) -> HttpResponse:
    """``/can-bo/tiep-nhan/moi/?procedure=<code>``: the desk officer enters a dossier brought to the desk or arrived by
    post, for the applicant, and scans each paper (Decree 118/2025 Art. 15, 17(1)(c): papers received
    at the desk are digitised). One transaction: the dossier and its files, or nothing."""
    agencies = _desk_agencies(request)
    if not agencies:
        raise PermissionDenied(_("Only a desk officer enters dossiers."))
    code = (request.GET.get("procedure") or request.POST.get("procedure") or "").strip()
    context: dict = {"procedure_code": code}
    procedure, version = queries.published_procedure(code)
    if version is None:
        if code:
            context["not_found"] = True
        return render(request, "dossiers/officer/entry.html", context, status=404 if code else 200)
    form = _entry_form(request, version, agencies)
    context.update(procedure=procedure, version=version, fees=citizen_views._fees(version),
                   required_documents=queries.required_documents(version))
    if not form.fields["channel"].choices:
        context["no_desk_channel"] = True
        return render(request, "dossiers/officer/entry.html", context, status=409 if request.method == "POST" else 200)
    if request.method == "POST" and form.is_valid():
        dossier = _enter(request, form, procedure)
        if dossier is not None:
            messages.success(request, _("Dossier %(code)s entered. Check the papers, then receive it (form 01).")
                             % {"code": dossier.code})
            return redirect(reverse("dossiers_officer:dossier", args=[dossier.code]))
    context["form"] = citizen_views._describe(form)
    return render(request, "dossiers/officer/entry.html", context, status=400 if request.method == "POST" else 200)


def _enter(request: HttpRequest, form: citizen_views.SubmissionForm, procedure) -> Dossier | None:
    """Submit as the desk officer and store each scanned paper, all or nothing; errors land on the form."""
    data = form.cleaned_data
    papers = [services.Paper(name, data[name], doc.name, doc.pk)
              for name, doc in form.document_fields if data.get(name)]
    try:
        return services.submit_with_papers(procedure.code, data["agency"], data["channel"], form.applicant(),
                                         form.form_data(), papers, actor=request.user, at=now(),
                                         role=Role.DESK_OFFICER)
    except services.PapersRejected as rejected:
        for name, exc in rejected.errors.items():
            form.add_error(name, citizen_views._upload_message(exc))
    except services.InvalidSubmission as exc:
        for key, message in exc.errors.items():
            form.add_error(citizen_views._SERVICE_FIELDS.get(key), message)
    except services.ActorNotAllowed as denied:
        form.add_error("agency", str(denied))
    return None


@login_required
def time_limit_corrections(request: HttpRequest) -> HttpResponse:
    """``/can-bo/thu-tuc-can-sua-thoi-han/``: the catalog officer's correction list — procedures whose time limit
    receipt cannot read, so the desk must enter the return date by hand (Decree 118/2025 Art. 17(3); issue 11
    point 4). Catalog officers (and administrators) only."""
    if not (request.user.is_staff or request.user.is_superuser
            or access.holds_role(request.user, MembershipRole.CATALOG_OFFICER)):
        raise PermissionDenied("Chỉ cán bộ quản lý thủ tục hành chính xem danh sách này.")
    rows = queries.time_limit_corrections(limit=2000)
    return render(request, "dossiers/officer/time_limit_corrections.html", {"rows": rows})
