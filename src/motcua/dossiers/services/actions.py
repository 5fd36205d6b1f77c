"""Acting on a dossier: :func:`act` and the effect of each action (:data:`EFFECTS`), with their
:class:`Context`.

:func:`act` locks the dossier row, checks the optimistic version, then the transition table (:mod:`..transitions`),
then the legal rules (:mod:`..rules`), applies the action's effect on the clocks and bumps the version, in one
transaction that appends exactly one event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure
from motcua.core.calendar import WorkingCalendar
from motcua.units.models import Agency, Membership
from motcua.units.roles import role_label

from .. import action_data, lawsets, receipt, rules
from ..codes import format_code, next_sequence, receipt_date
from ..models import ChannelKind, Dossier, DossierCodeAlias, ProcessDefinition
from ..notifications import notify_for_event
from ..transitions import Action, Role, State, next_state
from .actors import agency_root, check_actor
from .errors import ActionDataInvalid, ActorNotAllowed, DossierNotFound, VersionConflict
from .events import append_event, at_or_now


def process_for(procedure: Procedure, calendar: WorkingCalendar | None = None) -> tuple[rules.StepSpec, ...]:
    """The procedure's internal steps, or the default receive → appraise → approve → return.

    A budget in working days is that many full office days of ``calendar`` (8 hours with the default hours).
    """
    definition = ProcessDefinition.objects.filter(procedure=procedure).prefetch_related("steps__unit").first()
    if definition is None or not definition.steps.all():
        return rules.DEFAULT_STEPS
    hours = (calendar or WorkingCalendar()).hours
    office_day = sum((datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
                      for start, end in hours.periods), timedelta(0))
    specs = []
    for step in definition.steps.all():
        amount = float(step.budget_amount)
        budget = timedelta(hours=amount) if step.budget_unit == "working_hours" else office_day * amount
        specs.append(rules.StepSpec(step.key, step.name, step.role, budget=budget,
                                    unit=step.unit.code if step.unit else ""))
    return tuple(specs)


@dataclass
class Context:
    dossier: Dossier
    action: str
    source: str
    target: str
    actor: Any
    role: str
    at: datetime
    reason: str
    data: dict
    calendar: WorkingCalendar
    event_data: dict = field(default_factory=dict)
    step: str = ""


def _require_reason(ctx: Context) -> None:
    if not ctx.reason.strip():
        raise rules.RuleViolation("reason_required", f"'{ctx.action}' needs the reasons, in writing.")


def _parse_instant(value, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None or timezone.is_naive(moment):
        raise rules.RuleViolation("bad_datetime", f"data.{name} must be an ISO 8601 date-time with a time zone.")
    return moment


def _missing_items(ctx: Context) -> list[str]:
    missing = ctx.data.get("missing")
    if not isinstance(missing, list) or not missing or not all(isinstance(i, str) and i.strip() for i in missing):
        raise rules.RuleViolation("supplement_missing_items",
                                  "List every missing document at once (data.missing: a non-empty list of texts).")
    return [i.strip() for i in missing]


def start_legal_clock(ctx: Context, start: datetime) -> None:
    d = ctx.dossier
    # Decree 118/2025 Art. 17(3), 18(2): the rule of the start is the law of the receipt date and the limit's own
    # setting; a linked-group child counts after 15:00 from the next working day (Decree 63/2024 Art. 7, as replaced
    # by Decree 301/2026 Art. 5 from 1/9/2026; the death group's members as configured [open]).
    setting = True if d.group_parent_code else d.time_limit_cutoff_moves_start
    due = rules.legal_due(ctx.calendar, start, d.time_limit_amount, d.time_limit_unit,
                          received_at=d.received_at or start, cutoff_setting=setting)
    d.clock_started_at, d.due_at, d.deadline_flag = start, due.due_at, due.flag
    ctx.event_data["due_at"] = due.due_at
    if due.flag:
        ctx.event_data["deadline_flag"] = due.flag


def _answer_receipt(ctx: Context) -> None:
    """The desk's first answer to an online dossier (receipt, request to complete, refusal) is due within 8 working
    hours of its arrival (Decree 118/2025 Art. 17(2)(c)): the event records whether it was late (``receipt_late``,
    the fact oversight counts) and the dossier keeps the flag."""
    d = ctx.dossier
    if ctx.source != State.SUBMITTED or d.receipt_due_at is None:
        return
    late = receipt.receipt_missed(d.receipt_due_at, ctx.at)
    d.receipt_late = d.receipt_late or late
    ctx.event_data.update(receipt_due_at=d.receipt_due_at, receipt_late=d.receipt_late)


def _process_settings(procedure_id: int) -> tuple[bool, int | None]:
    from ..queries import process_settings

    return process_settings(procedure_id)


def _body(agency: Agency) -> receipt.Body:
    root = Agency.objects.filter(pk=agency_root(agency.pk)).values_list("code", flat=True).first() or agency.code
    return receipt.Body(agency.code, agency.kind, agency.level, root)


def _choose_competent(ctx: Context) -> Agency | None:
    """The competent authority chosen on receipt (Decree 118/2025 Art. 20: by the procedure and the applicant's
    address, or the applicant's choice: ``data.competent_agency``); ``None`` when it is the receiving agency."""
    code = str(ctx.data.get("competent_agency") or "").strip()
    d = ctx.dossier
    if not code:
        code = _competent_from_address(d) or ""
    if not code or code == d.agency.code:
        return None
    competent = Agency.objects.filter(code=code).first()
    if competent is None:
        raise rules.RuleViolation("competent_agency_unknown", f"Không có cơ quan mã {code}.")
    if not receipt.may_receive(_body(d.agency), _body(competent), ctx.at,
                               nationwide_listed=bool(ctx.data.get("nationwide_listed"))):
        raise rules.RuleViolation(
            "outside_receipt_scope",
            f"{d.agency.name} không được tiếp nhận hồ sơ thuộc thẩm quyền của {competent.name} (Điều 14 Nghị định "
            f"118/2025/NĐ-CP): chỉ Trung tâm Phục vụ hành chính công cấp tỉnh, cấp xã tiếp nhận không phụ thuộc địa "
            f"giới hành chính trong phạm vi tỉnh; Bộ phận Một cửa của bộ tiếp nhận thủ tục của bộ mình.")
    return competent


def _seat(agency: Agency) -> receipt.Seat:
    unit = agency.unit
    if unit is None:
        return receipt.Seat(agency.code, agency.level)
    if unit.province_id is not None:
        return receipt.Seat(agency.code, agency.level, unit.province.name, unit.name)
    return receipt.Seat(agency.code, agency.level, unit.name)


def _competent_from_address(d: Dossier) -> str | None:
    """Nobody named the competent authority (Decree 118/2025 Art. 14(2), 20(1)(a)): a provincial or commune service
    centre that is not itself listed for the procedure chooses it by the procedure's level and the applicant's
    address (the prefilled residence data or the address on the dossier). ``None`` when the desk is competent
    itself, the procedure lists nobody, or the address names no single seat: the dossier then stays with the
    receiving desk as before, and the desk may name the authority (``data.competent_agency``)."""
    if d.agency.kind not in receipt.RECEIVING_CENTRES:
        return None
    version = d.procedure.current_version or d.procedure_version
    from ..places import competent_bodies

    listed = competent_bodies(version)
    if not listed or any(a.pk == d.agency_id for a in listed):
        return None
    levels = version.level_list
    seats = [_seat(a) for a in listed]
    if "commune" in levels:
        root = _body(d.agency).root  # the province's committee: its communes' codes start with its code
        communes = Agency.objects.filter(kind="commune_committee", code__startswith=f"{root}.").select_related(
            "unit__province")
        seats += [_seat(a) for a in communes]
    residence = (d.form_data or {}).get("residence") or {}
    address = d.applicant_address or (residence.get("permanent_address") if isinstance(residence, dict) else "")
    return receipt.competent_by_address(levels, str(address or ""), seats)


def _recode(ctx: Context, identifier_agency: Agency) -> None:
    """Give the dossier the code carrying ``identifier_agency``'s identifier (Decree 118/2025 Art. 28(2)(a)); the
    code it had stays valid for lookup (:class:`DossierCodeAlias`)."""
    d = ctx.dossier
    day = receipt_date(ctx.at)
    old = d.code
    DossierCodeAlias.objects.create(code=old, dossier=d, replaced_at=ctx.at)
    d.code = format_code(identifier_agency.code, day, next_sequence(identifier_agency.pk, day))
    ctx.event_data.update(previous_code=old, code=d.code)


def receive(ctx: Context) -> None:
    d = ctx.dossier
    _answer_receipt(ctx)
    version = d.procedure.current_version or d.procedure_version
    d.procedure_version = version  # the version valid when received
    d.received_at = ctx.at
    competent = None if d.group_parent_code else _choose_competent(ctx)
    if d.group_parent_code:
        # A linked-group child (groups.py): the group's own limit (Decree 63/2024), set at submission, counts from
        # the submission with the cut-off; the desk's receipt does not restart it.
        start_legal_clock(ctx, d.submitted_at)
    else:
        channel = Channel.objects.filter(version=version, kind=d.channel).order_by("position").first()
        d.time_limit_amount = channel.time_limit_amount if channel else None
        d.time_limit_unit = channel.time_limit_unit if channel else ""
        d.time_limit_cutoff_moves_start = channel.cutoff_moves_start if channel else None
        start = ctx.at
        if competent is not None:
            # Art. 20(1)(a): the electronic file goes at once; the paper file within 1 working day.
            d.competent_agency = competent
            if d.channel != ChannelKind.ONLINE:
                d.paper_transfer_due_at = receipt.paper_transfer_due(ctx.calendar, ctx.at)
                ctx.event_data["paper_transfer_due_at"] = d.paper_transfer_due_at
            competent_at = _parse_instant(ctx.data.get("competent_received_at"), "competent_received_at")
            start = receipt.limit_start(ctx.at, competent_at, across_boundary=True)
            ctx.event_data["competent_agency"] = competent.code
            if receipt.code_identifier(ctx.at, d.agency.code, competent.code, linked_group=False,
                                       channel=d.channel, portal="") == competent.code:
                _recode(ctx, competent)
        start_legal_clock(ctx, start)
        entered = None
        if not d.group_code:  # a linked group's parent is refused by groups.py with its own rule
            entered = receipt.check_return_date(ctx.at, d.deadline_flag,
                                                _parse_instant(ctx.data.get("return_due_at"), "return_due_at"),
                                                d.time_limit_amount)
        if entered is not None:
            # The desk entered the return date of a time limit without a unit (Art. 17(3): on the receipt slip).
            d.due_at, d.deadline_flag = entered, ""
            ctx.event_data.update(due_at=entered, return_due_entered=True)
            ctx.event_data.pop("deadline_flag", None)
        settled_at_once, _days = _process_settings(d.procedure_id)
        if not receipt.needs_receipt_slip(settled_at_once, bool(ctx.data.get("receipt_slip_requested"))):
            ctx.event_data["receipt_slip"] = False  # Art. 17(4): settled and returned at once
    d.index_due_at = d.due_at
    d.steps = rules.plan_steps(process_for(d.procedure, ctx.calendar), ctx.at, d.due_at, ctx.calendar)
    d.current_step = 1 if d.steps and d.steps[0]["key"] == "receive" else 0
    d.step_started_at = rules.clock_start(ctx.calendar, ctx.at)
    ctx.step = d.steps[0]["key"] if d.current_step else ""
    d.missing_items = []


def _request_supplement(ctx: Context) -> None:
    d = ctx.dossier
    missing = _missing_items(ctx)
    if ctx.target == State.SUPPLEMENT_REQUESTED:
        # Decree 118/2025 Art. 19(5) (domain.md §3): notice within 3 working days of receipt; the clock stops.
        rules.check_supplement_request(ctx.calendar, ctx.at, d.received_at, missing)
        # Art. 16(3), 17(2)(a), 19(5): one request listing everything; a further one only as a leader's override.
        if receipt.check_second_supplement(d.received_at, d.supplement_count, ctx.role,
                                           str(ctx.data.get("override_reason") or "")):
            ctx.event_data.update(override=True, override_reason=str(ctx.data["override_reason"]).strip())
        d.supplement_count += 1
        d.waiting_since = ctx.at
        # Art. 19(5): closed after 15 days (or the sector law's period) without the complete dossier.
        _settled, sector_days = _process_settings(d.procedure_id)
        d.supplement_closes_at = receipt.closes_at(ctx.at, receipt.closing_days(d.received_at, sector_days))
        # Decree 63/2024 Art. 7 as replaced by Decree 301/2026 Art. 5 (birth group submitted from 1/9/2026): a member
        # of the linked group stops at the end of the 7th working day after an unanswered request.
        group_stop = (rules.group_supplement_stop_deadline(ctx.calendar, d.group_code, d.submitted_at, ctx.at)
                      if d.group_parent_code else None)
        if group_stop is not None:
            d.supplement_closes_at = group_stop
            ctx.event_data["group_stop"] = True
        if d.supplement_closes_at:
            ctx.event_data["closes_at"] = d.supplement_closes_at
    else:
        _answer_receipt(ctx)
    d.missing_items = missing
    ctx.event_data["missing"] = missing


def _submit_supplement(ctx: Context) -> None:
    d = ctx.dossier
    if ctx.source == State.SUPPLEMENT_REQUESTED:
        wait = rules.waited(ctx.calendar, d.waiting_since, ctx.at)
        d.supplement_wait_seconds += int(wait.total_seconds())
        # Index clock: the wait is subtracted (the due time moves later by it) [practice].
        d.index_due_at = rules.extend(ctx.calendar, d.index_due_at, wait)
        # Decree 118/2025 Art. 19(5): the time limit restarts from zero when the complete dossier comes back.
        entered_span = None
        if d.time_limit_unit in ("", "unknown") and d.due_at and d.clock_started_at:
            # A return date the desk entered for a time limit without a unit: the same working time again.
            entered_span = ctx.calendar.working_time_between(d.clock_started_at, d.due_at)
        start_legal_clock(ctx, ctx.at)
        if entered_span is not None and d.due_at is None:
            d.due_at, d.deadline_flag = rules.add_working_time(ctx.calendar, ctx.at, entered_span), ""
            ctx.event_data["due_at"] = d.due_at
            ctx.event_data.pop("deadline_flag", None)
        d.supplement_closes_at = None
        d.steps = rules.replan_from(d.steps, d.current_step, ctx.at, ctx.calendar)
        d.step_started_at = rules.clock_start(ctx.calendar, ctx.at)
        d.waiting_since = None
        ctx.event_data["waited_seconds"] = int(wait.total_seconds())
    d.missing_items = []


def assignable(dossier: Dossier):
    """Who may be assigned the dossier's current step (Decree 118/2025 Art. 19(1)-(3): the head assigns a handler
    of the unit): active officers holding the step's role (specialist when the step names none) in the receiving
    agency, or in the step's unit when the process names one. Never a citizen, another agency's officer or the
    administrator as such (issue 12 point 9)."""
    step = dossier.steps[dossier.current_step] if dossier.current_step < len(dossier.steps or []) else {}
    role = step.get("role") if step.get("role") in (Role.SPECIALIST, Role.LEADER, Role.DESK_OFFICER) else None
    agencies = Q(memberships__agency_id=dossier.agency_id)
    if step.get("unit"):
        agencies |= Q(memberships__agency__code=step["unit"])
    return (get_user_model().objects.filter(is_active=True).filter(
        agencies, memberships__role=role or Role.SPECIALIST).distinct())


def _assign(ctx: Context) -> None:
    assignee = str(ctx.data.get("assignee") or "").strip()
    if ctx.role == Role.SYSTEM and not assignee:
        return  # an automatic decision (Decree 224/2026 Art. 16(4)): handled by the system, no officer in charge
    if not assignee:
        raise rules.RuleViolation("assignee_unknown", "Give the handler to assign (data.assignee: user name).")
    user = assignable(ctx.dossier).filter(username=assignee).first()
    if user is None:
        raise ActionDataInvalid({"data.assignee": [_(
            "Chỉ giao được cho cán bộ của cơ quan giải quyết giữ vai trò của bước này: %(name)s không phải.")
            % {"name": assignee}]})
    ctx.dossier.assigned_to = user
    # The event names the officer by user name: an officer reference, checked above to be the agency's staff.
    ctx.event_data["assignee"] = user.get_username()


def _check_step_holder(dossier: Dossier, actor, role: str) -> None:
    """Only the officer in charge closes a step (Decree 118/2025 Art. 19(1)-(3): the handler
    assigned by the head appraises and submits; the process-control slip names who handled each step):
    the dossier's assignee, or — before any assignment — an officer holding the step's role (in the step's unit
    when the process names one). A leader of the receiving agency's tree may close any step (check_actor has
    already checked that the actor holds the role there). Anyone else → :class:`ActorNotAllowed` (403)."""
    if role == Role.LEADER or dossier.current_step >= len(dossier.steps):
        return  # no step left: the effect refuses with its own rule
    d, step = dossier, dossier.steps[dossier.current_step]
    name = step.get("name") or step.get("key") or ""
    if step.get("role") and step["role"] != role:
        raise ActorNotAllowed(_("Bước “%(step)s” do %(role)s xử lý, không phải %(acting)s.") % {
            "step": name, "role": role_label(step["role"], in_sentence=True),
            "acting": role_label(role, in_sentence=True)})
    if d.assigned_to_id is not None:
        if actor.pk != d.assigned_to_id:
            raise ActorNotAllowed(_("Hồ sơ đã được giao cho cán bộ khác: chỉ người được giao xử lý hoặc lãnh đạo "
                                    "đơn vị mới được hoàn thành bước “%(step)s”.") % {"step": name})
        return
    unit = step.get("unit")
    if unit and not Membership.objects.filter(user=actor, role=role, agency__code=unit).exists():
        raise ActorNotAllowed(_("Bước “%(step)s” thuộc đơn vị %(unit)s: chỉ %(role)s của đơn vị đó hoặc lãnh đạo "
                                "mới được hoàn thành.") % {"step": name, "unit": unit,
                                                            "role": role_label(role, in_sentence=True)})


def _complete_step(ctx: Context) -> None:
    d = ctx.dossier
    if d.current_step >= len(d.steps):
        raise rules.RuleViolation("no_step_left", "Every step of the process is already complete.")
    ctx.step = d.steps[d.current_step]["key"]
    d.current_step += 1
    d.step_started_at = ctx.at


def _consult(ctx: Context) -> None:
    d = ctx.dossier
    unit = str(ctx.data.get("unit") or "").strip()
    if not unit:
        raise rules.RuleViolation("consultation_unit_missing", "Name the unit consulted (data.unit).")
    due = _parse_instant(ctx.data.get("due_at"), "due_at")
    if due is None:
        days = ctx.data.get("working_days")
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise rules.RuleViolation("consultation_deadline_missing",
                                      "A consultation carries its own deadline: data.due_at or data.working_days.")
        due = ctx.calendar.due(ctx.at, days, "working_days")
    if due <= ctx.at:
        raise rules.RuleViolation("consultation_deadline_past", "The consultation deadline must be in the future.")
    d.consultation_unit, d.consultation_due_at = unit, due
    ctx.event_data.update(unit=unit, due_at=due)


def _answer_consultation(ctx: Context) -> None:
    d = ctx.dossier
    ctx.event_data.update(unit=d.consultation_unit, late=bool(d.consultation_due_at and ctx.at > d.consultation_due_at))
    d.consultation_unit, d.consultation_due_at = "", None


def _approve(ctx: Context) -> None:
    d = ctx.dossier
    keys = [s["key"] for s in d.steps]
    if "approve" in keys:
        d.current_step = max(d.current_step, keys.index("approve") + 1)
        ctx.step = "approve"
    d.step_started_at = ctx.at
    d.finished_at = ctx.at


def _refuse(ctx: Context) -> None:
    _require_reason(ctx)
    _answer_receipt(ctx)
    ctx.dossier.finished_at = ctx.at


def _request_payment(ctx: Context) -> None:
    amount = ctx.data.get("amount_vnd")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise rules.RuleViolation("bad_amount", "data.amount_vnd must be a whole number of VND.")
    ctx.dossier.waiting_since = ctx.at


def _confirm_payment(ctx: Context) -> None:
    d = ctx.dossier
    # Waiting for the applicant's payment does not run the clock: both due times (and the steps' due times) move
    # later by the working time spent waiting.
    wait = rules.waited(ctx.calendar, d.waiting_since, ctx.at)
    d.payment_wait_seconds += int(wait.total_seconds())
    d.due_at = rules.extend(ctx.calendar, d.due_at, wait)
    d.index_due_at = rules.extend(ctx.calendar, d.index_due_at, wait)
    steps = []
    for index, step in enumerate(d.steps):
        step = dict(step)
        if index >= d.current_step and step.get("due_at"):
            step["due_at"] = rules.extend(ctx.calendar, datetime.fromisoformat(step["due_at"]), wait).isoformat()
        steps.append(step)
    d.steps = steps
    d.step_started_at = rules.extend(ctx.calendar, d.step_started_at, wait)
    d.waiting_since = None
    ctx.event_data.update(waited_seconds=int(wait.total_seconds()), due_at=d.due_at)


def _issue_result(ctx: Context) -> None:
    keys = [s["key"] for s in ctx.dossier.steps]
    if "return" in keys:
        ctx.dossier.current_step = max(ctx.dossier.current_step, keys.index("return"))
    ctx.dossier.step_started_at = ctx.at


def _return_result(ctx: Context) -> None:
    d = ctx.dossier
    d.returned_at = ctx.at
    d.current_step = len(d.steps)
    ctx.step = "return" if any(s["key"] == "return" for s in d.steps) else ""


def _withdraw(ctx: Context) -> None:
    # Decree 118/2025 Art. 21(1)-(2): the applicant asks to stop until the decision (the transition table allows it
    # only before approval or refusal).
    ctx.dossier.finished_at = ctx.at
    ctx.dossier.waiting_since = None
    ctx.dossier.supplement_closes_at = None


def _transfer_paper(ctx: Context) -> None:
    """Decree 118/2025 Art. 20(1)(a): the paper file reaches the competent authority within 1 working day of
    receipt; the desk records the hand-over (``late`` in the event when past the deadline)."""
    d = ctx.dossier
    if d.paper_transfer_due_at is None or d.paper_transferred_at is not None:
        raise rules.RuleViolation("no_paper_transfer_pending",
                                  "Hồ sơ không có hồ sơ giấy phải chuyển đến cơ quan có thẩm quyền khác.")
    d.paper_transferred_at = ctx.at
    ctx.event_data.update(competent_agency=d.competent_agency.code if d.competent_agency else "",
                          due_at=d.paper_transfer_due_at, late=ctx.at > d.paper_transfer_due_at)


def _record_competent_receipt(ctx: Context) -> None:
    """Decree 118/2025 Art. 17(3) as amended by Decree 309/2026 Art. 8(3) (dossiers received from 5/8/2026): the time
    limit of a dossier received regardless of administrative boundary runs from the competent authority's receipt.
    The competent authority records it (``data.competent_received_at``, default now) once, before appraisal moves
    on; the due time is recomputed from it (:func:`..receipt.limit_start`)."""
    d = ctx.dossier
    if d.competent_agency_id is None or d.received_at is None:
        raise rules.RuleViolation("no_competent_receipt_pending", "Hồ sơ không được tiếp nhận không phụ thuộc địa "
                                  "giới hành chính cho cơ quan có thẩm quyền khác.")
    if not lawsets.rules_for(d.received_at).limit_starts_at_competent_receipt:
        raise rules.RuleViolation("competent_receipt_not_applicable", "Hồ sơ tiếp nhận trước ngày 05/8/2026: thời hạn "
                                  "giải quyết tính từ khi Bộ phận Một cửa tiếp nhận (khoản 3 Điều 17 Nghị định "
                                  "118/2025/NĐ-CP trước khi được sửa đổi bởi Nghị định 309/2026/NĐ-CP).")
    if d.events.filter(action=Action.RECORD_COMPETENT_RECEIPT).exists():
        raise rules.RuleViolation("competent_receipt_already_recorded",
                                  "Thời điểm cơ quan có thẩm quyền tiếp nhận hồ sơ đã được ghi nhận.")
    at = _parse_instant(ctx.data.get("competent_received_at"), "competent_received_at") or ctx.at
    if at < d.received_at or at > ctx.at:
        raise rules.RuleViolation("competent_receipt_out_of_range", "Thời điểm cơ quan có thẩm quyền tiếp nhận phải "
                                  "sau khi Bộ phận Một cửa tiếp nhận và không muộn hơn thời điểm ghi nhận.")
    start = receipt.limit_start(d.received_at, at, across_boundary=True)
    start_legal_clock(ctx, start)
    d.index_due_at = d.due_at
    ctx.event_data.update(competent_agency=d.competent_agency.code, competent_received_at=at)


def _amend(ctx: Context) -> None:
    """Decree 118/2025 Art. 21(2): an online applicant amends the dossier's content until the decision. The new
    content replaces the old; the event keeps both (versioned by ``amendment``), so the officer sees every change."""
    d = ctx.dossier
    if d.channel != ChannelKind.ONLINE:
        raise rules.RuleViolation("amend_online_only", "Chỉ hồ sơ nộp trực tuyến được điều chỉnh nội dung qua "
                                  "Cổng (khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP); hồ sơ nộp trực tiếp, qua bưu "
                                  "chính chỉ được yêu cầu dừng.")
    new = ctx.data.get("form_data")
    if not isinstance(new, dict) or not new:
        raise rules.RuleViolation("amend_form_data_missing", "Gửi nội dung hồ sơ đã điều chỉnh (data.form_data).")
    previous = dict(d.form_data or {})
    changed = sorted(k for k in set(previous) | set(new) if previous.get(k) != new.get(k))
    if not changed:
        raise rules.RuleViolation("amend_nothing_changed", "Nội dung điều chỉnh không khác nội dung hiện tại.")
    d.form_data = new
    d.amendment_count += 1
    ctx.event_data.update(amendment=d.amendment_count, previous=previous, form_data=new, changed=changed)


def _stop(ctx: Context) -> None:
    _require_reason(ctx)
    d = ctx.dossier
    if (ctx.role == Role.SYSTEM and ctx.source == State.SUPPLEMENT_REQUESTED and d.supplement_closes_at
            and ctx.at >= d.supplement_closes_at):
        # Decree 118/2025 Art. 19(5): closed after the unanswered notice (close_unanswered); said in the notice.
        ctx.event_data.update(closed_unanswered_notice=True, notice_at=d.waiting_since)
    d.supplement_closes_at = None
    ctx.dossier.finished_at = ctx.at
    ctx.dossier.waiting_since = None


def _apologise(ctx: Context) -> None:
    d = ctx.dossier
    _require_reason(ctx)
    new_due = _parse_instant(ctx.data.get("new_due_at"), "new_due_at")
    rules.check_apology(ctx.calendar, ctx.at, d.due_at, new_due, d.apology_count)
    d.due_at_before_apology, d.due_at = d.due_at, new_due
    d.apology_count += 1
    ctx.event_data.update(previous_due_at=d.due_at_before_apology, new_due_at=new_due)


EFFECTS: dict[str, Callable[[Context], None]] = {
    Action.RECEIVE: receive,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUBMIT_SUPPLEMENT: _submit_supplement,
    Action.REFUSE: _refuse,
    Action.ASSIGN: _assign,
    Action.COMPLETE_STEP: _complete_step,
    Action.CONSULT: _consult,
    Action.ANSWER_CONSULTATION: _answer_consultation,
    Action.APPROVE: _approve,
    Action.REQUEST_PAYMENT: _request_payment,
    Action.CONFIRM_PAYMENT: _confirm_payment,
    Action.ISSUE_RESULT: _issue_result,
    Action.RETURN_RESULT: _return_result,
    Action.WITHDRAW: _withdraw,
    Action.STOP: _stop,
    Action.APOLOGISE: _apologise,
    Action.AMEND: _amend,
    Action.TRANSFER_PAPER: _transfer_paper,
    Action.RECORD_COMPETENT_RECEIPT: _record_competent_receipt,
}


def act(dossier_code: str, action: str, *, actor, role: str, expected_version: int, at: datetime | None = None,
        reason: str = "", data: dict | None = None, calendar: WorkingCalendar | None = None) -> Dossier:
    """Take ``action`` on a dossier in one transaction and append exactly one event.

    Raises :class:`DossierNotFound`, :class:`VersionConflict` (``expected_version`` is not the current version),
    :class:`TransitionNotAllowed` (with the allowed actions), :class:`ActorNotAllowed`, or
    :class:`~motcua.dossiers.rules.RuleViolation`; nothing is written then. ``calendar`` defaults to the receiving
    agency's (``WorkingCalendar.from_db``).
    """
    at = at_or_now(at)
    data = action_data.check(str(action), data)  # declared keys and types only (issue 12 point 5): 400, not stored
    with transaction.atomic():
        dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("agency", "procedure")
                   .filter(code=dossier_code).first())
        if dossier is None:
            raise DossierNotFound(dossier_code)
        if expected_version != dossier.version:
            raise VersionConflict(dossier, expected_version)
        source = dossier.state
        target = next_state(source, action, role)
        check_actor(dossier, actor, role, str(action))
        if action == Action.COMPLETE_STEP:
            _check_step_holder(dossier, actor, role)
        ctx = Context(dossier=dossier, action=str(action), source=source, target=target, actor=actor, role=str(role),
                      at=at, reason=reason or "", data=data,
                      calendar=calendar or WorkingCalendar.from_db(dossier.agency))
        EFFECTS[Action(action)](ctx)
        dossier.set_state(target)
        dossier.version += 1
        dossier.save()
        event_data = {**{k: v for k, v in data.items() if k not in ctx.event_data}, **ctx.event_data}
        event = append_event(dossier, actor=actor, role=role, at=at, action=str(action), from_state=source,
                             to_state=target, step=ctx.step, reason=reason or "", data=event_data)
        notify_for_event(event)
    return dossier
