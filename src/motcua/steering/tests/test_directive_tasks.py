"""Issue 5 point 6: directives with numbered tasks assigned to agencies with deadlines (month precision included),
agencies report progress, overdue tasks flagged, a task list per agency and an overview for the standing agency."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from motcua.steering import demo, queries, services
from motcua.steering.models import Directive, SteeringEvent, TaskAssignment
from motcua.units.models import Agency, AgencyKind

from .factories import officer, standing, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcement():
    return services.create_directive(standing(), at=vn(2023, 10, 16, 16), **demo.load_announcement_437())


def test_announcement_437_becomes_five_tasks(announcement):
    tasks = list(announcement.tasks.all())
    assert [t.number for t in tasks] == [1, 2, 3, 4, 5]
    ministries_and_provinces = Agency.objects.filter(kind__in=[AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL,
                                                               AgencyKind.PROVINCIAL_COMMITTEE]).count()
    assert ministries_and_provinces >= 34 + 14
    assert [t.assignments.count() for t in tasks] == [ministries_and_provinces] * 4 + [1]
    fifth = tasks[4]
    assert fifth.deadline.label == "Tháng 10/2023" and fifth.deadline_date == date(2023, 10, 31)
    assert fifth.assignments.get().agency.code == "VPCP"
    assert tasks[0].deadline.label == "Thường xuyên"
    assert "Văn phòng Chính phủ" in announcement.source
    assert SteeringEvent.objects.filter(assignment__task__directive=announcement, action="assign").count() == \
        4 * ministries_and_provinces + 1


def test_month_deadline_is_overdue_from_the_next_month(announcement):
    assert queries.overdue_tasks(None, date(2023, 10, 31)) == []
    overdue = queries.overdue_tasks(None, date(2023, 11, 1))
    assert [(t.directive, t.task_number, t.agency, t.deadline, t.days_overdue) for t in overdue] == [
        ("437/TB-VPCP", 5, "VPCP", "Tháng 10/2023", 1)]
    assert queries.overdue_tasks("BTP", date(2024, 1, 1)) == []  # continuous tasks are never overdue


def test_agencies_report_progress_and_completion(announcement):
    vpcp = officer("VPCP", "vpcp-officer")
    fifth = TaskAssignment.objects.get(task__directive=announcement, task__number=5)
    services.act_on_assignment(vpcp, fifth, "report_progress", note="Đã hoàn thiện dự thảo Chỉ thị.",
                               at=vn(2023, 10, 20))
    services.act_on_assignment(vpcp, fifth, "complete", note="Đã trình ký.", at=vn(2023, 10, 27))
    fifth.refresh_from_db()
    assert (fifth.status, fifth.progress, fifth.completed_at) == ("done", "Đã trình ký.", vn(2023, 10, 27))
    assert queries.overdue_tasks(None, date(2023, 11, 1)) == []
    assert [e.action for e in fifth.events.order_by("seq")] == ["assign", "report_progress", "complete"]


def test_only_the_assigned_agency_reports_and_only_the_standing_agency_extends(announcement):
    btp_task = TaskAssignment.objects.get(task__directive=announcement, task__number=1, agency__code="BTP")
    with pytest.raises(PermissionDenied):
        services.act_on_assignment(officer("BCA"), btp_task, "report_progress", note="x")
    with pytest.raises(PermissionDenied):
        services.act_on_assignment(officer("BTP"), btp_task, "extend", deadline="12/2023", note="x")
    with pytest.raises(ValidationError) as bad:
        services.act_on_assignment(standing(), btp_task, "extend", deadline="13/2023", note="Gia hạn.")
    assert "deadline" in bad.value.message_dict
    services.act_on_assignment(standing(), btp_task, "extend", deadline="quý I/2024", note="Gia hạn.",
                               at=vn(2023, 11, 2))
    btp_task.refresh_from_db()
    assert btp_task.deadline.label == "Quý I/2024"
    assert [t.agency for t in queries.overdue_tasks("BTP", date(2024, 4, 1))] == ["BTP"]
    # The province's officers of any body under it act for the province.
    h01 = TaskAssignment.objects.get(task__directive=announcement, task__number=2, agency__code="H01")
    services.act_on_assignment(officer("H01.TTPVHCC"), h01, "report_progress", note="Đã kết nối.")


def test_overdue_scope_includes_the_bodies_under_an_agency():
    directive = services.create_directive(standing(), number="99/TB-VPCP", kind="conclusion", title="Thử",
                                          issued_on="2026-01-05", issuer="VPCP", at=vn(2026, 1, 5), tasks=[
                                              {"number": 1, "text": "Việc A", "deadline": "2/2026",
                                               "agencies": ["H01", "H01.STP", "BTP"]}])
    rows = queries.overdue_tasks("H01", date(2026, 3, 1))
    assert sorted(r.agency for r in rows) == ["H01", "H01.STP"]
    overview = {r["agency"]: r for r in queries.agency_overview(date(2026, 3, 1))}
    assert overview["BTP"]["tasks_overdue"] == 1 and overview["H01"]["tasks_open"] == 1
    assert queries.task_overview(date(2026, 3, 1), directive)[0]["overdue"] == 3


def test_bad_directives_change_nothing():
    boss = standing()
    base = {"number": "1/CT-TTg", "kind": "directive", "title": "T", "issued_on": "2026-01-05", "issuer": "TTg"}
    cases = [
        ({"tasks": []}, "tasks"),
        ({"tasks": [{"number": 1, "text": "A", "deadline": "tháng 13/2026", "agencies": ["BTP"]}]},
         "tasks[0].deadline"),
        ({"tasks": [{"number": 1, "text": "A", "deadline": "", "agencies": ["XYZ"]}]}, "tasks[0].agencies"),
        ({"tasks": [{"number": 1, "text": "A", "agencies": ["BTP"]}, {"number": 1, "text": "B",
                                                                      "agencies": ["BTP"]}]}, "tasks[1].number"),
        ({"kind": "law", "tasks": [{"number": 1, "text": "A", "agencies": ["BTP"]}]}, "kind"),
        ({"issued_on": "05/01/2026", "tasks": [{"number": 1, "text": "A", "agencies": ["BTP"]}]}, "issued_on"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.create_directive(boss, **{**base, **extra})
        assert field in caught.value.message_dict, (extra, caught.value.message_dict)
    assert not Directive.objects.exists()
    with pytest.raises(PermissionDenied):
        services.create_directive(officer("BTP"), **base, tasks=[{"number": 1, "text": "A", "agencies": ["BTP"]}])


def test_demo_command_is_idempotent(capsys):
    call_command("steering", "demo")
    call_command("steering", "demo")
    out = capsys.readouterr().out
    assert "0 accounts created" in out and "already present" in out
    assert Directive.objects.filter(number="437/TB-VPCP").count() == 1
    call_command("steering", "overdue", "--as-of", "2023-11-01")
    assert "437/TB-VPCP #5\tVPCP\tTháng 10/2023\t1 days overdue" in capsys.readouterr().out
