"""The second linked group (Decree 63/2024; domain.md §4): death registration at the commune the same working day (the
next after 15:00), removal of permanent residence at BCA, funeral allowance / survivor benefit at BHXH. The latter two
limits and the group's are [open] configured defaults (MOTCUA_GROUP_LIMITS), not from the decree."""

from unittest import mock

import pytest
from django.utils import timezone

from motcua.dossiers.models import Dossier, GroupMember
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import CITIZEN, Flow, procedure, vn

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"
RECEIVING = "H01.TTPVHCC"
GROUP = "LT-KT-XTT-MT"
DECEASED = {"full_name": "Nguyễn Văn Cụ", "personal_id": "001045000123", "death_date": "2026-02-28"}


@pytest.fixture
def citizen():
    # The members' own catalog limits (5 days) must not win over the group's.
    for code in ("1.000656", "1.003197"):
        procedure(code, amount=5)
    return client_for(user(CITIZEN["personal_id"]))


def post(client, at):
    # The submission time is the server's clock: pinned so that the cut-off cases are deterministic.
    with mock.patch.object(timezone, "now", return_value=at):
        return client.post(URL, {"group": GROUP, "agency": RECEIVING, "channel": "online",
                                 "applicant": dict(CITIZEN), "form_data": {"deceased": dict(DECEASED)}},
                           format="json")


def children(code):
    return {m.key: m.child for m in GroupMember.objects.filter(parent__code=code).select_related("child")
            .order_by("attempt")}


def run_to_result(child, agency, at_day, **issue):
    flow = Flow(Dossier.objects.get(pk=child.pk), agency)
    flow("receive", "desk_officer", vn(*at_day, 9))
    flow("assign", "leader", vn(*at_day, 9, 10), data={"assignee": f"specialist-{agency}"})
    flow("approve", "leader", vn(*at_day, 9, 30))
    return flow, flow("issue_result", "specialist", vn(*at_day, 9, 40), **issue)


@pytest.mark.parametrize("at, death, others, group", [
    # Monday before the cut-off: death the same day; [open] defaults 2 working days per member, 3 for the group.
    (vn(2026, 3, 2, 9), vn(2026, 3, 2, 17), vn(2026, 3, 4, 17), vn(2026, 3, 5, 17)),
    (vn(2026, 3, 2, 15), vn(2026, 3, 2, 17), vn(2026, 3, 4, 17), vn(2026, 3, 5, 17)),
    # After 15:00: counted from the next working day.
    (vn(2026, 3, 2, 15, 0, 1), vn(2026, 3, 3, 17), vn(2026, 3, 5, 17), vn(2026, 3, 6, 17)),
    # Friday after 15:00 → Monday.
    (vn(2026, 3, 6, 16), vn(2026, 3, 9, 17), vn(2026, 3, 11, 17), vn(2026, 3, 12, 17)),
])
def test_api_submission_makes_parent_and_three_children_with_agencies_and_due_times(citizen, at, death, others,
                                                                                     group):
    response = post(citizen, at)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["procedure"] == "1.000656" and data["state"] == "submitted"
    assert [(m["key"], m["agency"], m["procedure"], m["state"]) for m in data["group"]["members"]] == [
        ("death", RECEIVING, "1.000656", "submitted"), ("residence_removal", "BCA", "1.003197", "submitted"),
        ("funeral_allowance", "BHXH", "1.000656", "submitted")]
    parent = Dossier.objects.get(code=data["code"])
    assert parent.due_at == group and parent.group_code == GROUP
    kids = children(parent.code)
    assert (kids["death"].due_at, kids["residence_removal"].due_at, kids["funeral_allowance"].due_at) == (
        death, others, others)
    assert kids["residence_removal"].code.startswith("BCA-") and kids["funeral_allowance"].code.startswith("BHXH-")
    assert all(k.form_data["deceased"] == DECEASED for k in kids.values())
    opened = parent.events.get(action="group_open")
    assert opened.data["open_limits"] == {
        "note": "[open] configured default, not from the decree",
        "limits": {"residence_removal": [2, "working_days"], "funeral_allowance": [2, "working_days"],
                   "group": [3, "working_days"]}}
    # The desk's receipt keeps the group limit (not the procedure's 5 days).
    received = Flow(kids["funeral_allowance"], "BHXH")("receive", "desk_officer", at.replace(hour=16, second=0))
    assert Dossier.objects.get(pk=received.pk).due_at == others


