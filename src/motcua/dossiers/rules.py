"""Pure deadline rules of one-stop handling (domain.md §3), on top of the working calendar (domain.md §2).

motcua keeps two clocks per dossier:

- the **legal clock** (``due_at``): starts at receipt from the channel's time limit; stops while the applicant is
  asked for a supplement during appraisal and *restarts from zero* when the complete dossier comes back
  (Decree 118/2025 Art. 19(5)); may be moved once by an apology (Art. 19(6));
- the **index clock** (``index_due_at``) used by the service index (Decision 766/QĐ-TTg indicator 2.1, DVCQG
  [practice]): starts with the legal due time; the working time spent waiting for the applicant's supplement is added
  instead of restarting, and more than one supplement request makes the dossier late whatever the times.

Rules that the law changed carry their dates (:mod:`.lawsets`): a dossier follows the rule set in force on the day
it was received (Decree 118/2025 from 1/7/2025; as amended by Decree 309/2026 from 5/8/2026; the linked group's
Decree 63/2024 Art. 7 as replaced by Decree 301/2026 from 1/9/2026), through :func:`legal_due`,
:func:`supplement_notice_deadline`, :func:`apology_deadline`, :func:`limit_start` and
:func:`group_supplement_stop_deadline`.

Waiting for the applicant's payment runs neither clock: when the payment is confirmed, both due times move later by
the working time spent waiting (and the wait is totalled on the dossier).

No ORM here: every function takes the calendar and the values it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from motcua.core.calendar import TZ, Unit, WorkingCalendar
from motcua.dossiers import lawsets

ZERO = timedelta(0)

# Decree 118/2025 Art. 19(5) (domain.md §3 "Supplement during appraisal"): the supplement notice goes out within
# 3 working days of receipt. The values by date are in lawsets (these are the ones in force, for messages).
SUPPLEMENT_NOTICE_WORKING_DAYS = lawsets.RULE_SETS[-1].supplement_notice_working_days
# domain.md §3 "Overdue" (Decree 118/2025 Art. 19(6)): the apology goes out at least 1 working day
# before the deadline, and the date may be moved only once.
APOLOGY_LEAD_WORKING_DAYS = lawsets.RULE_SETS[-1].apology_lead_working_days
MAX_APOLOGIES = lawsets.RULE_SETS[-1].max_apologies
# More than one supplement request ⇒ late for the service index (DVCQG indicator 2.1 [practice]).
MAX_SUPPLEMENTS_ON_TIME = 1


class RuleViolation(Exception):
    """A legal rule forbids the action now. ``rule`` is a stable key a client can act on."""

    def __init__(self, rule: str, message: str, **details) -> None:
        self.rule, self.details = rule, details
        super().__init__(message)


# Time arithmetic ----------------------------------------------------------------------------------------------------


def add_working_time(calendar: WorkingCalendar, start: datetime, amount: timedelta) -> datetime:
    """The instant at which ``amount`` of office time on working days has elapsed from ``start``.

    Counting begins when office hours next resume at or after ``start``; a zero amount returns ``start`` itself.
    """
    if amount <= ZERO:
        return start
    local = start.astimezone(TZ)
    remaining = amount
    day = local.date()
    while True:
        if calendar.is_working_day(day):
            for opens, closes in calendar.hours.periods:
                period_start = datetime.combine(day, opens, tzinfo=TZ)
                period_end = datetime.combine(day, closes, tzinfo=TZ)
                if period_end <= local:
                    continue
                begin = max(period_start, local)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)


def previous_working_day(calendar: WorkingCalendar, d: date) -> date:
    """The last working day strictly before ``d``."""
    d -= timedelta(days=1)
    while not calendar.is_working_day(d):
        d -= timedelta(days=1)
    return d


def clock_start(calendar: WorkingCalendar, start: datetime, *, cutoff_moves_start: bool = True) -> datetime:
    """When counting really starts for an event at ``start``: ``start`` itself if it counts on its own day, else the
    opening of the effective receipt day (the 15:00 rule, domain.md §2 rule 1). Without ``cutoff_moves_start``,
    ``start`` itself (Decree 118/2025 Art. 17(3))."""
    local = start.astimezone(TZ)
    if not cutoff_moves_start:
        return local
    receipt_day = calendar.effective_receipt_day(local)
    if local.date() == receipt_day:
        return local
    return datetime.combine(receipt_day, calendar.hours.opening, tzinfo=TZ)


@dataclass(frozen=True)
class LegalDue:
    """The legal due time, or why there is none (``flag``)."""

    due_at: datetime | None
    flag: str = ""


def legal_due(calendar: WorkingCalendar, start: datetime, amount: Decimal | int | None, unit: str | None, *,
              received_at: datetime | None = None, cutoff_setting: bool | None = None) -> LegalDue:
    """The due time of a procedure time limit that starts at ``start`` (receipt, or a complete resubmission).

    The rule of the start follows the law of the dossier's receipt (``received_at``, default ``start``) and the time
    limit's own setting (``cutoff_setting``, ``catalog.Channel.cutoff_moves_start``; ``lawsets.cutoff_moves_start``):
    Decree 118/2025 Art. 17(3), 18(2) — from 1/7/2025 the limit runs from receipt, the day of receipt not counted,
    whatever the hour, except where the limit's law moves a receipt after 15:00 to the next working day (same-day
    limits by default). Received before 1/7/2025: after 15:00 from the next working day (history, Decree 61/2018
    practice).

    Without a unit or an amount, or with the catalog's ``unknown`` unit, there is no due time and the dossier is
    flagged ``no_time_limit``; a fractional amount (e.g. 0.5 days) is flagged ``fractional_time_limit`` rather than
    guessed. Same-day limits ignore the amount (domain.md §2 rule 3).
    """
    if not unit or unit == "unknown":
        return LegalDue(None, "no_time_limit")
    moves = lawsets.cutoff_moves_start(received_at or start, unit, cutoff_setting)
    if unit == Unit.SAME_DAY:
        return LegalDue(calendar.due(start, 0, Unit.SAME_DAY, cutoff_moves_start=moves))
    if amount is None:
        return LegalDue(None, "no_time_limit")
    value = Decimal(amount)
    if value != value.to_integral_value() or value < 0:
        return LegalDue(None, "fractional_time_limit")
    return LegalDue(calendar.due(start, int(value), Unit(unit), cutoff_moves_start=moves))


def limit_start(received_at: datetime, competent_received_at: datetime | None, *,
                regardless_of_boundary: bool) -> datetime | None:
    """The instant the time limit of a dossier starts (Decree 118/2025 Art. 17(3)).

    Normally the receipt of the complete dossier (``received_at``). A dossier received regardless of administrative
    boundary (Art. 14, 20) and received on or after 5/8/2026 counts from the competent authority's receipt
    (Art. 17(3) as amended by Decree 309/2026 Art. 8(3)): ``competent_received_at``, or ``None`` while the
    competent authority has not received it (the clock has not started). Received earlier: from the desk's receipt.
    """
    if regardless_of_boundary and lawsets.rules_for(received_at).limit_starts_at_competent_receipt:
        return competent_received_at
    return received_at


def waited(calendar: WorkingCalendar, since: datetime | None, until: datetime) -> timedelta:
    """Working time between the start of a wait and its end (zero when there was no wait)."""
    if since is None:
        return ZERO
    return calendar.working_time_between(since, until)


def extend(calendar: WorkingCalendar, due_at: datetime | None, by: timedelta) -> datetime | None:
    """``due_at`` moved later by ``by`` of working time (a wait that does not run the clock)."""
    if due_at is None or by <= ZERO:
        return due_at
    return add_working_time(calendar, due_at, by)


# Supplement --------------------------------------------------------------------------------------------------------


def supplement_notice_deadline(calendar: WorkingCalendar, received_at: datetime) -> datetime:
    """The latest instant for a supplement notice during appraisal: the end of the 3rd working day after the day of
    receipt (Decree 118/2025 Art. 19(5): "không quá 03 ngày làm việc kể từ ngày tiếp nhận hồ sơ"; receipt day not
    counted, Civil Code Art. 147; no 15:00 shift). Received before 1/7/2025 (history): counted after the effective
    receipt day (after 15:00, the next working day)."""
    rules = lawsets.rules_for(received_at)
    day = calendar.counting_day(received_at, rules.cutoff_moves_limit_start)
    return calendar.end_of_day(calendar.add_working_days(day, rules.supplement_notice_working_days))


def group_supplement_stop_deadline(calendar: WorkingCalendar, group_code: str, submitted_at: datetime,
                                   requested_at: datetime) -> datetime | None:
    """When processing of a linked-group dossier stops if the supplement requested at ``requested_at`` is not given:
    the end of the 7th working day after the request (Decree 63/2024 Art. 7 as replaced by Decree 301/2026 Art. 5,
    for the birth group submitted from 1/9/2026). ``None`` when no such rule applies (then Decree 118/2025
    Art. 19(5)'s closing applies)."""
    if group_code != lawsets.BIRTH_GROUP:
        return None
    days = lawsets.linked_group_rules_for(submitted_at).supplement_completion_working_days
    if days is None:
        return None
    return calendar.end_of_day(calendar.add_working_days(calendar.counting_day(requested_at, False), days))


def check_supplement_request(calendar: WorkingCalendar, at: datetime, received_at: datetime,
                             missing: Sequence[str]) -> None:
    """A supplement request during appraisal must list what is missing, all at once (một lần đầy đủ), and go out
    within 3 working days of receipt."""
    if not missing or not all(isinstance(item, str) and item.strip() for item in missing):
        raise RuleViolation("supplement_missing_items",
                            "List every missing document at once (data.missing: a non-empty list of texts).")
    deadline = supplement_notice_deadline(calendar, received_at)
    if at > deadline:
        raise RuleViolation(
            "supplement_notice_late",
            f"A supplement may only be requested within {SUPPLEMENT_NOTICE_WORKING_DAYS} working days of receipt "
            f"(until {deadline.isoformat()}); Decree 118/2025 Art. 19(5).",
            deadline=deadline,
        )


# Apology -----------------------------------------------------------------------------------------------------------


def apology_deadline(calendar: WorkingCalendar, due_at: datetime, received_at: datetime | None = None) -> datetime:
    """The latest instant for an apology: the same wall-clock time on the working day before the due date
    (at least 1 working day before the deadline, Decree 118/2025 Art. 19(6); domain.md §3 "Overdue"). For a due time
    at the end of office hours that is the end of the previous working day. The lead is the rule set's of the
    dossier's receipt (``received_at``; default the due time's date)."""
    local = due_at.astimezone(TZ)
    day = local.date()
    for _ in range(lawsets.rules_for(received_at or due_at).apology_lead_working_days):
        day = previous_working_day(calendar, day)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=TZ)


