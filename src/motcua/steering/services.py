"""Every write of the Working Group's follow-up: one function per use case, each in one transaction.

Bad input raises ``django.core.exceptions.ValidationError`` (field → messages) and changes nothing; an action the
person may not take raises ``PermissionDenied``; a move the state table does not have raises
:class:`TransitionRefused`; a stale ``expected_version`` raises :class:`StaleVersion`. Every change of an obstacle or
a task assignment appends exactly one hash-chained :class:`~motcua.steering.models.SteeringEvent`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import LegalDocument, Procedure
from motcua.core import notify
from motcua.core.calendar import TZ, WorkingCalendar
from motcua.core.chain import GENESIS
from motcua.units.models import Agency, AgencyKind, Membership

from . import facts, rules
from .models import (
    Directive,
    DirectiveKind,
    Obstacle,
    ObstacleReport,
    ReportKind,
    RoleKind,
    SteeringEvent,
    SteeringRole,
    Task,
    TaskAssignment,
)
from .rules import Actor, ObstacleState, Period, RuleError, TaskState

MAX_TEXT = 5000
MAX_OBSTACLES_PER_REPORT = 50
# Agency groups a directive may address at once (Announcement 437: "các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, …
# Chủ tịch UBND các tỉnh, thành phố trực thuộc trung ương").
AGENCY_GROUPS = {
    "*ministries": (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL),
    "*provinces": (AgencyKind.PROVINCIAL_COMMITTEE,),
}


class TransitionRefused(Exception):
    """The state table has no such move from the current state (API: 409)."""

    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.allowed = allowed


class StaleVersion(Exception):
    """The caller saw an older version of the record (API: 412)."""


def now() -> datetime:
    """The current instant (tests replace it)."""
    return timezone.now()


def standing_agency_code() -> str:
    """The standing agency of the Working Group and of its Advisory Council (Announcement 437/TB-VPCP: the
    Government Office). Configuration (``MOTCUA_STEERING_STANDING_AGENCY``, default ``VPCP``): Decree 309/2026 moves
    the Government Office's one-stop tasks to the Ministry of Justice but no text read here moves this role
    [open]; a deployment sets ``BTP`` when its instrument says so (docs/law.md "Roles that moved")."""
    return settings.MOTCUA_STEERING_STANDING_AGENCY


STANDING_NAMES = {"VPCP": "Văn phòng Chính phủ", "BTP": "Bộ Tư pháp"}


def standing_agency_name() -> str:
    """The standing agency's name: from the agency directory, else the known names, else its code."""
    code = standing_agency_code()
    return (Agency.objects.filter(code=code).values_list("name", flat=True).first()
            or STANDING_NAMES.get(code, code))


def default_obstacle_working_days() -> int:
    """Working days an agency gets to resolve an obstacle when the standing agency gives no date [open: no legal
    time limit exists for council obstacles; 15 working days follows the PAKN answer standard, domain.md §5]."""
    return settings.MOTCUA_STEERING_OBSTACLE_WORKING_DAYS


# Who acts ---------------------------------------------------------------------------------------------------------


def actor_roles(user) -> set[Actor]:
    """The steering roles a user holds (council member, standing officer, group leader)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = {Actor(r) for r in SteeringRole.objects.filter(user=user, active=True).values_list("role", flat=True)}
    return roles


def agency_codes_for(user) -> set[str]:
    """Codes of the agencies a user holds a role in (``units.Membership``)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user).values_list("agency__code", flat=True))


def acting_codes(user) -> set[str]:
    """The agencies a user reports for: those they hold a role in, and for a ministry's or province's own bodies
    (departments, service centre, office) the ministry or province above them (``H01.VPUBND`` acts for ``H01``). A
    commune committee's officers act for their commune only."""
    if not getattr(user, "is_authenticated", False):
        return set()
    codes: set[str] = set()
    for code, kind in Membership.objects.filter(user=user).values_list("agency__code", "agency__kind"):
        codes.add(code)
        if kind != AgencyKind.COMMUNE_COMMITTEE:
            parts = code.split(".")
            codes.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return codes