def test_limits_are_configuration(citizen, settings):
    settings.MOTCUA_GROUP_LIMITS = {GROUP: {"funeral_allowance": [5, "working_days"], "group": [6, "working_days"]}}
    response = post(citizen, vn(2026, 3, 2, 9))
    assert response.status_code == 201, response.content
    parent = Dossier.objects.get(code=response.json()["code"])
    kids = children(parent.code)
    assert kids["funeral_allowance"].due_at == vn(2026, 3, 9, 17)  # Mon + 5 working days
    assert kids["residence_removal"].due_at == vn(2026, 3, 4, 17)  # default kept
    assert kids["death"].due_at == vn(2026, 3, 2, 17)  # the decree's, unchanged
    assert parent.due_at == vn(2026, 3, 10, 17)


def test_parent_completes_when_children_complete_and_death_record_flows(citizen):
    code = post(citizen, vn(2026, 3, 2, 9)).json()["code"]
    kids = children(code)
    run_to_result(kids["death"], RECEIVING, (2026, 3, 2), data={"record": {"registration_number": "7/2026"}})
    parent = Dossier.objects.get(code=code)
    assert parent.state == "processing"
    for key in ("residence_removal", "funeral_allowance"):
        record = Dossier.objects.get(pk=kids[key].pk).form_data["linked_results"]["death"]
        assert record["personal_id"] == DECEASED["personal_id"] and record["registration_number"] == "7/2026"
    run_to_result(kids["residence_removal"], "BCA", (2026, 3, 3))
    assert Dossier.objects.get(code=code).state == "processing"
    run_to_result(kids["funeral_allowance"], "BHXH", (2026, 3, 3))
    parent = Dossier.objects.get(code=code)
    assert (parent.state, parent.status_code) == ("result_issued", 9) and parent.finished_at is not None


def test_refused_child_keeps_the_others_work_and_is_submitted_again(citizen):
    code = post(citizen, vn(2026, 3, 2, 9)).json()["code"]
    kids = children(code)
    run_to_result(kids["death"], RECEIVING, (2026, 3, 2))
    run_to_result(kids["residence_removal"], "BCA", (2026, 3, 3))
    flow = Flow(Dossier.objects.get(pk=kids["funeral_allowance"].pk), "BHXH")
    flow("receive", "desk_officer", vn(2026, 3, 3, 9))
    flow("assign", "leader", vn(2026, 3, 3, 9, 5), data={"assignee": "specialist-BHXH"})
    flow("refuse", "leader", vn(2026, 3, 3, 10), reason="Thiếu giấy tờ người hưởng")
    parent = Dossier.objects.get(code=code)
    assert (parent.state, parent.status_code) == ("stopped", 8)
    assert {m.key: m.state for m in GroupMember.objects.filter(parent=parent)} == {
        "death": "result_issued", "residence_removal": "result_issued", "funeral_allowance": "refused"}
    again = citizen.post(f"{URL}/{code}/actions/resubmit_child", {"data": {"member": "funeral_allowance"}},
                         format="json", HTTP_IF_MATCH=citizen.get(f"{URL}/{code}")["ETag"])
    assert again.status_code in (200, 201), again.content
    row = GroupMember.objects.get(parent=parent, key="funeral_allowance", attempt=2)
    assert row.child.agency.code == "BHXH" and row.child.form_data["linked_results"]["death"]
    assert Dossier.objects.get(pk=kids["death"].pk).state == "result_issued"
    assert Dossier.objects.get(pk=kids["residence_removal"].pk).state == "result_issued"
    run_to_result(row.child, "BHXH", (2026, 3, 4))
    assert Dossier.objects.get(code=code).state == "result_issued"


@pytest.mark.parametrize("bad", [[2], [-1, "working_days"], [2, "fortnights"], ["2", "working_days"]])
def test_a_malformed_limit_setting_is_named(bad, settings):
    from django.core.exceptions import ImproperlyConfigured

    from motcua.dossiers import groups

    settings.MOTCUA_GROUP_LIMITS = {GROUP: {"funeral_allowance": bad}}
    spec = groups.group_spec(GROUP)
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_GROUP_LIMITS"):
        groups.member_limit(spec, spec.member("funeral_allowance"))
