"""Office time between two instants in O(1): the batch reviews measure millions of step times.

``OfficeClock(calendar).between(a, b)`` equals ``calendar.working_time_between(a, b)`` (in seconds) — the office
seconds on working days between two instants — computed as W(b) − W(a), where W(t) counts the office seconds from
1 January 2000 to t. W sums whole working days from a per-year prefix table (built once per year) and the part of
t's own day; a test checks it against the calendar on random instants.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from motcua.core.calendar import TZ, WorkingCalendar

BASE_YEAR = 2000


def _seconds(t) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


class OfficeClock:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.periods = [(_seconds(o), _seconds(c)) for o, c in calendar.hours.periods]
        self.daily = sum(c - o for o, c in self.periods)
        self.years: dict[int, tuple[int, list[int]]] = {}

    def _year(self, year: int) -> tuple[int, list[int]]:
        """(working days from 1/1/2000 to 1/1/year, prefix counts of working days within the year)."""
        found = self.years.get(year)
        if found is not None:
            return found
        prefix, d = [0], date(year, 1, 1)
        while d.year == year:
            prefix.append(prefix[-1] + self.calendar.is_working_day(d))
            d += timedelta(days=1)
        if year == BASE_YEAR:
            offset = 0
        elif year > BASE_YEAR:
            prev_offset, prev = self._year(year - 1)
            offset = prev_offset + prev[-1]
        else:
            next_offset, _ = self._year(year + 1)
            offset = next_offset - prefix[-1]
        self.years[year] = (offset, prefix)
        return offset, prefix

    def seconds(self, t: datetime) -> float:
        """W(t): office seconds on working days from 1/1/2000 00:00 to ``t``."""
        local = t.astimezone(TZ)
        d = local.date()
        offset, prefix = self._year(d.year)
        total = (offset + prefix[d.timetuple().tm_yday - 1]) * self.daily
        if prefix[d.timetuple().tm_yday] > prefix[d.timetuple().tm_yday - 1]:  # d itself is a working day
            s = _seconds(local) + local.microsecond / 1e6
            for o, c in self.periods:
                total += max(0.0, min(s, c) - o)
        return total

    def between(self, a: datetime, b: datetime) -> float:
        return max(0.0, self.seconds(b) - self.seconds(a)) if b > a else 0.0
