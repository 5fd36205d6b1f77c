"""The demo history ends today (Vietnam time) unless ``--end`` says otherwise, so the demo's desk queues hold open
dossiers; an explicit end keeps the data reproducible."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from motcua.demo import generate as gen

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_evening_utc(monkeypatch):
    # 18:00 UTC on 1 March is 01:00 on 2 March in Hanoi.
    monkeypatch.setattr(gen.timezone, "now", lambda: datetime(2026, 3, 1, 18, 0, tzinfo=UTC))


def test_the_default_end_is_today_in_vietnam(late_evening_utc):
    assert gen.default_end() == date(2026, 3, 2)
    with pytest.raises(ValueError, match="before its start"):
        gen.generate(0, start=date(2026, 3, 3))  # the period would end today, before this start


def test_the_command_passes_no_end_unless_given(monkeypatch):
    seen = []

    def fake_generate(n, **options):
        seen.append(options["end"])
        return gen.GenerateSummary(skipped=True)

    monkeypatch.setattr(gen, "generate", fake_generate)
    call_command("demo", "generate", "--dossiers", "1")
    call_command("demo", "generate", "--dossiers", "1", "--end", "2026-01-30")
    assert seen == [None, date(2026, 1, 30)]


def test_the_demo_officers_agencies_get_a_realistic_open_queue():
    """Each demo officer's agency receives a few dossiers every working day of the last two weeks (part of the total,
    handled by the same simulation): some still wait for the desk, others are being processed, none is finished by
    magic — and the whole history stays the requested size and reproducible."""
    from collections import Counter

    from motcua.demo.accounts import OFFICER_AGENCIES
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.queries import queue_states

    end = date(2026, 3, 13)
    summary = gen.generate(gen.RECENT_MIN_TOTAL, start=date(2026, 1, 1), end=end, seed=5)
    assert summary.dossiers == gen.RECENT_MIN_TOTAL
    open_states = set(queue_states("desk_officer")) | set(queue_states("leader"))
    for code in OFFICER_AGENCIES:
        mine = Dossier.objects.filter(agency__code=code)
        recent = mine.filter(submitted_at__date__gte=date(2026, 3, 2))
        assert recent.count() >= gen.RECENT_PER_AGENCY_DAY * 9, code
        states = Counter(mine.filter(state__in=open_states).values_list("state", flat=True))
        assert sum(states.values()) >= 8, (code, states)
        assert len(states) >= 2, (code, states)  # a mix: waiting at the desk and in processing
        assert mine.filter(state="submitted", submitted_at__date__lt=date(2026, 3, 9)).count() <= 3
