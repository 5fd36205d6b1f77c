"""Waiting for the applicant's payment does not run the clock: both due times move by the working time waited."""

import pytest

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_due_times_move_later_by_the_wait():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    before = [s["due_at"] for s in flow.dossier.steps]
    d = flow("request_payment", "specialist", vn(2026, 3, 3, 10), data={"amount_vnd": 50000})
    assert (d.state, d.status_code) == ("payment_requested", 6)
    d = flow("confirm_payment", "system", vn(2026, 3, 4, 10))
    # Waited Tuesday 10:00 → Wednesday 10:00: 5.5 + 2.5 = 8 working hours → Monday 9/3 17:00 becomes Tuesday 10/3.
    assert d.payment_wait_seconds == 8 * 3600
    assert d.due_at == vn(2026, 3, 10, 17) == d.index_due_at
    assert d.state == "processing" and d.waiting_since is None
    after = [s["due_at"] for s in d.steps]
    assert after[0] == before[0]  # the receipt step was already done
    assert all(a > b for a, b in zip(after[1:], before[1:], strict=True))