def check_apology(calendar: WorkingCalendar, at: datetime, due_at: datetime | None, new_due_at: datetime | None,
                  apology_count: int, received_at: datetime | None = None) -> None:
    """An apology (extension form) is accepted only once per dossier, only until 1 working day before the due time, and
    must set a later due time (Decree 118/2025 Art. 19(6): the date may be moved only once; domain.md §3 "Overdue").
    The limits are the rule set's of the dossier's receipt (``received_at``; default the time of the apology)."""
    if apology_count >= lawsets.rules_for(received_at or at).max_apologies:
        raise RuleViolation("apology_already_given", "The due date of a dossier may be moved only once.")
    if due_at is None:
        raise RuleViolation("apology_without_due_time", "The dossier has no due time to move.")
    if new_due_at is None:
        raise RuleViolation("apology_new_due_missing", "Give the new due time (data.new_due_at).")
    if new_due_at <= due_at:
        raise RuleViolation("apology_new_due_not_later", "The new due time must be later than the current one.")
    deadline = apology_deadline(calendar, due_at, received_at)
    if at > deadline:
        raise RuleViolation(
            "apology_too_late",
            f"The apology must be sent at least {APOLOGY_LEAD_WORKING_DAYS} working day before the due time "
            f"(until {deadline.isoformat()}).",
            deadline=deadline,
        )


