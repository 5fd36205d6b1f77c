"""The working calendar and due-time arithmetic of administrative procedures (domain.md §2).

Which days are working days:

- Decision 188/1999: public offices work Monday–Friday.
- Labour Code 2019 Art. 112: public holidays (1/1, Tết, Hùng Kings, 30/4, 1/5, 2/9 and an adjacent day, 24/11
  from 2026); a holiday on a weekend gives the next working day off. These come from the ``holidays`` package,
  including the swaps it knows (a weekday off, a make-up Saturday worked).
- Swaps the government announces each year are data an administrator adds (``core.CalendarException``), loaded by
  :meth:`WorkingCalendar.from_db`; they take effect on the next calculation, without a code change.

How a due time is computed (time zone Asia/Ho_Chi_Minh), Civil Code 2015 Art. 147–148: the day of the event is not
counted, and a period ending on a day off ends on the next working day. Decree 118/2025 Art. 17(3): the time limit
runs from the receipt of the complete dossier; Art. 18(2): the 15:00 cut-off moves only the hand-over of a paper
file, not the start of the limit. Whether the cut-off moves the start is therefore a per-time-limit setting
(``cutoff_moves_start`` of :meth:`WorkingCalendar.due`): on for same-day limits (their own law: after 15:00 the result
is due the next working day) and for limits whose law says so (Decree 63/2024 Art. 7 as replaced by Decree 301/2026
Art. 5), and for every limit of a dossier received before 1/7/2025 (history: the practice under Decree 61/2018;
chosen by ``dossiers.lawsets``); off otherwise. With S the start and D its date:

1. The counting day R: with the cut-off moving the start, D when D is a working day and S is at or before the
   cut-off (15:00:00 counts, 15:00:01 does not), otherwise the next working day after D (the *effective receipt
   day*); without it, D itself (not counted, whatever the hour; D may be a day off).
2. N working days: end of office hours of the N-th working day after R.
3. Same day ("trong ngày"): end of office hours of R, or of the next working day when R is a day off.
4. N working hours: counted through office hours only, from S (from when office hours resume if S is before
   opening, in the lunch break, after closing or on a day off); with the cut-off moving the start and S after it,
   from the start of office hours on R.
5. N calendar days: R + N days at the end of office hours, or the end of the next working day if that is a day off.

Everything here is pure; only :meth:`WorkingCalendar.from_db` touches the database, and only when called.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays

if TYPE_CHECKING:
    from motcua.units.models import Agency

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "TZ",
    "CalendarRangeError",
    "OfficeHours",
    "Unit",
    "WorkingCalendar",
    "cutoff_rule",
    "due_date",
    "register_limit_start_rule",
]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_ONE_DAY = timedelta(days=1)

# The years for which the holidays package knows Vietnam's public holidays (its lunar calendar ends in 2100).
# Outside them a "working day" would silently ignore Tết, so the calendar refuses instead.
_VN_HOLIDAYS = holidays.country_holidays("VN")
FIRST_YEAR: int = _VN_HOLIDAYS.start_year
LAST_YEAR: int = _VN_HOLIDAYS.end_year


class Unit(StrEnum):
    """The unit of a procedure's time limit (thời hạn giải quyết), domain.md §2."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"
    CALENDAR_DAYS = "calendar_days"


class CalendarRangeError(ValueError):
    """A date outside the years whose public holidays are known (:data:`FIRST_YEAR`–:data:`LAST_YEAR`)."""


@dataclass(frozen=True)
class OfficeHours:
    """An agency's office periods (wall-clock times in Asia/Ho_Chi_Minh) and its receipt cut-off.

    Defaults follow domain.md §2: 07:30–11:30 and 13:00–17:00, cut-off 15:00 (a dossier received after 15:00 is
    handed over at the start of the next working day). Periods must be in order and must not overlap; the cut-off
    must not be after the end of the last period, so a same-day due time is never before the receipt.
    """

    periods: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        periods = tuple((start, end) for start, end in self.periods)
        object.__setattr__(self, "periods", periods)
        if not periods:
            raise ValueError("Office hours need at least one period.")
        previous_end: time | None = None
        for start, end in periods:
            if not isinstance(start, time) or not isinstance(end, time):
                raise TypeError("Office periods are pairs of datetime.time.")
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("Office periods are wall-clock times without a time zone.")
            if start >= end:
                raise ValueError(f"Office period {start}–{end} ends before it starts.")
            if previous_end is not None and start < previous_end:
                raise ValueError("Office periods must be in order and must not overlap.")
            previous_end = end
        if self.cutoff > self.closing:
            raise ValueError(f"The cut-off {self.cutoff} is after the end of office hours {self.closing}.")

    @property
    def opening(self) -> time:
        """Start of the first office period."""
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        """End of the last office period: the time at which day-based time limits end."""
        return self.periods[-1][1]