def acts_for_agency(user, agency: Agency | None, codes: set[str] | None = None) -> bool:
    """Whether the user may report for ``agency`` (see :func:`acting_codes`)."""
    if agency is None:
        return False
    return agency.code in (acting_codes(user) if codes is None else codes)


def actors_for(user, agency: Agency | None) -> set[Actor]:
    roles = actor_roles(user)
    if acts_for_agency(user, agency):
        roles.add(Actor.AGENCY)
    return roles


def _member(user) -> SteeringRole:
    role = SteeringRole.objects.filter(user=user, role=RoleKind.COUNCIL_MEMBER, active=True).first()
    if role is None:
        raise PermissionDenied("Chỉ thành viên Hội đồng tư vấn cải cách TTHC gửi được báo cáo vướng mắc.")
    return role


def _require_standing(user) -> None:
    if Actor.STANDING not in actor_roles(user):
        raise PermissionDenied("Chỉ Cơ quan thường trực Tổ công tác làm được việc này.")


@transaction.atomic
def grant_role(user, role: str, *, organisation: str = "", title: str = "", phone: str = "",
               since: date | None = None) -> SteeringRole:
    """Give a user a steering role (or update it and make it active again)."""
    if role not in RoleKind.values:
        raise ValidationError({"role": [f"Vai trò không hợp lệ: {role!r} ({', '.join(RoleKind.values)})."]})
    obj, _ = SteeringRole.objects.update_or_create(
        user=user, role=role, defaults={"organisation": organisation, "title": title, "phone": phone,
                                        "active": True, "since": since})
    return obj


# Events -----------------------------------------------------------------------------------------------------------


def _append_event(*, obstacle: Obstacle | None = None, assignment: TaskAssignment | None = None, actor, role: str,
                  action: str, from_state: str, state: str, agency_id: int | None, due_date: date | None,
                  note: str = "", data: dict | None = None, at: datetime) -> SteeringEvent:
    subject = obstacle or assignment
    filter_ = {"obstacle": obstacle} if obstacle is not None else {"assignment": assignment}
    last = SteeringEvent.objects.filter(**filter_).order_by("-seq").values_list("hash", flat=True).first()
    event = SteeringEvent(obstacle=obstacle, assignment=assignment, seq=subject.version, at=at,
                          actor=actor if getattr(actor, "pk", None) else None, role=role, action=action,
                          from_state=from_state, state=state, agency_id=agency_id, due_date=due_date,
                          note=note, data=data or {})
    event.seal(last or GENESIS)
    event.save()
    if obstacle is not None:
        facts.take_in([obstacle.pk])  # the figures' spans take the event in, in the same transaction (issue 15.5)
    return event


# Obstacle reports -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObstacleInput:
    """One obstacle as a member writes it. ``procedure`` is a catalog code; ``legal_document`` a document number:
    when the number is not in the catalog it is kept as text."""

    difficulty: str
    effect: str
    proposal: str
    procedure: str = ""
    legal_document: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ObstacleInput:
        return cls(**{k: str(data.get(k) or "").strip() for k in
                      ("difficulty", "effect", "proposal", "procedure", "legal_document")})


