"""At risk: the remaining working time is less than the remaining steps' budgets (issue 3 §4)."""

from datetime import timedelta

import pytest

from motcua.dossiers.queries import deadline_view
from motcua.dossiers.rules import index_on_time, is_at_risk, is_overdue

from .factories import CALENDAR, Flow, procedure, submitted, vn

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("now", "budgets", "at_risk"),
    [
        (vn(2026, 3, 6, 13), [3 * H, 2 * H], True),  # 4 h left, 5 h needed
        (vn(2026, 3, 6, 13), [2 * H, 2 * H], False),  # 4 h left, 4 h needed
        (vn(2026, 3, 5, 13), [3 * H, 2 * H], False),  # 12 h left
        (vn(2026, 3, 6, 17, 1), [3 * H], False),  # overdue is not "at risk": it is overdue
        (vn(2026, 3, 7, 10), [1 * H], False),  # Saturday after the due time
    ],
)
def test_is_at_risk(now, budgets, at_risk):
    assert is_at_risk(now, vn(2026, 3, 6, 17), budgets, CALENDAR) is at_risk


def test_overdue_and_index_verdicts():
    due = vn(2026, 3, 6, 17)
    assert not is_overdue(due, due) and is_overdue(due + timedelta(seconds=1), due)
    assert not is_overdue(due, None)
    assert index_on_time(due, due, 1) is True
    assert index_on_time(due - H, due, 2) is False  # more than one supplement request ⇒ late
    assert index_on_time(due + H, due, 0) is False
    assert index_on_time(None, None, 0, now=due) is None


@pytest.mark.django_db
def test_a_dossier_becomes_at_risk_before_it_is_overdue():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    d = flow("receive", "desk_officer", vn(2026, 3, 2, 10))  # due Monday 9/3 17:00, 5 × 8 h − 2.5 h budgeted
    assert deadline_view(d, vn(2026, 3, 2, 11), CALENDAR).at_risk is False
    late = deadline_view(d, vn(2026, 3, 9, 16), CALENDAR)
    assert (late.at_risk, late.overdue) == (True, False)
    gone = deadline_view(d, vn(2026, 3, 9, 17, 1), CALENDAR)
    assert (gone.at_risk, gone.overdue, gone.index_on_time) == (False, True, False)