DEFAULT_OFFICE_HOURS = OfficeHours()


@functools.lru_cache(maxsize=256)
def _national_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Public holidays (with substitute days off) and make-up working Saturdays dated in ``year``.

    Labour Code 2019 Art. 112, as implemented by the ``holidays`` package. Neighbouring years are loaded too,
    because a swap announced for one year can move a day in the next (e.g. 31/12/2018 off, 5/1/2019 worked).
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarRangeError(
            f"The working calendar covers {FIRST_YEAR}–{LAST_YEAR}; public holidays of {year} are not known."
        )
    vn = holidays.country_holidays("VN", years=range(max(year - 1, FIRST_YEAR), min(year + 1, LAST_YEAR) + 1))
    days_off = frozenset(d for d in vn if d.year == year)
    made_up = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    return days_off, made_up


def _local(moment: datetime) -> datetime:
    """``moment`` in Asia/Ho_Chi_Minh; naive datetimes are rejected because their instant is unknown."""
    if not isinstance(moment, datetime):
        raise TypeError(f"Expected a datetime, got {type(moment).__name__}.")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("The datetime has no time zone; give an aware datetime (e.g. with +07:00).")
    return moment.astimezone(TZ)


def _at(day: date, wall_clock: time) -> datetime:
    return datetime.combine(day, wall_clock, tzinfo=TZ)


