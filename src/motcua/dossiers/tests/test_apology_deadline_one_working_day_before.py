"""The apology is accepted only until 1 working day before the due time (domain.md §3 "Overdue")."""

import pytest

from motcua.dossiers.rules import RuleViolation, apology_deadline, check_apology

from .factories import CALENDAR, Flow, procedure, submitted, vn


@pytest.mark.parametrize(
    ("due_at", "deadline"),
    [
        (vn(2026, 3, 9, 17), vn(2026, 3, 6, 17)),  # due Monday → the Friday before
        (vn(2026, 3, 11, 10, 30), vn(2026, 3, 10, 10, 30)),  # a working-hours due time keeps its clock time
        (vn(2026, 2, 23, 17), vn(2026, 2, 13, 17)),  # due the Monday after Tết (16–20/2) → Friday 13/2
    ],
)
def test_deadline_is_one_working_day_before(due_at, deadline):
    assert apology_deadline(CALENDAR, due_at) == deadline


def test_check_apology_at_the_boundary():
    due, new = vn(2026, 3, 9, 17), vn(2026, 3, 16, 17)
    check_apology(CALENDAR, vn(2026, 3, 6, 17), due, new, 0)
    with pytest.raises(RuleViolation) as refused:
        check_apology(CALENDAR, vn(2026, 3, 6, 17, 0, 1), due, new, 0)
    assert refused.value.rule == "apology_too_late"


@pytest.mark.django_db
def test_a_late_apology_is_refused_by_the_service():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    with pytest.raises(RuleViolation):
        flow("apologise", "leader", vn(2026, 3, 9, 8), reason="Quá tải",
             data={"new_due_at": vn(2026, 3, 16, 17).isoformat()})
    assert flow.dossier.events.count() == 2
