"""A dossier from submission to returned result: one event per action, status codes, per-step due times."""

import itertools

import pytest

from motcua.dossiers.models import DossierEvent
from motcua.dossiers.queries import actions_for, timeline

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_submit_receive_process_approve_issue_return():
    procedure(amount=5)
    dossier = submitted(at=vn(2026, 2, 13, 9))
    assert (dossier.state, dossier.status_code, dossier.version) == ("submitted", 1, 1)
    assert dossier.code == "H01.TTPVHCC-260213-0001"
    flow = Flow(dossier)
    # Received Friday 13/2/2026 10:00, 5 working days, Tết 16–20/2 → due Friday 27/2/2026 17:00 (domain.md §2).
    d = flow("receive", "desk_officer", vn(2026, 2, 13, 10))
    assert (d.state, d.status_code) == ("received", 2)
    assert d.due_at == vn(2026, 2, 27, 17) == d.index_due_at
    assert [s["key"] for s in d.steps] == ["receive", "appraise", "approve", "return"]
    assert d.current_step == 1
    step_dues = [s["due_at"] for s in d.steps[1:]]
    assert step_dues == sorted(step_dues) and step_dues[-1] <= d.due_at.isoformat()
    d = flow("assign", "leader", vn(2026, 2, 13, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    assert d.assigned_to.username == "specialist-H01.TTPVHCC" and d.status_code == 4
    d = flow("complete_step", "specialist", vn(2026, 2, 23, 9))
    assert d.current_step == 2
    d = flow("approve", "leader", vn(2026, 2, 24, 9))
    assert (d.state, d.status_code) == ("approved", 9)
    d = flow("issue_result", "specialist", vn(2026, 2, 24, 10))
    d = flow("return_result", "desk_officer", vn(2026, 2, 25, 9))
    assert (d.state, d.status_code, d.version) == ("returned", 10, 7)
    events = timeline(d)
    assert [e.seq for e in events] == list(range(1, 8))
    assert [e.action for e in events] == ["submit", "receive", "assign", "complete_step", "approve", "issue_result",
                                          "return_result"]
    assert events[3].step == "appraise" and events[3].role == "specialist"
    assert all(e.to_state == n.from_state for e, n in itertools.pairwise(events))
    assert actions_for(d, "desk_officer") == []
    assert DossierEvent.objects.filter(dossier=d).count() == 7


def test_received_after_cutoff_counts_from_the_day_of_receipt():
    # Decree 118/2025 Art. 17(3), 18(2): the 15:00 cut-off moves only the hand-over of the paper file (domain.md §2).
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 2, 13, 15, 20)))
    d = flow("receive", "desk_officer", vn(2026, 2, 13, 15, 30))
    assert d.due_at == vn(2026, 2, 27, 17)


def test_unknown_time_limit_gave_no_due_time_and_a_flag_before_decree_118():
    # History: before 1/7/2025 such dossiers were received with a flag; since, receipt is refused until the desk
    # enters the return date (test_receipt_decree_118.py).
    procedure(amount=None, unit="unknown")
    flow = Flow(submitted(at=vn(2025, 6, 2, 9)))
    d = flow("receive", "desk_officer", vn(2025, 6, 2, 10))
    assert d.due_at is None and d.deadline_flag == "no_time_limit"
    assert d.events.last().data["deadline_flag"] == "no_time_limit"


def test_refusal_at_receipt_needs_reasons_and_ends_as_not_received():
    from motcua.dossiers.rules import RuleViolation

    procedure()
    flow = Flow(submitted())
    with pytest.raises(RuleViolation):
        flow("refuse", "desk_officer", vn(2026, 3, 2, 10))
    d = flow("refuse", "desk_officer", vn(2026, 3, 2, 10), reason="Không thuộc thẩm quyền")
    assert (d.state, d.status_code) == ("not_received", 3)


def test_consultation_carries_its_own_deadline():
    procedure(amount=10)
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    d = flow("consult", "specialist", vn(2026, 3, 3, 9), data={"unit": "Sở Tư pháp", "working_days": 2})
    assert (d.state, d.status_code) == ("consulting", 4)
    assert d.consultation_due_at == vn(2026, 3, 5, 17)
    d = flow("answer_consultation", "system", vn(2026, 3, 6, 9))
    assert d.state == "processing" and d.consultation_due_at is None
    assert d.events.last().data["late"] is True


def test_withdraw_by_the_applicant():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    d = flow("withdraw", "applicant", vn(2026, 3, 3, 10), reason="Không còn nhu cầu")
    assert (d.state, d.status_code) == ("withdrawn", 7)
