"""The generated history shows the Tết dip and the shift towards online submission (issue 3 point 11)."""

from collections import Counter
from datetime import date

import pytest

from motcua.core.calendar import TZ, WorkingCalendar
from motcua.demo import generate as gen
from motcua.dossiers.models import Dossier

from .test_generate_history import small_catalog

pytestmark = pytest.mark.django_db
CALENDAR = WorkingCalendar()


def _working_days(start: date, end: date) -> list[date]:
    days, d = [], start
    while d <= end:
        if CALENDAR.is_working_day(d):
            days.append(d)
        d = date.fromordinal(d.toordinal() + 1)
    return days


def test_fewer_dossiers_per_working_day_in_the_tet_weeks():
    small_catalog()
    start, end = date(2025, 11, 1), date(2026, 4, 30)
    gen.generate(1500, start=start, end=end, seed=2)
    per_day = Counter(at.astimezone(TZ).date() for at in Dossier.objects.values_list("submitted_at", flat=True))
    first, last = gen.tet_window(2026)
    assert first <= date(2026, 2, 17) <= last  # Tết 2026: 16–20 February
    working = _working_days(start, end)
    tet = [d for d in working if first <= d <= last]
    average = sum(per_day[d] for d in working) / len(working)
    in_tet = sum(per_day[d] for d in tet) / len(tet)
    assert in_tet < 0.6 * average


def test_weekends_and_holidays_receive_only_online_dossiers_and_fewer_of_them():
    small_catalog()
    gen.generate(800, start=date(2026, 3, 2), end=date(2026, 5, 31), seed=4)
    off = [(c, at) for c, at in Dossier.objects.values_list("channel", "submitted_at")
           if not CALENDAR.is_working_day(at.astimezone(TZ).date())]
    assert off and {c for c, _ in off} == {"online"}
    assert len(off) < 0.1 * Dossier.objects.count()


def test_the_online_share_grows_over_time():
    small_catalog()
    gen.generate(1200, seed=6)  # the default period, 1/11/2023 – 31/10/2026
    by_year: dict[int, Counter] = {}
    for channel, at in Dossier.objects.values_list("channel", "submitted_at"):
        by_year.setdefault(at.astimezone(TZ).year, Counter())[channel] += 1

    def share(year: int) -> float:
        return by_year[year]["online"] / sum(by_year[year].values())

    assert share(2024) < share(2025) < share(2026)
    assert share(2026) - share(2024) > 0.15