def _text(errors: dict, name: str, value: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(name, []).append("Bắt buộc nhập.")
    if len(value) > MAX_TEXT:
        errors.setdefault(name, []).append(f"Tối đa {MAX_TEXT} ký tự.")
    return value


def find_legal_document(number: str) -> LegalDocument | None:
    """The catalog's legal document with this number, whatever the letter case ("123/2015/nđ-cp"): SQLite folds
    only ASCII case, so candidates sharing the leading number are compared in Python."""
    number = number.strip()
    found = LegalDocument.objects.filter(number=number).first()
    if found is not None:
        return found
    head = number.split("/", 1)[0]
    wanted = number.casefold()
    for candidate in LegalDocument.objects.filter(number__startswith=head)[:200]:
        if candidate.number.casefold() == wanted:
            return candidate
    return None


def _resolve_obstacle(index: int, item: ObstacleInput, errors: dict) -> dict[str, Any]:
    prefix = f"obstacles[{index}]"
    out: dict[str, Any] = {}
    for name in ("difficulty", "effect", "proposal"):
        value = _text(errors, f"{prefix}.{name}", getattr(item, name))
        out[name] = value
    procedure = None
    if item.procedure:
        procedure = (Procedure.objects.select_related("current_version__sector")
                     .filter(code=item.procedure).first())
        if procedure is None:
            errors.setdefault(f"{prefix}.procedure", []).append(
                f"Không có thủ tục mã {item.procedure!r} trong danh mục.")
    document, reference = None, ""
    if item.legal_document:
        if len(item.legal_document) > 255:
            errors.setdefault(f"{prefix}.legal_document", []).append("Tối đa 255 ký tự.")
        document = find_legal_document(item.legal_document)
        reference = "" if document else item.legal_document
    if not item.procedure and not item.legal_document:
        errors.setdefault(f"{prefix}.procedure", []).append(
            "Nêu thủ tục hành chính hoặc văn bản quy phạm pháp luật có vướng mắc.")
    sector = procedure.current_version.sector if procedure and procedure.current_version else None
    out.update(procedure=procedure, legal_document=document, legal_reference=reference, sector=sector)
    return out


@transaction.atomic
def submit_report(user, *, kind: str, period: str, obstacles: list[ObstacleInput | dict], note: str = "",
                  at: datetime | None = None) -> ObstacleReport:
    """A council member's monthly or ad hoc report (Announcement 437: "định kỳ hằng tháng hoặc đột xuất").

    A monthly report may list no obstacle (nothing arose that month); an ad hoc one needs at least one. One monthly
    report per member and month.
    """
    member = _member(user)
    at = at or now()
    today = at.astimezone(TZ).date()
    errors: dict[str, list[str]] = {}
    if kind not in ReportKind.values:
        errors["kind"] = [f"Loại báo cáo phải là một trong: {', '.join(ReportKind.values)}."]
    try:
        parsed = rules.parse_period(period) if period else Period.of(today)
        if kind in ReportKind.values:
            rules.check_report_period(parsed, kind, today)
    except RuleError as exc:
        errors["period"] = [str(exc)]
        parsed = None
    items = [o if isinstance(o, ObstacleInput) else ObstacleInput.from_dict(o) for o in obstacles or []]
    if len(items) > MAX_OBSTACLES_PER_REPORT:
        errors["obstacles"] = [f"Tối đa {MAX_OBSTACLES_PER_REPORT} vướng mắc trong một báo cáo."]
    if kind == ReportKind.AD_HOC and not items:
        errors["obstacles"] = ["Báo cáo đột xuất cần ít nhất một vướng mắc."]
    note = _text(errors, "note", note, required=False)
    resolved = [_resolve_obstacle(i, item, errors) for i, item in enumerate(items[:MAX_OBSTACLES_PER_REPORT])]
    if parsed is not None and kind == ReportKind.MONTHLY and ObstacleReport.objects.filter(
            member=member, kind=ReportKind.MONTHLY, period=str(parsed)).exists():
        errors["period"] = [f"Đã có báo cáo định kỳ kỳ {parsed}; gửi báo cáo đột xuất nếu có vướng mắc mới."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            report = ObstacleReport.objects.create(member=member, kind=kind, period=str(parsed), note=note,
                                                   submitted_at=at, submitted_by=user)
    except IntegrityError:  # a concurrent monthly report for the same month
        raise ValidationError({"period": [f"Đã có báo cáo định kỳ kỳ {parsed}."]}) from None
    for number, values in enumerate(resolved, start=1):
        obstacle = Obstacle.objects.create(code=f"tmp-{uuid.uuid4().hex[:24]}", report=report, number=number,
                                           created_at=at, **values)
        obstacle.code = f"VM{parsed.year:04d}{parsed.month:02d}-{obstacle.pk:05d}"
        obstacle.save(update_fields=["code"])
        _append_event(obstacle=obstacle, actor=user, role=Actor.MEMBER, action="submit", from_state="",
                      state=ObstacleState.SUBMITTED, agency_id=None, due_date=None, at=at,
                      data={"report": report.pk, "kind": kind, "period": str(parsed)})
    return report


def _due_from(agency: Agency, due: date | str | None, working_days: int | None, today: date,
              errors: dict) -> date | None:
    if due:
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due)
            except ValueError:
                errors["due_date"] = ["Ngày không hợp lệ (YYYY-MM-DD)."]
                return None
        if due < today:
            errors["due_date"] = ["Thời hạn không được trước hôm nay."]
            return None
        return due
    if working_days is None:
        working_days = default_obstacle_working_days()
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        errors["working_days"] = ["Số ngày làm việc phải là số nguyên."]
        return None
    if not 1 <= working_days <= 250:
        errors["working_days"] = ["Số ngày làm việc từ 1 đến 250."]
        return None
    # The assignment day is not counted (Civil Code 2015 Art. 147); days off follow the agency's calendar.
    return WorkingCalendar.from_db(agency).add_working_days(today, working_days)


@transaction.atomic
def act_on_obstacle(user, obstacle: Obstacle | str, action: str, *, agency: Agency | str | None = None,
                    due_date: date | str | None = None, working_days: int | None = None, note: str = "",
                    expected_version: int | None = None, at: datetime | None = None) -> SteeringEvent:
    """Triage and follow-up of an obstacle (the state table is :data:`rules.OBSTACLE_ACTIONS`).

    The standing agency assigns (or reassigns) it to a ministry or province with a deadline — a date, or a number
    of working days on that agency's calendar — extends it, rejects it with the reason, confirms or reopens the
    agency's answer; the agency reports progress and its answer.
    """
    code = obstacle.code if isinstance(obstacle, Obstacle) else obstacle
    locked = Obstacle.objects.select_for_update().filter(code=code).first()
    if locked is None:
        raise Obstacle.DoesNotExist(code)
    obstacle = locked
    at = at or now()
    today = at.astimezone(TZ).date()
    actors = actors_for(user, obstacle.agency)
    step = rules.find_action(rules.OBSTACLE_ACTIONS, obstacle.status, action)
    if step is None:
        allowed = rules.allowed_actions(rules.OBSTACLE_ACTIONS, obstacle.status, actors)
        raise TransitionRefused(f"Không thể '{action}' khi vướng mắc ở trạng thái '{obstacle.status}'.", allowed)
    acting = step.actors & actors
    if not acting:
        raise PermissionDenied(f"Bạn không có quyền '{action}' đối với vướng mắc này.")
    if expected_version is not None and int(expected_version) != obstacle.version:
        raise StaleVersion(f"Vướng mắc đã thay đổi (phiên bản {obstacle.version}); tải lại rồi thử lại.")
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, required="note" in step.needs)
    target_agency = obstacle.agency
    if "agency" in step.needs:
        if isinstance(agency, str):
            agency = Agency.objects.filter(code=agency.strip()).first() if agency.strip() else None
        if agency is None:
            errors["agency"] = ["Chọn bộ, ngành hoặc tỉnh, thành phố được giao (mã cơ quan)."]
        elif agency.kind not in (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL, AgencyKind.CENTRAL_OTHER,
                                 AgencyKind.PROVINCIAL_COMMITTEE):
            errors["agency"] = ["Giao cho một bộ, cơ quan ngang bộ hoặc UBND tỉnh, thành phố."]
        target_agency = agency
    due = obstacle.due_date
    if "due" in step.needs and target_agency is not None and "agency" not in errors:
        due = _due_from(target_agency, due_date, working_days, today, errors)
    if errors:
        raise ValidationError(errors)
    from_state = obstacle.status
    obstacle.status = step.target
    obstacle.agency = target_agency
    obstacle.due_date = due
    if action == "answer":
        obstacle.answered_at = at
    elif action == "reopen":
        obstacle.answered_at = None
    if step.target == ObstacleState.RESOLVED:
        obstacle.resolved_at = at
    obstacle.version += 1
    obstacle.save(update_fields=["status", "agency", "due_date", "answered_at", "resolved_at", "version"])
    role = next(r for r in (Actor.STANDING, Actor.AGENCY, Actor.MEMBER) if r in acting)
    data = {"working_days": int(working_days)} if working_days and not due_date and "due" in step.needs else {}
    return _append_event(obstacle=obstacle, actor=user, role=role, action=action, from_state=from_state,
                         state=obstacle.status, agency_id=obstacle.agency_id, due_date=obstacle.due_date,
                         note=note, data=data, at=at)


