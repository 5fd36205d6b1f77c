"""The PAKN history generator: items that follow the live lifecycle (each event a transition of the table, chained
hashes as live events), due times from the calendar rules, public text without personal data, linked re-complaints,
and figures that can be computed over it."""

from datetime import date, datetime, time

import pytest
from django.core.management import call_command

from motcua.core.calendar import TZ
from motcua.core.chain import link_hash
from motcua.feedback.generate import generate
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.feedback.queries import pakn_figures
from motcua.feedback.transitions import next_state

from .factories import procedure

pytestmark = pytest.mark.django_db


def test_a_generated_history_follows_the_live_rules():
    procedure("1.000001")
    procedure("1.000002")
    summary = generate(400, seed=7, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert summary.items == 400 == Feedback.objects.count()
    assert summary.published > 300 and summary.refused > 0
    events = {}
    for e in FeedbackEvent.objects.order_by("feedback_id", "seq"):
        events.setdefault(e.feedback_id, []).append(e)
    for item in Feedback.objects.all():
        chain = events[item.pk]
        assert [e.seq for e in chain] == list(range(1, item.version + 1))
        state, prev = "new", ""
        for e in chain:
            assert e.from_state == state and str(next_state(state, e.action, e.role)) == e.to_state
            assert e.prev_hash == prev and e.hash == link_hash(prev, e.chain_content())
            state, prev = e.to_state, e.hash
        assert item.state == state
        if item.state == "published":
            assert item.answer and item.published_at >= item.answered_at >= item.submitted_at
            assert item.submitter_name not in item.public_title + item.public_content
            assert item.submitter_phone not in item.public_content
        if item.state == "refused":
            assert item.refusal_reason
    recomplaints = Feedback.objects.filter(recomplaint_of__isnull=False)
    for child in recomplaints:
        assert child.recomplaint_of.recomplained_at is not None
    figures = pakn_figures(None, datetime(2025, 1, 1, tzinfo=TZ), datetime.combine(date(2026, 1, 1), time(0),
                                                                                     tzinfo=TZ))
    assert figures["all"] + figures["refused"] == 400
    assert 0 < figures["handled_on_time"] <= figures["handled"] <= figures["all"]


def test_the_command_prints_a_summary(capsys):
    call_command("feedback", "generate", "--items", "20", "--seed", "3", "--start", "2025-06-01", "--end",
                 "2025-06-30")
    assert "20 items" in capsys.readouterr().out
