"""Pure rules of the Working Group's follow-up (issue 5 points 5 and 6): no ORM, table-driven tests.

- Obstacle and task states and the actions between them, as data (who may act, what each action needs).
- Deadlines at day, month, quarter or year precision ("trình ký ban hành trong tháng 10/2023", Announcement
  437/TB-VPCP point 5), with the date they expire and their Vietnamese label.
- Reporting periods (``2026-11``).

Sources: Announcement 437/TB-VPCP (16/10/2023): Advisory Council members report obstacles "định kỳ hằng tháng hoặc
đột xuất" to the standing agency (the Government Office), which consolidates them for the Working Group's leader;
domain.md §5: no official format exists [open], so an obstacle names the procedure or regulation, the difficulty,
its effect and the proposal, and is followed up until resolved.
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from motcua.core.workflow import Lifecycle, transition_row


class RuleError(ValueError):
    """Input that breaks a rule; the message says what to do (shown to users, Vietnamese)."""


# Who acts ---------------------------------------------------------------------------------------------------------


class Actor(StrEnum):
    MEMBER = "council_member"        # member of the Advisory Council (Hội đồng tư vấn cải cách TTHC)
    STANDING = "standing_officer"    # officer of the standing agency (Government Office, VPCP)
    LEADER = "group_leader"          # the Working Group's leader (Tổ trưởng Tổ công tác): reads, does not act
    AGENCY = "agency"                # an officer of the ministry or province the item is assigned to


# Obstacles --------------------------------------------------------------------------------------------------------


class ObstacleState(StrEnum):
    SUBMITTED = "submitted"      # received by the standing agency, not triaged yet
    ASSIGNED = "assigned"        # assigned to a ministry or province with a deadline
    IN_PROGRESS = "in_progress"  # the agency reported progress
    ANSWERED = "answered"        # the agency reported it resolved; the standing agency checks
    RESOLVED = "resolved"        # the standing agency confirmed the resolution (final)
    REJECTED = "rejected"        # not an obstacle / duplicate / out of scope, with the reason (final, never deleted)


OPEN_OBSTACLE_STATES = frozenset({ObstacleState.SUBMITTED, ObstacleState.ASSIGNED, ObstacleState.IN_PROGRESS,
                                  ObstacleState.ANSWERED})
# The deadline runs while the agency has not answered: an answer stops the clock (like a dossier's result).
RUNNING_OBSTACLE_STATES = frozenset({ObstacleState.ASSIGNED, ObstacleState.IN_PROGRESS})
FINAL_OBSTACLE_STATES = frozenset({ObstacleState.RESOLVED, ObstacleState.REJECTED})


@dataclass(frozen=True)
class Action:
    """One allowed move: from ``source`` by ``name`` to ``target``, by ``actors``; ``needs`` are required inputs."""

    source: str
    name: str
    target: str
    actors: frozenset[Actor]
    needs: tuple[str, ...] = ()


_S, _A = ObstacleState, Actor
OBSTACLE_ACTIONS: tuple[Action, ...] = (
    Action(_S.SUBMITTED, "assign", _S.ASSIGNED, frozenset({_A.STANDING}), ("agency", "due")),
    Action(_S.SUBMITTED, "reject", _S.REJECTED, frozenset({_A.STANDING}), ("note",)),
    Action(_S.ASSIGNED, "reassign", _S.ASSIGNED, frozenset({_A.STANDING}), ("agency", "due", "note")),
    Action(_S.IN_PROGRESS, "reassign", _S.ASSIGNED, frozenset({_A.STANDING}), ("agency", "due", "note")),
    Action(_S.ASSIGNED, "extend", _S.ASSIGNED, frozenset({_A.STANDING}), ("due", "note")),
    Action(_S.IN_PROGRESS, "extend", _S.IN_PROGRESS, frozenset({_A.STANDING}), ("due", "note")),
    Action(_S.ASSIGNED, "report_progress", _S.IN_PROGRESS, frozenset({_A.AGENCY}), ("note",)),
    Action(_S.IN_PROGRESS, "report_progress", _S.IN_PROGRESS, frozenset({_A.AGENCY}), ("note",)),
    Action(_S.ASSIGNED, "answer", _S.ANSWERED, frozenset({_A.AGENCY}), ("note",)),
    Action(_S.IN_PROGRESS, "answer", _S.ANSWERED, frozenset({_A.AGENCY}), ("note",)),
    Action(_S.ANSWERED, "confirm", _S.RESOLVED, frozenset({_A.STANDING}), ()),
    Action(_S.ANSWERED, "reopen", _S.IN_PROGRESS, frozenset({_A.STANDING}), ("note",)),
)


# Tasks (one assignment of a directive's task to one agency) ----------------------------------------------------------


class TaskState(StrEnum):
    ASSIGNED = "assigned"        # not started
    IN_PROGRESS = "in_progress"  # the agency reported progress
    DONE = "done"                # the agency reported it done
    CANCELLED = "cancelled"      # withdrawn by the standing agency, with the reason (never deleted)


OPEN_TASK_STATES = frozenset({TaskState.ASSIGNED, TaskState.IN_PROGRESS})

_T = TaskState
TASK_ACTIONS: tuple[Action, ...] = (
    Action(_T.ASSIGNED, "report_progress", _T.IN_PROGRESS, frozenset({_A.AGENCY}), ("note",)),
    Action(_T.IN_PROGRESS, "report_progress", _T.IN_PROGRESS, frozenset({_A.AGENCY}), ("note",)),
    Action(_T.ASSIGNED, "complete", _T.DONE, frozenset({_A.AGENCY}), ("note",)),
    Action(_T.IN_PROGRESS, "complete", _T.DONE, frozenset({_A.AGENCY}), ("note",)),
    Action(_T.DONE, "reopen", _T.IN_PROGRESS, frozenset({_A.STANDING}), ("note",)),
    Action(_T.ASSIGNED, "cancel", _T.CANCELLED, frozenset({_A.STANDING}), ("note",)),
    Action(_T.IN_PROGRESS, "cancel", _T.CANCELLED, frozenset({_A.STANDING}), ("note",)),
    Action(_T.ASSIGNED, "extend", _T.ASSIGNED, frozenset({_A.STANDING}), ("deadline", "note")),
    Action(_T.IN_PROGRESS, "extend", _T.IN_PROGRESS, frozenset({_A.STANDING}), ("deadline", "note")),
)


def _lifecycle(table: tuple[Action, ...], states: type[StrEnum], name: str) -> Lifecycle:
    """The table as rows of the one transition engine (core.workflow): it refuses a second move for one (state,
    action) when built and answers what is allowed; the table keeps what only steering needs (``needs``)."""
    actions = StrEnum(name, {a.name: a.name for a in table})
    rows = tuple(transition_row(actions(a.name), {states(a.source)}, states(a.target), a.actors) for a in table)
    return Lifecycle(rows, states=states, actions=actions)


_ENGINES: dict[int, tuple[Lifecycle, dict[tuple[str, str], Action]]] = {
    id(table): (_lifecycle(table, states, name), {(str(a.source), a.name): a for a in table})
    for table, states, name in ((OBSTACLE_ACTIONS, ObstacleState, "ObstacleAction"),
                                (TASK_ACTIONS, TaskState, "TaskAction"))
}


def find_action(table: tuple[Action, ...], state: str, name: str) -> Action | None:
    """The action ``name`` from ``state`` in ``table``, or ``None`` when the table has no such move."""
    engine, rows = _ENGINES[id(table)]
    found = engine.find(state, name)
    return None if found is None else rows[(str(state), str(name))]


def allowed_actions(table: tuple[Action, ...], state: str, actors: set[Actor] | frozenset[Actor]) -> list[str]:
    """The names of the actions any of ``actors`` may take from ``state``, in table order."""
    engine, _rows = _ENGINES[id(table)]
    return engine.allowed_for_any(state, actors)


# Deadlines --------------------------------------------------------------------------------------------------------


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    NONE = "none"  # "thường xuyên" (continuous): never overdue


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v: k for k, v in _ROMAN.items()}


@dataclass(frozen=True)
class Deadline:
    """A deadline as the text gives it. ``last_day`` is the last calendar day the work is on time.

    A month-precision deadline ("trong tháng 10/2023") is met by the end of that month, so the work is overdue from
    the 1st of the next month; likewise for a quarter or a year. A day deadline expires at the end of that day.
    """

    precision: Precision
    last_day: date | None

    @property
    def label(self) -> str:
        """The deadline in Vietnamese as the announcements write it."""
        d = self.last_day
        if self.precision == Precision.NONE or d is None:
            return "Thường xuyên"
        if self.precision == Precision.DAY:
            return d.strftime("%d/%m/%Y")
        if self.precision == Precision.MONTH:
            return f"Tháng {d.month:02d}/{d.year}"
        if self.precision == Precision.QUARTER:
            return f"Quý {_ROMAN[(d.month - 1) // 3 + 1]}/{d.year}"
        return f"Năm {d.year}"

    @property
    def code(self) -> str:
        """The deadline in the compact form :func:`parse_deadline` reads back (``2023-10``, ``2023-Q4``, …)."""
        d = self.last_day
        if self.precision == Precision.NONE or d is None:
            return ""
        return {Precision.DAY: d.isoformat(), Precision.MONTH: f"{d.year}-{d.month:02d}",
                Precision.QUARTER: f"{d.year}-Q{(d.month - 1) // 3 + 1}", Precision.YEAR: str(d.year)}[self.precision]

    def is_overdue(self, as_of: date) -> bool:
        """Whether work still open on ``as_of`` is past this deadline."""
        return self.last_day is not None and as_of > self.last_day


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def _checked_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise RuleError(f"Năm {year} không hợp lệ (2000–2100).")
    return year


def _month(year: int, month: int) -> Deadline:
    if not 1 <= month <= 12:
        raise RuleError(f"Tháng {month} không hợp lệ (1–12).")
    return Deadline(Precision.MONTH, month_end(_checked_year(year), month))


def _quarter(year: int, quarter: int) -> Deadline:
    if not 1 <= quarter <= 4:
        raise RuleError(f"Quý {quarter} không hợp lệ (I–IV).")
    return Deadline(Precision.QUARTER, month_end(_checked_year(year), quarter * 3))


def _day(year: int, month: int, day: int) -> Deadline:
    try:
        return Deadline(Precision.DAY, date(_checked_year(year), month, day))
    except ValueError:
        raise RuleError(f"Ngày {day:02d}/{month:02d}/{year} không tồn tại.") from None


_PATTERNS: tuple[tuple[re.Pattern[str], object], ...] = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), lambda m: _day(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"^(?:ngày\s*)?(\d{1,2})/(\d{1,2})/(\d{4})$"), lambda m: _day(int(m[3]), int(m[2]), int(m[1]))),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda m: _month(int(m[1]), int(m[2]))),
    (re.compile(r"^(?:(?:trong\s+)?tháng\s*)?(\d{1,2})/(\d{4})$"), lambda m: _month(int(m[2]), int(m[1]))),
    (re.compile(r"^(\d{4})-q([1-4])$"), lambda m: _quarter(int(m[1]), int(m[2]))),
    (re.compile(r"^(?:trong\s+)?quý\s*(i{1,3}|iv|[1-4])\s*/\s*(?:năm\s*)?(\d{4})$"),
     lambda m: _quarter(int(m[2]), int(m[1]) if m[1].isdigit() else _FROM_ROMAN[m[1].upper()])),
    (re.compile(r"^(?:(?:trong\s+)?năm\s*)?(\d{4})$"), lambda m: Deadline(Precision.YEAR,
                                                                         date(_checked_year(int(m[1])), 12, 31))),
    (re.compile(r"^(?:thường xuyên|none)?$"), lambda m: Deadline(Precision.NONE, None)),
)


def parse_deadline(text: str) -> Deadline:
    """Read a deadline: ``2023-10-31`` / ``31/10/2023`` (day), ``2023-10`` / ``10/2023`` / ``tháng 10/2023``
    (month), ``2023-Q4`` / ``quý IV/2023`` (quarter), ``2023`` / ``năm 2023`` (year), ``""`` / ``thường xuyên``
    (continuous, no deadline). Raises :class:`RuleError` naming the accepted forms."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip().lower())
    for pattern, build in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return build(match)  # type: ignore[operator]
    raise RuleError(f"Không đọc được thời hạn {text!r}: dùng 31/10/2023, 10/2023, quý IV/2023, 2023 hoặc "
                    "'thường xuyên'.")