# Directives and tasks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskInput:
    number: int
    text: str
    deadline: str = ""
    agencies: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskInput:
        agencies = data.get("agencies") or ()
        if isinstance(agencies, str):
            agencies = agencies.replace(";", ",").split(",")
        return cls(number=data.get("number"), text=str(data.get("text") or ""),
                   deadline=str(data.get("deadline") or ""), agencies=tuple(str(a).strip() for a in agencies))


def expand_agencies(codes: tuple[str, ...] | list[str]) -> tuple[list[Agency], list[str]]:
    """Agencies named by code or by group (``*ministries``, ``*provinces``); returns (agencies, unknown codes)."""
    found: dict[str, Agency] = {}
    unknown: list[str] = []
    plain = [c for c in codes if c and c not in AGENCY_GROUPS]
    by_code = {a.code: a for a in Agency.objects.filter(code__in=plain)}
    for code in codes:
        if not code:
            continue
        if code in AGENCY_GROUPS:
            for agency in Agency.objects.filter(kind__in=AGENCY_GROUPS[code]).order_by("code"):
                found.setdefault(agency.code, agency)
        elif code in by_code:
            found.setdefault(code, by_code[code])
        else:
            unknown.append(code)
    return list(found.values()), unknown


@transaction.atomic
def create_directive(user, *, number: str, kind: str, title: str, issued_on: date | str, issuer: str,
                     tasks: list[TaskInput | dict], summary: str = "", source: str = "",
                     at: datetime | None = None) -> Directive:
    """Record a directive or conclusion with its numbered tasks, each assigned to one or more agencies with its
    deadline as written (day, month — "trong tháng 10/2023" —, quarter, year or continuous)."""
    if user is not None:
        _require_standing(user)
    at = at or now()
    errors: dict[str, list[str]] = {}
    number = _text(errors, "number", number)
    if len(number) > 60:
        errors["number"] = ["Tối đa 60 ký tự."]
    elif number and Directive.objects.filter(number__iexact=number).exists():
        errors["number"] = [f"Văn bản số {number} đã có."]
    if kind not in DirectiveKind.values:
        errors["kind"] = [f"Loại văn bản phải là một trong: {', '.join(DirectiveKind.values)}."]
    title = _text(errors, "title", title)
    issuer = _text(errors, "issuer", issuer)
    summary = _text(errors, "summary", summary, required=False)
    source = _text(errors, "source", source, required=False)
    if isinstance(issued_on, str):
        try:
            issued_on = date.fromisoformat(issued_on)
        except ValueError:
            errors["issued_on"] = ["Ngày ban hành không hợp lệ (YYYY-MM-DD)."]
    items = [t if isinstance(t, TaskInput) else TaskInput.from_dict(t) for t in tasks or []]
    if not items:
        errors["tasks"] = ["Văn bản cần ít nhất một nhiệm vụ."]
    planned: list[tuple[TaskInput, rules.Deadline, list[Agency]]] = []
    seen: set[int] = set()
    for i, item in enumerate(items):
        prefix = f"tasks[{i}]"
        try:
            num = int(item.number)
            if num < 1 or num in seen:
                raise ValueError
            seen.add(num)
        except (TypeError, ValueError):
            errors[f"{prefix}.number"] = ["Số thứ tự nhiệm vụ phải là số nguyên dương, không trùng."]
            num = 0
        text = _text(errors, f"{prefix}.text", item.text)
        try:
            deadline = rules.parse_deadline(item.deadline)
        except RuleError as exc:
            errors[f"{prefix}.deadline"] = [str(exc)]
            deadline = rules.Deadline(rules.Precision.NONE, None)
        agencies, unknown = expand_agencies(item.agencies)
        if unknown:
            errors[f"{prefix}.agencies"] = [f"Không có cơ quan mã: {', '.join(unknown)}."]
        elif not agencies:
            errors[f"{prefix}.agencies"] = ["Giao cho ít nhất một cơ quan."]
        planned.append((TaskInput(num, text, item.deadline, item.agencies), deadline, agencies))
    if errors:
        raise ValidationError(errors)
    directive = Directive.objects.create(number=number, kind=kind, title=title, issued_on=issued_on, issuer=issuer,
                                         summary=summary, source=source, created_at=at,
                                         created_by=user if getattr(user, "pk", None) else None)
    for item, deadline, agencies in planned:
        task = Task.objects.create(directive=directive, number=item.number, text=item.text,
                                   deadline_precision=deadline.precision, deadline_date=deadline.last_day)
        for agency in agencies:
            assignment = TaskAssignment.objects.create(task=task, agency=agency, deadline_precision=deadline.precision,
                                                       deadline_date=deadline.last_day)
            _append_event(assignment=assignment, actor=user, role=Actor.STANDING, action="assign", from_state="",
                          state=TaskState.ASSIGNED, agency_id=agency.pk, due_date=deadline.last_day, at=at,
                          data={"directive": directive.number, "task": item.number,
                                "deadline": deadline.code, "precision": str(deadline.precision)})
    return directive