class WorkingCalendar:
    """Working days and office hours, and the due-time rules of domain.md §2.

    ``extra_days_off`` and ``extra_working_days`` are the swaps announced by the government (or an agency) on top of
    the statutory holidays; a date may not be in both. Use :meth:`from_db` to load the ones an administrator entered.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    ) -> None:
        self._days_off = frozenset(extra_days_off)
        self._working_days = frozenset(extra_working_days)
        clash = self._days_off & self._working_days
        if clash:
            listed = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValueError(f"Dates cannot be both a day off and a working day: {listed}.")
        if not isinstance(hours, OfficeHours):
            raise TypeError("hours must be an OfficeHours.")
        self.hours = hours
        # Per year: the working days (a set, for is_working_day) and their ordinals in order (for
        # add_working_days). Built on first use; the calendar is immutable, so they never go stale.
        self._year_days: dict[int, frozenset[date]] = {}
        self._year_ordinals: dict[int, list[int]] = {}

    def __repr__(self) -> str:
        return (f"WorkingCalendar(extra_days_off={len(self._days_off)} days, "
                f"extra_working_days={len(self._working_days)} days, hours={self.hours!r})")

    @property
    def extra_days_off(self) -> frozenset[date]:
        return self._days_off

    @property
    def extra_working_days(self) -> frozenset[date]:
        return self._working_days

    @classmethod
    def from_db(cls, agency: Agency | None = None) -> WorkingCalendar:
        """The calendar with the exceptions an administrator entered (``core.CalendarException``).

        Nationwide rows apply to everyone; with ``agency``, its own rows are added and win over a nationwide row for
        the same date, and the agency's office hours and cut-off are used (domain.md §2: configurable per agency).
        """
        from django.db.models import Q

        from motcua.core.models import CalendarException, CalendarExceptionKind

        scope = Q(agency__isnull=True) if agency is None else Q(agency__isnull=True) | Q(agency=agency)
        rows = CalendarException.objects.filter(scope).values_list("date", "kind", "agency_id")
        kinds: dict[date, str] = {}
        # Nationwide rows first, so that the agency's own row for the same date overrides them.
        for day, kind, _agency_id in sorted(rows, key=lambda row: row[2] is not None):
            kinds[day] = kind
        return cls(
            extra_days_off=[d for d, k in kinds.items() if k == CalendarExceptionKind.DAY_OFF],
            extra_working_days=[d for d, k in kinds.items() if k == CalendarExceptionKind.WORKING_DAY],
            hours=agency.office_hours() if agency is not None else DEFAULT_OFFICE_HOURS,
        )

    # Days -----------------------------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether public offices work on ``d``.

        Monday–Friday (Decision 188/1999), minus public holidays and their substitute days (Labour Code 2019
        Art. 112, ``holidays`` package), plus make-up Saturdays the package knows; then the extra days off and extra
        working days of this calendar, which win. Raises :class:`CalendarRangeError` outside the covered years.
        """
        if isinstance(d, datetime):
            raise TypeError("is_working_day takes a date; use effective_receipt_day for an instant.")
        days = self._year_days.get(d.year)
        if days is None:
            days = self._load_year(d.year)
        return d in days

    def _load_year(self, year: int) -> frozenset[date]:
        """Work out every day of ``year`` once (raises :class:`CalendarRangeError` outside the covered years)."""
        day, days = date(year, 1, 1), []
        while day.year == year:
            if self._compute_is_working_day(day):
                days.append(day)
            day += _ONE_DAY
        self._year_ordinals[year] = [d.toordinal() for d in days]
        self._year_days[year] = frozenset(days)
        return self._year_days[year]

    def _working_ordinals(self, year: int) -> list[int]:
        ordinals = self._year_ordinals.get(year)
        if ordinals is None:
            self._load_year(year)
            ordinals = self._year_ordinals[year]
        return ordinals

    def _compute_is_working_day(self, d: date) -> bool:
        public_holidays, made_up = _national_days(d.year)
        if d in self._working_days:
            return True
        if d in self._days_off:
            return False
        if d in made_up:
            return True
        return d.weekday() < 5 and d not in public_holidays

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d``, ``d`` itself not counted (Civil Code 2015 Art. 147).

        ``n == 0`` gives ``d`` when it is a working day, else the next one (Art. 148: a period ending on a day off
        ends on the next working day).
        """
        if n < 0:
            raise ValueError("n must not be negative.")
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        # The same as stepping n times with next_working_day, by indexing the year's working days in order.
        year = d.year
        ordinals = self._working_ordinals(year)
        index = bisect_right(ordinals, d.toordinal())
        while index + n > len(ordinals):
            n -= len(ordinals) - index
            year += 1
            ordinals, index = self._working_ordinals(year), 0
        return date.fromordinal(ordinals[index + n - 1])

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days in ``(a, b]``: ``a`` not counted, ``b`` counted; 0 when ``b <= a``."""
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            count += self.is_working_day(d)
            d += _ONE_DAY
        return count

    def end_of_day(self, d: date) -> datetime:
        """End of office hours on ``d``: when a day-based time limit ending on ``d`` expires."""
        return _at(d, self.hours.closing)

    # Instants -------------------------------------------------------------------------------------------------

    def effective_receipt_day(self, start: datetime) -> date:
        """Rule 1 with the cut-off moving the start: the day a dossier received at ``start`` counts as received.

        The date of ``start`` (in Asia/Ho_Chi_Minh) when that is a working day and ``start`` is at or before the
        cut-off — 15:00:00 counts that day, 15:00:01 does not; otherwise the next working day. Naive datetimes raise
        ``ValueError``.
        """
        local = _local(start)
        day = local.date()
        if self.is_working_day(day) and local.time() <= self.hours.cutoff:
            return day
        return self.next_working_day(day)

    def counting_day(self, start: datetime, cutoff_moves_start: bool) -> date:
        """Rule 1: the day after which the days of a limit starting at ``start`` are counted (itself not counted).

        With ``cutoff_moves_start`` the effective receipt day (:meth:`effective_receipt_day`); without it the date of
        ``start`` in Asia/Ho_Chi_Minh, whatever the hour and even on a day off (Decree 118/2025 Art. 17(3); Civil
        Code 2015 Art. 147).
        """
        if cutoff_moves_start:
            return self.effective_receipt_day(start)
        return _local(start).date()

    def due(self, start: datetime, amount: int, unit: Unit | str, *,
            cutoff_moves_start: bool | None = None) -> datetime:
        """When a time limit of ``amount`` ``unit`` that starts at ``start`` ends (rules 1–5 of domain.md §2).

        Civil Code 2015 Art. 147–148: the receipt day is not counted and a period ending on a day off ends on the
        next working day. ``cutoff_moves_start``: whether a start after the cut-off (15:00) counts from the next
        working day; ``None`` gives the default of the law in force (Decree 118/2025 Art. 17(3), 18(2)): on for
        ``same_day``, off otherwise — a dossier's own setting and date are applied by ``dossiers.rules.legal_due``.
        For ``same_day`` the amount is ignored ("trong ngày" is one day). The result is aware, in Asia/Ho_Chi_Minh.
        A negative amount, an unknown unit or a naive start raise ``ValueError``.
        """
        unit = Unit(unit)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("amount must be an int.")
        if amount < 0:
            raise ValueError("amount must not be negative.")
        if cutoff_moves_start is None:
            cutoff_moves_start = unit is Unit.SAME_DAY
        local = _local(start)
        receipt_day = self.effective_receipt_day(local) if cutoff_moves_start else local.date()
        if unit is Unit.WORKING_DAYS:
            return self._not_before(self.end_of_day(self.add_working_days(receipt_day, amount)), local)
        if unit is Unit.SAME_DAY:
            return self._not_before(self.end_of_day(self.add_working_days(receipt_day, 0)), local)
        if unit is Unit.CALENDAR_DAYS:
            last = receipt_day + timedelta(days=amount)
            if not self.is_working_day(last):
                last = self.next_working_day(last)
            return self._not_before(self.end_of_day(last), local)
        # Rule 4: working hours count from S (when office hours resume), or — the cut-off moving the start and S
        # after it — from the opening of the effective receipt day.
        counting_from = local if local.date() == receipt_day else _at(receipt_day, self.hours.opening)
        return self._add_office_time(counting_from, timedelta(hours=amount))

    def _not_before(self, due: datetime, start: datetime) -> datetime:
        """A zero-day (or same-day) limit started after the end of office hours ends with the next working day."""
        if due < start:
            return self.end_of_day(self.next_working_day(due.date()))
        return due

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office-hours time on working days between the instants ``a`` and ``b``; zero when ``b <= a``."""
        a, b = _local(a), _local(b)
        total = timedelta(0)
        if b <= a:
            return total
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                for opens, closes in self.hours.periods:
                    overlap = min(_at(day, closes), b) - max(_at(day, opens), a)
                    if overlap > timedelta(0):
                        total += overlap
            day += _ONE_DAY
        return total

    def _add_office_time(self, moment: datetime, remaining: timedelta) -> datetime:
        """The instant at which ``remaining`` office time has elapsed from ``moment``.

        Counting begins when office hours next resume at or after ``moment`` (before opening, in the lunch break,
        after closing or on a day off), so a zero amount gives that resumption time.
        """
        day = moment.date()
        while True:
            if self.is_working_day(day):
                for opens, closes in self.hours.periods:
                    period_start, period_end = _at(day, opens), _at(day, closes)
                    if period_end < moment:
                        continue
                    begin = max(period_start, moment)
                    available = period_end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += _ONE_DAY


_STATUTORY_CALENDAR = WorkingCalendar()


def due_date(start: datetime, amount: int, unit: Unit | str, calendar: WorkingCalendar | None = None, *,
             cutoff_moves_start: bool | None = None) -> datetime:
    """:meth:`WorkingCalendar.due` on ``calendar``, by default the statutory one.

    The default knows the public holidays and default office hours only, not the exceptions an administrator
    entered; pass ``WorkingCalendar.from_db(agency)`` where those must count (dossier deadlines).
    """
    return (calendar or _STATUTORY_CALENDAR).due(start, amount, unit, cutoff_moves_start=cutoff_moves_start)


# Which rule of the start applies to a limit starting at an instant. The calendar knows only the law in force (the
# default of WorkingCalendar.due); the dossiers app registers the rule sets by date (dossiers.lawsets) when it loads,
# so the calendar API follows the law of each start's date without core importing dossiers.
LimitStartRule = Callable[[datetime, Unit], bool]


def _in_force_start_rule(start: datetime, unit: Unit) -> bool:
    return unit is Unit.SAME_DAY


_limit_start_rule: LimitStartRule = _in_force_start_rule


def register_limit_start_rule(rule: LimitStartRule) -> None:
    """Set the rule deciding, from a start and a unit, whether the cut-off moves the start (see :func:`cutoff_rule`)."""
    global _limit_start_rule
    _limit_start_rule = rule


def cutoff_rule(start: datetime, unit: Unit | str) -> bool:
    """Whether the cut-off moves the start of a limit of ``unit`` starting at ``start``, by the law of its date when
    the dossiers app registered its rule sets, else by the law in force."""
    return _limit_start_rule(start, Unit(unit))
