"""Shared fixtures: four dossiers handled through the live services across Tết 2026."""

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import AGENCY, Flow, officer, procedure, submitted, vn
from motcua.oversight import facts


def handled(received, *steps) -> Dossier:
    """A dossier submitted and received at ``received`` (in person), assigned, then ``steps``: (action, role, at,
    kwargs)."""
    d = submitted(at=received, channel="in_person")
    flow = Flow(d)
    flow("receive", "desk_officer", received)
    spec = officer(f"specialist-{AGENCY}", "specialist")
    flow("assign", "leader", received.replace(hour=14), data={"assignee": spec.username})
    for action, role, at, kwargs in steps:
        flow(action, role, at, **kwargs)
    return flow.dossier


def approve(at):
    return ("approve", "leader", at, {})


def supplement(at):
    return ("request_supplement", "specialist", at, {"data": {"missing": ["Bản sao giấy khai sinh"]}})


def second_supplement(at):
    """A second request to complete the dossier: since Decree 118/2025 (Art. 16(3), 17(2)(a)) only a leader may make it,
    with a reason on record; the service index counts such a dossier late."""
    return ("request_supplement", "leader", at, {"data": {"missing": ["Bản sao giấy khai sinh"],
                                                           "override_reason": "Hồ sơ bổ sung còn thiếu chữ ký"}})


def answered(at):
    return ("submit_supplement", "desk_officer", at, {})


@pytest.fixture
def tet_dossiers():
    """Four dossiers received Friday 13/2/2026 10:00, 5 working days: Tết runs 16–20/2, so due 27/2 17:00."""
    procedure()
    received = vn(2026, 2, 13, 10)
    d1 = handled(received, approve(vn(2026, 2, 26, 10)))                    # on time
    d2 = handled(received, approve(vn(2026, 3, 2, 10)))                     # late (open and late at the end of Feb)
    # Waited 24/2 09:00 → 26/2 09:00 = 16 working hours: index due 27/2 17:00 + 16 h = 3/3 17:00. The legal clock
    # restarts (due 5/3) but the index subtracts the wait instead: approving on 4/3 is late for the index.
    d3 = handled(received, supplement(vn(2026, 2, 24, 9)), answered(vn(2026, 2, 26, 9)), approve(vn(2026, 3, 4, 10)))
    # Two supplement requests (the second by a leader's override): late whatever the times.
    d4 = handled(received, supplement(vn(2026, 2, 24, 9)), answered(vn(2026, 2, 24, 14)),
                 second_supplement(vn(2026, 2, 25, 9)), answered(vn(2026, 2, 25, 10)), approve(vn(2026, 2, 26, 11)))
    assert d1.index_due_at == vn(2026, 2, 27, 17)
    assert d3.index_due_at == vn(2026, 3, 3, 17) and d3.due_at == vn(2026, 3, 5, 17)
    facts.refresh()
    return d1, d2, d3, d4
