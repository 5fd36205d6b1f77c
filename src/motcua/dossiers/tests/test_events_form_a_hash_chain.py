"""Each dossier's events form a hash chain (issue 4 point 5): every event's hash covers its stored content and the
previous event's hash, whether written by live handling or by the history generator."""

import itertools

import pytest

from motcua.core.chain import link_hash
from motcua.dossiers.models import DossierEvent

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def _assert_chained(events):
    assert events[0].prev_hash == ""
    for event in events:
        stored = DossierEvent.objects.get(pk=event.pk)  # as read back from the database, not as written
        assert stored.hash == link_hash(stored.prev_hash, stored.chain_content())
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash


def test_live_actions_link_each_event_to_the_previous_one():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "desk_officer", vn(2026, 3, 2, 11), reason="Thiếu tờ khai", data={"missing": ["x"]})
    events = list(DossierEvent.objects.filter(dossier=flow.dossier).order_by("seq"))
    assert len(events) == 3
    _assert_chained(events)


def test_changing_any_content_changes_the_hash():
    procedure(amount=5)
    event = DossierEvent.objects.get(dossier=submitted(), seq=1)
    content = event.chain_content()
    for key in ("seq", "actor", "role", "at", "action", "from", "to", "step", "reason", "data"):
        changed = {**content, key: "tampered"}
        assert link_hash(event.prev_hash, changed) != event.hash, key


def test_generated_history_is_chained_like_live_handling():
    from motcua.demo.generate import generate

    generate(dossiers=30, seed=7)
    events = list(DossierEvent.objects.order_by("dossier_id", "seq"))
    assert events
    for _, group in itertools.groupby(events, key=lambda e: e.dossier_id):
        _assert_chained(list(group))
