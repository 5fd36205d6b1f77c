"""The steering API (/api/v1/steering/): a member reports, the standing agency assigns, the agency answers, the
leader reads the monthly figures; errors are problem+json (400 fields, 403, 404, 409 allowed actions, 412)."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from motcua.steering import demo, services
from motcua.steering.models import Obstacle, TaskAssignment

from .factories import OBSTACLE, leader, member, officer, standing

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_report_assign_answer_confirm_over_the_api():
    m, boss, btp, chief = member(), standing(), officer("BTP"), leader()
    today = services.now().date()
    r = client_for(m).post("/api/v1/steering/reports", {"kind": "ad_hoc", "obstacles": [OBSTACLE]}, format="json")
    assert r.status_code == 201, r.content
    code = r.json()["obstacles"][0]["code"]
    assert r.json()["period"] == f"{today:%Y-%m}"
    # The agency does not see it before it is assigned to it; the standing agency does, with its allowed actions.
    assert client_for(btp).get(f"/api/v1/steering/obstacles/{code}").status_code == 404
    detail = client_for(boss).get(f"/api/v1/steering/obstacles/{code}").json()
    assert detail["allowed_actions"] == ["assign", "reject"] and detail["member"] == "member-vcci (VCCI)"
    r = client_for(boss).post(f"/api/v1/steering/obstacles/{code}/actions/assign",
                              {"agency": "BTP", "working_days": 10, "expected_version": 1}, format="json")
    assert r.status_code == 200 and r.json()["agency"] == "BTP" and r.json()["due_date"] > today.isoformat()
    assert client_for(btp).get("/api/v1/steering/obstacles").json()["count"] == 1
    r = client_for(btp).post(f"/api/v1/steering/obstacles/{code}/actions/answer", {"note": "Đã sửa."},
                             format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = client_for(boss).post(f"/api/v1/steering/obstacles/{code}/actions/confirm", {}, format="json")
    assert r.json()["status"] == "resolved"
    assert [e["action"] for e in r.json()["events"]] == ["submit", "assign", "answer", "confirm"]
    figures = client_for(chief).get(f"/api/v1/steering/figures/{today:%Y-%m}").json()
    assert figures["new"] == 1 and figures["resolved"] == 1 and figures["members_expected"] == 1


def test_errors_are_problems():
    m, boss, btp = member(), standing(), officer("BTP")
    r = client_for(m).post("/api/v1/steering/reports", {"kind": "monthly", "period": "2099-01",
                                                         "obstacles": [{**OBSTACLE, "difficulty": ""}]},
                           format="json")
    assert r.status_code == 400 and r["Content-Type"] == PROBLEM
    assert "obstacles[0].difficulty" in r.json()["errors"]
    r = client_for(m).post("/api/v1/steering/reports", {"kind": "monthly", "period": "2099-01",
                                                         "obstacles": [OBSTACLE]}, format="json")
    assert r.status_code == 400 and "period" in r.json()["errors"]
    assert client_for(btp).post("/api/v1/steering/reports", {"kind": "ad_hoc", "obstacles": [OBSTACLE]},
                                format="json").status_code == 403
    assert APIClient().get("/api/v1/steering/obstacles").status_code in (401, 403)
    code = client_for(m).post("/api/v1/steering/reports", {"kind": "ad_hoc", "obstacles": [OBSTACLE]},
                              format="json").json()["obstacles"][0]["code"]
    r = client_for(boss).post(f"/api/v1/steering/obstacles/{code}/actions/confirm", {}, format="json")
    assert r.status_code == 409 and r.json()["allowed_actions"] == ["assign", "reject"]
    r = client_for(boss).post(f"/api/v1/steering/obstacles/{code}/actions/assign",
                              {"agency": "BTP", "working_days": 5, "expected_version": 7}, format="json")
    assert r.status_code == 412
    r = client_for(boss).post(f"/api/v1/steering/obstacles/{code}/actions/assign",
                              {"agency": "NOPE", "working_days": 5}, format="json")
    assert r.status_code == 400 and "agency" in r.json()["errors"]
    assert client_for(m).get("/api/v1/steering/figures/2026-11").status_code == 403
    assert client_for(boss).get("/api/v1/steering/figures/11-2026").status_code == 400
    assert client_for(boss).get("/api/v1/steering/obstacles/VM000000-99999").status_code == 404
    assert Obstacle.objects.get(code=code).status == "submitted"


def test_directives_and_tasks_over_the_api():
    boss, vpcp, chief = standing(), officer("VPCP"), leader()
    r = client_for(boss).post("/api/v1/steering/directives", demo.load_announcement_437(), format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["tasks"][4]["deadline"] == "Tháng 10/2023"
    tasks = client_for(vpcp).get("/api/v1/steering/tasks").json()
    mine = [t for t in tasks["results"] if t["agency"] == "VPCP"]
    assert len(mine) == 5 and {t["overdue"] for t in mine if t["task_number"] == 5} == {True}
    fifth = next(t for t in mine if t["task_number"] == 5)
    r = client_for(vpcp).post(f"/api/v1/steering/tasks/{fifth['id']}/actions/complete",
                              {"note": "Đã trình ký Chỉ thị."}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["overdue"] is False
    r = client_for(vpcp).post(f"/api/v1/steering/tasks/{fifth['id']}/actions/complete", {"note": "x"},
                              format="json")
    assert r.status_code == 409
    detail = client_for(chief).get(f"/api/v1/steering/directives/{pk}").json()
    assert detail["tasks"][4]["progress"]["done"] == 1
    overview = client_for(chief).get("/api/v1/steering/overview?as_of=2023-11-01").json()
    assert overview["overdue_tasks"] == []
    assert client_for(vpcp).post("/api/v1/steering/directives", demo.load_announcement_437(),
                                 format="json").status_code == 403
    r = client_for(boss).post("/api/v1/steering/directives", demo.load_announcement_437(), format="json")
    assert r.status_code == 400 and "number" in r.json()["errors"]
    other = TaskAssignment.objects.exclude(agency__code="VPCP").first()
    assert client_for(vpcp).get(f"/api/v1/steering/tasks/{other.pk}").status_code == 404
    overdue = client_for(boss).get("/api/v1/steering/tasks?overdue=1&as_of=2023-11-01").json()
    assert overdue["count"] == 0
    assert date.fromisoformat(fifth["deadline_last_day"]) == date(2023, 10, 31)