@transaction.atomic
def act_on_assignment(user, assignment: TaskAssignment | int, action: str, *, note: str = "", deadline: str = "",
                      expected_version: int | None = None, at: datetime | None = None) -> SteeringEvent:
    """An agency reports progress on its task or reports it done; the standing agency extends, reopens or cancels
    it (the state table is :data:`rules.TASK_ACTIONS`)."""
    pk = assignment.pk if isinstance(assignment, TaskAssignment) else assignment
    locked = TaskAssignment.objects.select_for_update().select_related("agency").filter(pk=pk).first()
    if locked is None:
        raise TaskAssignment.DoesNotExist(pk)
    assignment = locked
    at = at or now()
    actors = actors_for(user, assignment.agency)
    step = rules.find_action(rules.TASK_ACTIONS, assignment.status, action)
    if step is None:
        allowed = rules.allowed_actions(rules.TASK_ACTIONS, assignment.status, actors)
        raise TransitionRefused(f"Không thể '{action}' khi nhiệm vụ ở trạng thái '{assignment.status}'.", allowed)
    acting = step.actors & actors
    if not acting:
        raise PermissionDenied(f"Bạn không có quyền '{action}' đối với nhiệm vụ này.")
    if expected_version is not None and int(expected_version) != assignment.version:
        raise StaleVersion(f"Nhiệm vụ đã thay đổi (phiên bản {assignment.version}); tải lại rồi thử lại.")
    errors: dict[str, list[str]] = {}
    note = _text(errors, "note", note, required="note" in step.needs)
    new_deadline = None
    if "deadline" in step.needs:
        try:
            new_deadline = rules.parse_deadline(deadline)
            if new_deadline.last_day is not None and new_deadline.last_day < at.astimezone(TZ).date():
                errors["deadline"] = ["Thời hạn mới không được trước hôm nay."]
        except RuleError as exc:
            errors["deadline"] = [str(exc)]
    if errors:
        raise ValidationError(errors)
    from_state = assignment.status
    assignment.status = step.target
    if new_deadline is not None:
        assignment.deadline_precision = new_deadline.precision
        assignment.deadline_date = new_deadline.last_day
    if action in ("report_progress", "complete"):
        assignment.progress = note
        assignment.reported_at = at
    assignment.completed_at = at if step.target == TaskState.DONE else None
    assignment.version += 1
    assignment.save(update_fields=["status", "deadline_precision", "deadline_date", "progress", "reported_at",
                                   "completed_at", "version"])
    role = next(r for r in (Actor.STANDING, Actor.AGENCY) if r in acting)
    data = {"deadline": new_deadline.code, "precision": str(new_deadline.precision)} if new_deadline else {}
    return _append_event(assignment=assignment, actor=user, role=role, action=action, from_state=from_state,
                         state=assignment.status, agency_id=assignment.agency_id, due_date=assignment.deadline_date,
                         note=note, data=data, at=at)