def deadline_from_stored(precision: str, last_day: date | None) -> Deadline:
    """The deadline a row stores as (precision, last day)."""
    return Deadline(Precision(precision or Precision.NONE), last_day)


# Reporting periods ------------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month (``2026-11``)."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return month_end(self.year, self.month)

    @property
    def label(self) -> str:
        return f"Tháng {self.month:02d}/{self.year}"

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)


def parse_period(text: str) -> Period:
    """``2026-11`` → ``Period(2026, 11)``; anything else raises :class:`RuleError`."""
    match = _PERIOD.match((text or "").strip())
    if not match:
        raise RuleError(f"Kỳ báo cáo {text!r} không hợp lệ: dùng dạng YYYY-MM, ví dụ 2026-11.")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise RuleError(f"Tháng {month} không hợp lệ (01–12).")
    _checked_year(year)
    return Period(year, month)


def check_report_period(period: Period, kind: str, today: date) -> None:
    """A monthly report covers a month that has begun (a late report for an earlier month is accepted); an ad hoc
    report is dated the month it is sent."""
    if period > Period.of(today):
        raise RuleError(f"Chưa thể báo cáo cho kỳ {period} (kỳ chưa bắt đầu).")
    if kind == "ad_hoc" and period != Period.of(today):
        raise RuleError("Báo cáo đột xuất thuộc kỳ của tháng gửi báo cáo.")
