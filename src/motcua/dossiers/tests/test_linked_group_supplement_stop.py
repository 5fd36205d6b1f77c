"""The linked group birth + residence + health insurance stops 7 working days after an unanswered supplement request
(Decree 63/2024 Art. 7 as replaced by Decree 301/2026 Art. 5, for groups submitted from 1/9/2026): the closing
command stops the member; before 1/9/2026 Decree 118/2025 Art. 19(5)'s 15 days apply."""

import io

import pytest
from django.core.management import call_command

from motcua.dossiers import groups, services
from motcua.dossiers.models import Dossier, GroupMember

from .factories import CITIZEN, Flow, procedure, vn

pytestmark = pytest.mark.django_db

RECEIVING = "H01.TTPVHCC"
BABY = {"full_name": "Nguyễn Thị Bé", "birth_date": "2026-08-20", "sex": "female", "place_of_birth": "Hà Nội"}


@pytest.fixture
def catalog():
    procedure("2.000986", amount=20, unit="calendar_days", kinds=("in_person",))
    for code in ("1.001193", "1.004222"):
        procedure(code, amount=5)


def _birth_child_waiting(submitted_at, requested_at):
    parent = groups.submit_group("LT-KS-TT-BHYT", RECEIVING, "online", dict(CITIZEN), {"child": dict(BABY)},
                                 at=submitted_at)
    members = {m.key: m.child for m in GroupMember.objects.filter(parent=parent).select_related("child")}
    Flow(members["residence"], "BCA")("receive", "desk_officer", submitted_at)
    child = members["birth"]
    flow = Flow(child, RECEIVING)
    flow("receive", "desk_officer", submitted_at)
    return parent, flow("request_supplement", "specialist", requested_at, data={"missing": ["Giấy chứng sinh"]})


@pytest.mark.parametrize(("case", "submitted_at", "requested_at", "not_yet", "stops"), [
    # Thu 3/9/2026 + 7 working days (1–2/9 holidays): 4, 7, 8, 9, 10, 11, 14 → stops from Mon 14/9 17:00.
    ("Decree301-2026-Art5 from 1/9/2026: 7 working days", vn(2026, 9, 3, 9), vn(2026, 9, 3, 10),
     vn(2026, 9, 14, 16, 59), vn(2026, 9, 14, 17)),
    # Before 1/9/2026: Decree 118/2025 Art. 19(5), 15 days after the notice of Mon 31/8 → closed from 16/9 00:00.
    ("Decree118-2025-Art19(5) before 1/9/2026: 15 days", vn(2026, 8, 31, 9), vn(2026, 8, 31, 10),
     vn(2026, 9, 15, 23, 59), vn(2026, 9, 16, 0)),
])
def test_a_birth_group_member_stops_after_an_unanswered_request(catalog, case, submitted_at, requested_at, not_yet,
                                                                stops):
    parent, child = _birth_child_waiting(submitted_at, requested_at)
    assert child.supplement_closes_at == stops
    assert services.close_unanswered(at=not_yet) == []
    out = io.StringIO()
    call_command("dossiers", "close-expired", f"--at={stops.isoformat()}", stdout=out)
    child = Dossier.objects.get(pk=child.pk)
    assert child.state == "stopped", out.getvalue()
    stop = child.events.order_by("seq").last()
    assert stop.data["closed_unanswered_notice"] is True
    expected = "Nghị định 301/2026" if "301" in case.split()[0] else "khoản 5 Điều 19 Nghị định 118/2025"
    assert expected in stop.reason
    # The group stops, not one member: the residence member received by its desk is stopped too; the insurance
    # member still waiting for its desk's receipt cannot be stopped by the system and is left to its desk.
    states = {m.key: m.child.state for m in GroupMember.objects.filter(parent=parent).select_related("child")}
    if "301" in case.split()[0]:
        assert states == {"birth": "stopped", "residence": "stopped", "health_insurance": "submitted"}
    else:
        assert states == {"birth": "stopped", "residence": "received", "health_insurance": "submitted"}


def test_a_birth_group_member_answering_in_time_is_not_stopped(catalog):
    _parent, child = _birth_child_waiting(vn(2026, 9, 3, 9), vn(2026, 9, 3, 10))
    Flow(child, RECEIVING)("submit_supplement", "applicant", vn(2026, 9, 10, 9))
    assert services.close_unanswered(at=vn(2026, 9, 30)) == []
    assert Dossier.objects.get(pk=child.pk).state != "stopped"
