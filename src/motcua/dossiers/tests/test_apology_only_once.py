"""An apology (form 04) moves the due time once per dossier (domain.md §3 "Overdue")."""

import pytest

from motcua.dossiers.rules import RuleViolation

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_the_due_date_moves_only_once():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    d = flow("apologise", "leader", vn(2026, 3, 5, 9), reason="Cần xác minh thêm",
             data={"new_due_at": vn(2026, 3, 12, 17).isoformat()})
    assert (d.due_at, d.due_at_before_apology, d.apology_count) == (vn(2026, 3, 12, 17), vn(2026, 3, 9, 17), 1)
    assert d.index_due_at == vn(2026, 3, 9, 17)  # the index still measures against the original time limit
    assert d.state == "received"
    with pytest.raises(RuleViolation) as refused:
        flow("apologise", "leader", vn(2026, 3, 6, 9), reason="Lần hai",
             data={"new_due_at": vn(2026, 3, 19, 17).isoformat()})
    assert refused.value.rule == "apology_already_given"


def test_the_new_due_time_must_be_later_and_reasons_are_required():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    with pytest.raises(RuleViolation):
        flow("apologise", "leader", vn(2026, 3, 5, 9), data={"new_due_at": vn(2026, 3, 12, 17).isoformat()})
    with pytest.raises(RuleViolation) as refused:
        flow("apologise", "leader", vn(2026, 3, 5, 9), reason="x", data={"new_due_at": vn(2026, 3, 9, 16).isoformat()})
    assert refused.value.rule == "apology_new_due_not_later"
