"""``POST /api/v1/dossiers`` with ``"group"`` (issue 4 point 8): the parent with its children in one response; the
detail shows the group; the parent refuses direct actions with a 422 problem; bad input is a 400."""

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.api_clients import client_for, user

from .factories import CITIZEN, procedure

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers"
RECEIVING = "H01.TTPVHCC"


def body(**overrides):
    data = {"group": "LT-KS-TT-BHYT", "agency": RECEIVING, "channel": "online", "applicant": dict(CITIZEN),
            "form_data": {"child": {"full_name": "Nguyễn Thị Bé", "birth_date": "2026-02-20"}}}
    data.update(overrides)
    return data


@pytest.fixture
def citizen():
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    return client_for(user(CITIZEN["personal_id"]))


def test_group_submission_returns_the_parent_and_its_children(citizen):
    response = citizen.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="group-1")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["procedure"] == "2.000986" and data["state"] == "submitted" and data["due_at"]
    members = data["group"]["members"]
    assert [(m["key"], m["agency"], m["state"]) for m in members] == [
        ("birth", RECEIVING, "submitted"), ("residence", "BCA", "submitted"), ("health_insurance", "BHXH", "submitted")]
    assert all(m["child"] and m["due_at"] for m in members)
    replay = citizen.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="group-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["code"] == data["code"] and Dossier.objects.count() == 4
    detail = citizen.get(response["Location"]).json()
    assert detail["group"]["role"] == "parent" and len(detail["group"]["members"]) == 3
    child = citizen.get(f"{URL}/{members[1]['child']}").json()
    assert child["group"] == {"code": "LT-KS-TT-BHYT", "role": "child", "parent": data["code"], "member": "residence",
                              "attempt": 1, "origin": None}
    desk = client_for(user("desk", ("desk_officer", RECEIVING)))
    refused = desk.post(f"{URL}/{data['code']}/actions/receive", {}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert refused.status_code == 422, refused.content
    assert refused.json()["rule"] == "group_parent_derived"


@pytest.mark.parametrize("overrides, field", [
    ({"procedure": "1.001193"}, "procedure"),  # both
    ({"group": ""}, "group"),
    ({"group": "NO-SUCH"}, "group"),
])
def test_bad_group_submissions_are_400_and_write_nothing(citizen, overrides, field):
    response = citizen.post(URL, body(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert Dossier.objects.count() == 0


def test_the_applicant_submits_a_refused_member_again(citizen):
    from motcua.dossiers.models import GroupMember

    from .factories import Flow, vn

    created = citizen.post(URL, body(), format="json")
    parent = created.json()["code"]
    refused = GroupMember.objects.get(parent__code=parent, key="health_insurance").child
    flow = Flow(refused, "BHXH")
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 10, 5), data={"assignee": "specialist-BHXH"})
    flow("refuse", "leader", vn(2026, 3, 2, 11), reason="Thiếu thông tin")
    url = f"{URL}/{parent}/actions/resubmit_child"
    current = citizen.get(f"{URL}/{parent}")
    assert current.json()["state"] == "processing"  # one member ended, two still open
    assert citizen.post(url, {"data": {"member": "health_insurance"}}, format="json",
                        HTTP_IF_MATCH='"1"').status_code == 412
    assert citizen.post(url, {"data": {}}, format="json", HTTP_IF_MATCH=current["ETag"]).status_code == 400
    not_ended = citizen.post(url, {"data": {"member": "birth"}}, format="json", HTTP_IF_MATCH=current["ETag"])
    assert not_ended.status_code == 422 and not_ended.json()["rule"] == "member_not_ended"
    again = citizen.post(url, {"data": {"member": "health_insurance"}}, format="json", HTTP_IF_MATCH=current["ETag"])
    assert again.status_code == 200, again.content
    data = again.json()
    assert data["state"] == "submitted"
    insurance = [m for m in data["group"]["members"] if m["key"] == "health_insurance"]
    assert [(m["attempt"], m["state"]) for m in insurance] == [(1, "refused"), (2, "submitted")]
    assert citizen.post(url, {"data": {"member": "health_insurance"}}, format="json",
                        HTTP_IF_MATCH=again["ETag"]).json()["rule"] == "member_not_ended"
