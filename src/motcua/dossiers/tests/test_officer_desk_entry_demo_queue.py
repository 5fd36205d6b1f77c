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
