"""Issue 5 point 5: a council member reports obstacles; the standing agency triages, assigns to a ministry or
province with a deadline on the working calendar, and follows each obstacle to resolution; every change is one
hash-chained, append-only event."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from motcua.catalog.models import LegalDocument, Procedure, ProcedureVersion, Sector
from motcua.core.calendar import WorkingCalendar
from motcua.core.chain import GENESIS, link_hash
from motcua.core.models import CalendarException, CalendarExceptionKind
from motcua.steering import services
from motcua.steering.models import AppendOnlyError, Obstacle, SteeringEvent
from motcua.steering.rules import ObstacleState

from .factories import OBSTACLE, member, officer, report, standing, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_procedure():
    sector = Sector.objects.create(name="Hộ tịch")
    proc = Procedure.objects.create(code="1.000893")
    version = ProcedureVersion.objects.create(procedure=proc, name="Đăng ký khai sinh", sector=sector)
    proc.current_version = version
    proc.save()
    return proc


def test_a_member_reports_obstacles_naming_a_procedure_or_a_regulation(catalog_procedure):
    LegalDocument.objects.create(number="123/2015/NĐ-CP")
    user = member()
    rep = services.submit_report(user, kind="monthly", period="2026-11", at=vn(2026, 11, 5), obstacles=[
        {"procedure": "1.000893", "difficulty": "Phải nộp bản sao giấy tờ.", "effect": "Tốn thời gian.",
         "proposal": "Khai thác dữ liệu dân cư."},
        {"legal_document": "123/2015/nđ-cp", "difficulty": "d", "effect": "e", "proposal": "p"},
        {"legal_document": "Quyết định 9/2099/QĐ-UBND", "difficulty": "d", "effect": "e", "proposal": "p"},
    ])
    first, second, third = rep.obstacles.order_by("number")
    assert first.procedure == catalog_procedure and first.sector.name == "Hộ tịch"
    assert second.legal_document.number == "123/2015/NĐ-CP" and second.legal_reference == ""
    assert third.legal_document is None and third.legal_reference == "Quyết định 9/2099/QĐ-UBND"
    assert first.code.startswith("VM202611-") and first.status == ObstacleState.SUBMITTED
    assert [e.action for e in first.events.all()] == ["submit"]


def test_bad_reports_change_nothing():
    user = member()
    cases = [
        ({"kind": "monthly", "period": "2026-12", "obstacles": [OBSTACLE]}, "period"),   # month not begun
        ({"kind": "weekly", "period": "2026-11", "obstacles": [OBSTACLE]}, "kind"),
        ({"kind": "ad_hoc", "period": "2026-11", "obstacles": []}, "obstacles"),
        ({"kind": "monthly", "period": "2026-11", "obstacles": [{"difficulty": "d", "effect": "e",
                                                                 "proposal": "p"}]}, "obstacles[0].procedure"),
        ({"kind": "monthly", "period": "2026-11", "obstacles": [{**OBSTACLE, "proposal": " "}]},
         "obstacles[0].proposal"),
        ({"kind": "monthly", "period": "2026-11", "obstacles": [{**OBSTACLE, "procedure": "9.999999"}]},
         "obstacles[0].procedure"),
        ({"kind": "monthly", "period": "2026-11", "obstacles": [{**OBSTACLE, "effect": "x" * 5001}]},
         "obstacles[0].effect"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.submit_report(user, at=vn(2026, 11, 5), **kwargs)
        assert field in caught.value.message_dict, (kwargs, caught.value.message_dict)
    assert not Obstacle.objects.exists() and not SteeringEvent.objects.exists()


def test_one_monthly_report_per_member_and_month_but_ad_hoc_reports_any_time():
    user = member()
    report(user, "2026-11", vn(2026, 11, 2))
    with pytest.raises(ValidationError, match="2026-11"):
        report(user, "2026-11", vn(2026, 11, 3))
    report(user, "2026-11", vn(2026, 11, 3), kind="ad_hoc")
    report(user, "2026-10", vn(2026, 11, 3))  # a late report for last month
    assert user.steering_roles.get().reports.count() == 3


def test_only_council_members_report():
    with pytest.raises(PermissionDenied):
        services.submit_report(officer("BTP"), kind="monthly", period="2026-11", obstacles=[OBSTACLE],
                               at=vn(2026, 11, 2))


def test_assignment_with_working_days_follows_the_agency_calendar():
    obstacle = report(member(), "2026-11", vn(2026, 11, 2)).obstacles.get()
    # Friday 20/11/2026; 24/11 (Tuesday) is Vietnam Culture Day from 2026; an extra day off on Wednesday 25/11.
    CalendarException.objects.create(date=date(2026, 11, 25), kind=CalendarExceptionKind.DAY_OFF)
    services.act_on_obstacle(standing(), obstacle, "assign", agency="BTP", working_days=3, at=vn(2026, 11, 20))
    obstacle.refresh_from_db()
    expected = WorkingCalendar.from_db().add_working_days(date(2026, 11, 20), 3)
    assert obstacle.due_date == expected
    assert expected == date(2026, 11, 27) or not WorkingCalendar.from_db().is_working_day(date(2026, 11, 24))
    assert obstacle.agency.code == "BTP" and obstacle.status == ObstacleState.ASSIGNED


def test_the_whole_follow_up_until_resolved():
    boss, btp = standing(), officer("BTP", "btp-leader")
    obstacle = report(member(), "2026-11", vn(2026, 11, 2)).obstacles.get()
    services.act_on_obstacle(boss, obstacle, "assign", agency="BTP", due_date=date(2026, 12, 15),
                             at=vn(2026, 11, 3))
    services.act_on_obstacle(btp, obstacle, "report_progress", note="Đang dự thảo sửa đổi.", at=vn(2026, 11, 10))
    services.act_on_obstacle(btp, obstacle, "answer", note="Đã sửa Thông tư.", at=vn(2026, 11, 20))
    services.act_on_obstacle(boss, obstacle, "reopen", note="Chưa áp dụng ở địa phương.", at=vn(2026, 11, 21))
    services.act_on_obstacle(btp, obstacle, "answer", note="Đã hướng dẫn địa phương.", at=vn(2026, 11, 25))
    services.act_on_obstacle(boss, obstacle, "confirm", at=vn(2026, 11, 26), expected_version=6)
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleState.RESOLVED and obstacle.version == 7
    assert obstacle.resolved_at == vn(2026, 11, 26)
    events = list(obstacle.events.order_by("seq"))
    assert [e.action for e in events] == ["submit", "assign", "report_progress", "answer", "reopen", "answer",
                                          "confirm"]
    assert [e.role for e in events] == ["council_member", "standing_officer", "agency", "agency",
                                        "standing_officer", "agency", "standing_officer"]
    prev = GENESIS
    for e in events:  # one chain per obstacle
        assert e.prev_hash == prev and e.hash == link_hash(prev, e.chain_content())
        prev = e.hash


def test_refusals_name_the_reason_and_change_nothing():
    boss, btp, h01 = standing(), officer("BTP"), officer("H01.STP", "h01-stp")
    obstacle = report(member(), "2026-11", vn(2026, 11, 2)).obstacles.get()
    with pytest.raises(PermissionDenied):
        services.act_on_obstacle(btp, obstacle, "assign", agency="BTP", working_days=5)
    with pytest.raises(services.TransitionRefused) as refused:
        services.act_on_obstacle(boss, obstacle, "confirm")
    assert refused.value.allowed == ["assign", "reject"]
    with pytest.raises(ValidationError) as bad:
        services.act_on_obstacle(boss, obstacle, "assign", agency="H01.X00070", working_days=5)  # a commune
    assert "agency" in bad.value.message_dict
    with pytest.raises(ValidationError):
        services.act_on_obstacle(boss, obstacle, "reject", note="")  # a rejection needs its reason
    services.act_on_obstacle(boss, obstacle, "assign", agency="H01", working_days=5, at=vn(2026, 11, 3))
    with pytest.raises(PermissionDenied):  # the Ministry of Justice is not the assigned agency
        services.act_on_obstacle(btp, obstacle, "answer", note="x")
    with pytest.raises(services.StaleVersion):
        services.act_on_obstacle(h01, obstacle, "answer", note="x", expected_version=1)
    # An officer of a body under the province answers for the province.
    services.act_on_obstacle(h01, obstacle, "answer", note="Đã xử lý.", expected_version=2, at=vn(2026, 11, 4))
    assert Obstacle.objects.get(pk=obstacle.pk).version == 3


def test_a_rejected_obstacle_stays_with_its_reason():
    obstacle = report(member(), "2026-11", vn(2026, 11, 2)).obstacles.get()
    services.act_on_obstacle(standing(), obstacle, "reject", note="Trùng với VM đã báo cáo.", at=vn(2026, 11, 3))
    obstacle.refresh_from_db()
    assert obstacle.status == "rejected" and obstacle.events.last().note == "Trùng với VM đã báo cáo."


def test_events_are_append_only():
    obstacle = report(member(), "2026-11", vn(2026, 11, 2)).obstacles.get()
    event = obstacle.events.get()
    event.note = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SteeringEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {SteeringEvent._meta.db_table} SET note = 'x' WHERE id = %s", [event.pk])
    assert SteeringEvent.objects.get(pk=event.pk).note == ""