# Reminders --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderResult:
    period: str
    queued: list[str]        # user names reminded now
    already: list[str]       # reminded earlier today (not sent twice)
    unreachable: list[str]   # no e-mail and no phone


def remind(period: str | Period, *, at: datetime | None = None) -> ReminderResult:
    """Remind the council members who have not sent their monthly report for ``period`` (e-mail and SMS through
    ``core.notify``, after commit, retried). At most one reminder per member, period and day."""
    from motcua.core.models import Job

    from .queries import missing_reporters

    period = period if isinstance(period, Period) else rules.parse_period(period)
    at = at or now()
    day = at.astimezone(TZ).date()
    # Absolute when MOTCUA_PUBLIC_URL is set (as the dossier notifications do).
    link = settings.MOTCUA_PUBLIC_URL.rstrip("/") + "/chi-dao/bao-cao/moi/"
    queued, already, unreachable = [], [], []
    with transaction.atomic():
        for member in missing_reporters(period):
            user = member.user
            key = f"steering-remind:{period}:{member.pk}:{day.isoformat()}"
            if Job.objects.filter(key=key).exists():
                already.append(user.username)
                continue
            subject = f"Nhắc gửi báo cáo vướng mắc kỳ {period.label.lower()}"
            body = (f"Kính gửi {user.get_full_name() or user.username},\n"
                    f"Cơ quan thường trực Tổ công tác cải cách TTHC ({standing_agency_name()}) chưa nhận được báo cáo "
                    f"vướng mắc, khó khăn định kỳ {period.label.lower()} của {member.organisation or 'Quý vị'}. "
                    f"Đề nghị gửi báo cáo (kể cả khi không phát sinh vướng mắc) tại {link}")
            messages = []
            if user.email:
                messages.append(notify.Message("email", user.email, body, subject,
                                               meta={"kind": "steering_reminder", "period": str(period)}))
            if member.phone:
                messages.append(notify.Message("sms", member.phone, f"{subject}: {link}",
                                               meta={"kind": "steering_reminder", "period": str(period)}))
            if not messages:
                unreachable.append(user.username)
                continue
            notify.send_later(messages, key=key)
            queued.append(user.username)
    return ReminderResult(str(period), queued, already, unreachable)