# Deadlines -----------------------------------------------------------------------------------------------------------


def is_overdue(now: datetime, due_at: datetime | None) -> bool:
    """Past the due time (a dossier without a due time is never overdue; it is flagged instead)."""
    return due_at is not None and now > due_at


def remaining_working_time(now: datetime, due_at: datetime, calendar: WorkingCalendar) -> timedelta:
    return calendar.working_time_between(now, due_at)


def is_at_risk(now: datetime, due_at: datetime | None, remaining_step_budgets: Iterable[timedelta],
               calendar: WorkingCalendar) -> bool:
    """At risk: not yet overdue, but the working time left is less than the remaining steps' budgets (issue 3 §4)."""
    if due_at is None or is_overdue(now, due_at):
        return False
    needed = sum(remaining_step_budgets, ZERO)
    return remaining_working_time(now, due_at, calendar) < needed


def index_on_time(finished_at: datetime | None, index_due_at: datetime | None, supplement_count: int,
                  *, now: datetime | None = None) -> bool | None:
    """Service-index verdict (indicator 2.1 [practice]): on time when finished (or, unfinished, still) within the
    index due time, with at most one supplement request. ``None`` when there is no due time to compare with."""
    if supplement_count > MAX_SUPPLEMENTS_ON_TIME:
        return False
    if index_due_at is None:
        return None
    moment = finished_at if finished_at is not None else now
    if moment is None:
        raise ValueError("Give finished_at or now.")
    return moment <= index_due_at


