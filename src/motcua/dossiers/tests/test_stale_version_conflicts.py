"""Optimistic locking: of two officers acting on the same version, one wins; the other gets the current dossier."""

import pytest

from motcua.dossiers import services
from motcua.dossiers.services import TransitionNotAllowed, VersionConflict

from .factories import CALENDAR, Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_the_second_action_on_a_stale_version_conflicts_and_writes_nothing():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    seen = flow.dossier.version
    services.act(flow.code, "assign", actor=flow.users["leader"], role="leader", expected_version=seen,
                 at=vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"}, calendar=CALENDAR)
    with pytest.raises(VersionConflict) as conflict:
        services.act(flow.code, "request_supplement", actor=flow.users["desk_officer"], role="desk_officer",
                     expected_version=seen, at=vn(2026, 3, 2, 11, 5), data={"missing": ["Tờ khai"]},
                     calendar=CALENDAR)
    current = conflict.value.current
    assert (current.version, current.state) == (seen + 1, "processing")
    assert current.events.count() == 3


def test_a_forbidden_action_lists_the_allowed_ones_and_writes_nothing():
    procedure()
    flow = Flow(submitted())
    with pytest.raises(TransitionNotAllowed) as refused:
        flow("approve", "leader", vn(2026, 3, 2, 10))
    assert refused.value.allowed == []  # a leader has nothing to do on a dossier not yet received
    with pytest.raises(TransitionNotAllowed) as refused:
        flow("approve", "desk_officer", vn(2026, 3, 2, 10))
    assert set(refused.value.allowed) == {"receive", "request_supplement", "refuse", "withdraw"}
    flow.dossier.refresh_from_db()
    assert (flow.dossier.version, flow.dossier.events.count()) == (1, 1)


@pytest.mark.skipif(__import__("django.db").db.connection.vendor != "postgresql",
                    reason="SQLite serialises all writers; the race needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_racing_on_the_same_version_one_wins():
    import threading

    from django.db import connections

    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    seen = flow.dossier.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def officer_acts(action, role, data):
        try:
            barrier.wait()
            services.act(flow.code, action, actor=flow.users[role], role=role, expected_version=seen,
                         at=vn(2026, 3, 2, 11), data=data, calendar=CALENDAR)
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=officer_acts, args=("assign", "leader", {"assignee": "specialist-H01.TTPVHCC"})),
        threading.Thread(target=officer_acts, args=("request_supplement", "desk_officer", {"missing": ["Tờ khai"]})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    flow.dossier.refresh_from_db()
    assert flow.dossier.version == seen + 1 and flow.dossier.events.count() == seen + 1
