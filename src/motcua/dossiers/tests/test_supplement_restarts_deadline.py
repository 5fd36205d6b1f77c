"""Supplement during appraisal: the legal clock restarts from zero (Decree 118/2025 Art. 19(5)); the index clock adds
the waiting time instead, and counts the requests (domain.md §3)."""

import pytest

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def received(amount=5):
    procedure(amount=amount)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))  # Monday; 5 working days → Monday 9/3 17:00
    return flow


def test_supplement_restarts_the_legal_clock_and_shifts_the_index_clock():
    flow = received()
    assert flow.dossier.due_at == vn(2026, 3, 9, 17)
    d = flow("request_supplement", "specialist", vn(2026, 3, 3, 10), data={"missing": ["Bản sao CCCD", "Tờ khai"]})
    assert (d.state, d.status_code, d.supplement_count) == ("supplement_requested", 5, 1)
    assert d.missing_items == ["Bản sao CCCD", "Tờ khai"]
    d = flow("submit_supplement", "applicant", vn(2026, 3, 6, 14))
    assert d.state == "processing"
    # Legal clock: 5 working days from the complete resubmission on Friday 6/3 14:00 → Friday 13/3 17:00.
    assert d.due_at == vn(2026, 3, 13, 17)
    assert d.clock_started_at == vn(2026, 3, 6, 14)
    # Index clock: waited 5.5 + 8 + 8 + 5 = 26.5 working hours, added to Monday 9/3 17:00 → Friday 13/3 10:00.
    assert d.supplement_wait_seconds == int(26.5 * 3600)
    assert d.index_due_at == vn(2026, 3, 13, 10)
    assert d.events.last().data["waited_seconds"] == int(26.5 * 3600)


def test_supplement_request_lists_everything_missing_at_once():
    from motcua.dossiers.rules import RuleViolation

    flow = received()
    with pytest.raises(RuleViolation) as refused:
        flow("request_supplement", "specialist", vn(2026, 3, 3, 10), data={"missing": []})
    assert refused.value.rule == "supplement_missing_items"


def test_supplement_at_receipt_does_not_start_any_clock():
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    d = flow("request_supplement", "desk_officer", vn(2026, 3, 2, 9, 30), data={"missing": ["Tờ khai"]})
    assert (d.state, d.status_code, d.supplement_count, d.due_at) == ("receipt_supplement_requested", 5, 0, None)
    d = flow("submit_supplement", "applicant", vn(2026, 3, 4, 9))
    assert d.state == "submitted" and d.missing_items == []
    d = flow("receive", "desk_officer", vn(2026, 3, 4, 10))
    assert d.due_at == vn(2026, 3, 11, 17)