def member_query(period: Period):
    """Active council members from whom a report for ``period`` is expected."""
    return (SteeringRole.objects.filter(role=RoleKind.COUNCIL_MEMBER, active=True)
            .filter(Q(since__isnull=True) | Q(since__lte=period.last_day)).select_related("user"))


# Open311 API keys -------------------------------------------------------------------------------------------------


def hash_open311_key(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_open311_key(name: str, agency_code: str = "", *, at: datetime | None = None) -> tuple[str, object]:
    """A new Open311 API key for a client application; returns (the key, shown once; its row)."""
    import secrets

    from .models import Open311Key

    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 255:
        errors["name"] = ["Tên ứng dụng bắt buộc, tối đa 255 ký tự."]
    agency = None
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            errors["agency"] = [f"Không có cơ quan mã {agency_code}."]
    if errors:
        raise ValidationError(errors)
    key = secrets.token_urlsafe(32)
    row = Open311Key.objects.create(name=name, agency=agency, prefix=key[:8], key_hash=hash_open311_key(key),
                                    created_at=at or now())
    return key, row


def open311_client(key: str):
    """The active Open311 client holding this API key, with its default agency, or None."""
    from .models import Open311Key

    return Open311Key.objects.select_related("agency").filter(key_hash=hash_open311_key(key), active=True).first()


def open311_key_used(client) -> None:
    """Record when a client last posted with its key."""
    from .models import Open311Key

    Open311Key.objects.filter(pk=client.pk).update(last_used_at=timezone.now())


def revoke_open311_key(prefix: str) -> int:
    """Deactivate the keys starting with ``prefix`` (kept, never deleted); returns how many."""
    from .models import Open311Key

    if len(prefix or "") < 6:
        raise ValidationError({"prefix": ["Ghi ít nhất 6 ký tự đầu của khóa."]})
    return Open311Key.objects.filter(prefix=prefix[:8], active=True).update(active=False)