# Internal process steps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepSpec:
    """A step of an internal process (quy trình nội bộ): who does it and its budget of working time."""

    key: str
    name: str
    role: str
    budget: timedelta | None = None  # absolute budget; None → ``share`` of the dossier's legal working time
    share: Decimal = Decimal(0)
    unit: str = ""  # the responsible unit (agency code), when not the receiving agency


# The default process when a procedure has no definition: receive → appraise → approve → return. The budgets split the
# dossier's legal working time; receipt happens before the clock starts.
DEFAULT_STEPS: tuple[StepSpec, ...] = (
    StepSpec("receive", "Tiếp nhận hồ sơ", "desk_officer", share=Decimal(0)),
    StepSpec("appraise", "Thẩm định, xử lý hồ sơ", "specialist", share=Decimal("0.6")),
    StepSpec("approve", "Phê duyệt kết quả", "leader", share=Decimal("0.25")),
    StepSpec("return", "Trả kết quả", "desk_officer", share=Decimal("0.15")),
)


STEP_NAMES: dict[str, str] = {s.key: s.name for s in DEFAULT_STEPS}


def step_name(key: str) -> str:
    """A step's name for people (issue 14 point 5: "appraise" and "return" were shown as they are stored); a step of
    an agency's own process keeps its key when it is not one of the default steps."""
    return STEP_NAMES.get(key, key)


def plan_steps(specs: Sequence[StepSpec], start: datetime, due_at: datetime | None,
               calendar: WorkingCalendar) -> list[dict]:
    """Each step with its budget and its own due time, counted through office hours from ``start``.

    Share-based budgets split the working time between ``start`` and ``due_at`` (none when there is no due time).
    Returned as JSON-ready dicts (budget in seconds, due time ISO 8601), the dossier's snapshot of its process.
    """
    begin = clock_start(calendar, start)
    total = calendar.working_time_between(begin, due_at) if due_at is not None else None
    plan: list[dict] = []
    moment = begin
    for spec in specs:
        if spec.budget is not None:
            budget = spec.budget
        elif total is not None:
            budget = timedelta(seconds=int(total.total_seconds() * float(spec.share)))
        else:
            budget = None
        step_due = add_working_time(calendar, moment, budget) if budget is not None else None
        if step_due is not None:
            moment = step_due
        plan.append({
            "key": spec.key, "name": spec.name, "role": spec.role, "unit": spec.unit,
            "budget_seconds": int(budget.total_seconds()) if budget is not None else None,
            "due_at": step_due.isoformat() if step_due is not None else None,
        })
    return plan


def replan_from(plan: list[dict], index: int, start: datetime, calendar: WorkingCalendar) -> list[dict]:
    """The steps from ``index`` on get new due times counted from ``start`` with their budgets (after a restart or a
    wait); earlier steps keep theirs."""
    moment = clock_start(calendar, start)
    out = [dict(step) for step in plan]
    for step in out[index:]:
        if step.get("budget_seconds") is None:
            continue
        moment = add_working_time(calendar, moment, timedelta(seconds=step["budget_seconds"]))
        step["due_at"] = moment.isoformat()
    return out


def remaining_budgets(plan: Sequence[dict], current_step: int, spent: timedelta = ZERO) -> list[timedelta]:
    """What the current step still has of its budget (after ``spent`` working time on it) and the later steps'
    budgets. On schedule their sum equals the working time left; when the current step overruns, it is larger."""
    budgets = []
    for index, step in enumerate(plan[current_step:]):
        budget = timedelta(seconds=step.get("budget_seconds") or 0)
        if index == 0:
            budget = max(ZERO, budget - spent)
        budgets.append(budget)
    return budgets
