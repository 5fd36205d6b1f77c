"""Issue 12 points 17 and 18: a child's update that arrives late — after a newer one, as after an outage between
deployments — is ignored instead of rolling the group back; the parent only moves forwards; an update from another
deployment is dated when it arrives, the sender's time kept as data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.dossiers import groups
from motcua.dossiers.models import Dossier, GroupMember

from .factories import Flow, vn
from .test_linked_groups import RECEIVING, catalog, children, run_to_result, submit  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _returned_group():
    parent = submit(vn(2026, 3, 2, 9))
    kids = children(parent)
    run_to_result(kids["birth"], RECEIVING, (2026, 3, 2),
                  data={"birth_record": {"personal_id": "001326000123", "registration_number": "12/2026"}})
    flows = {key: run_to_result(Dossier.objects.get(pk=kids[key].pk), agency, (2026, 3, 3))[0]
             for key, agency in (("residence", "BCA"), ("health_insurance", "BHXH"))}
    Flow(Dossier.objects.get(pk=kids["birth"].pk), RECEIVING)("return_result", "desk_officer", vn(2026, 3, 3, 10))
    for flow in flows.values():
        flow("return_result", "desk_officer", vn(2026, 3, 3, 10, 5))
    parent.refresh_from_db()
    assert parent.state == "returned"
    return parent, kids


def _stale_received(parent, child) -> dict:
    return {"parent": parent.code, "key": "residence", "attempt": 1, "child": child.code, "agency": "BCA",
            "state": "received", "status": 2, "due_at": None, "version": 2, "action": "receive",
            "at": vn(2026, 3, 3, 9).isoformat()}


def test_a_stale_received_arriving_after_returned_is_ignored(catalog):  # noqa: F811
    parent, kids = _returned_group()
    events = parent.version
    groups.apply_child_update(parent.pk, _stale_received(parent, kids["residence"]), via="ministry")
    parent.refresh_from_db()
    member = GroupMember.objects.get(parent=parent, key="residence")
    assert (parent.state, parent.version, member.state) == ("returned", events, "returned")


def test_the_parent_never_moves_back_even_for_an_update_without_a_sequence(catalog):  # noqa: F811
    parent, kids = _returned_group()
    legacy = {k: v for k, v in _stale_received(parent, kids["residence"]).items() if k != "version"}
    groups.apply_child_update(parent.pk, legacy, via="ministry")
    parent.refresh_from_db()
    assert parent.state == "returned"
    assert [e.to_state for e in parent.events.order_by("-seq")[:2]] == ["returned", "returned"]


@pytest.mark.parametrize("current, derived, expected", [
    ("returned", "processing", "returned"), ("result_issued", "processing", "result_issued"),
    ("processing", "submitted", "processing"), ("processing", "supplement_requested", "supplement_requested"),
    ("supplement_requested", "processing", "processing"), ("result_issued", "returned", "returned"),
    ("submitted", "processing", "processing"),
])
def test_forwards_only(current, derived, expected):
    assert groups.forwards_only(current, derived) == expected


def test_an_update_from_another_deployment_is_dated_on_arrival(catalog):  # noqa: F811
    parent = submit(vn(2026, 3, 2, 9))
    kids = children(parent)
    update = {**_stale_received(parent, kids["residence"]), "version": 5, "at": "2001-01-01T00:00:00+00:00"}
    before = timezone.now()
    groups.apply_child_update(parent.pk, update, via="ministry")
    event = parent.events.order_by("-seq").first()
    assert event.at >= before - timedelta(seconds=1) and event.data["sent_at"] == "2001-01-01T00:00:00+00:00"
    assert event.data["via"] == "ministry"
