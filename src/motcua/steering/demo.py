"""Demo data for the Working Group's follow-up (``motcua steering demo``): accounts, Announcement 437/TB-VPCP as a
directive with its five tasks, and a few Advisory Council reports in different states.

Idempotent: a second run finds everything in place and changes nothing. Refused in production. Every account has the
demo password (``motcua-demo``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.core.calendar import TZ
from motcua.units.models import Agency, Membership, Role

from . import services
from .models import Directive, ObstacleReport, RoleKind, TaskAssignment
from .rules import Period

ANNOUNCEMENT_437 = Path(__file__).resolve().parent / "data" / "announcement-437.json"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    role: str
    first_name: str
    last_name: str
    organisation: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""


# Council members represent business associations and experts (the Advisory Council's make-up, Decision
# 1758/QĐ-TTg 2023 [open: names here are fictitious]).
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("demo-vpcp-standing", RoleKind.STANDING_OFFICER, "Cán bộ thường trực VPCP", "",
               "Văn phòng Chính phủ", "Chuyên viên Cục Kiểm soát TTHC", "thuongtruc@vpcp.example.vn"),
    DemoPerson("demo-working-group-leader", RoleKind.GROUP_LEADER, "Tổ trưởng Tổ công tác", "",
               "Tổ công tác cải cách TTHC của Thủ tướng Chính phủ", "Tổ trưởng", "totruong@vpcp.example.vn"),
    DemoPerson("demo-council-vcci", RoleKind.COUNCIL_MEMBER, "Hoàng Văn An", "",
               "Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI)", "Thành viên Hội đồng",
               "hoidong.vcci@example.vn", "0912000001"),
    DemoPerson("demo-council-vinasme", RoleKind.COUNCIL_MEMBER, "Đỗ Thị Bình", "",
               "Hiệp hội Doanh nghiệp nhỏ và vừa Việt Nam", "Thành viên Hội đồng", "hoidong.sme@example.vn"),
    DemoPerson("demo-council-vnba", RoleKind.COUNCIL_MEMBER, "Phan Quốc Cường", "",
               "Hiệp hội Ngân hàng Việt Nam", "Thành viên Hội đồng", "hoidong.vnba@example.vn", "0912000003"),
    DemoPerson("demo-council-expert", RoleKind.COUNCIL_MEMBER, "Vũ Thị Dung", "",
               "Chuyên gia độc lập", "Thành viên Hội đồng", "", "0912000004"),
)


@dataclass
class SteeringDemoSummary:
    users_created: list[str] = field(default_factory=list)
    directive_created: bool = False
    reports_created: int = 0


def load_announcement_437() -> dict:
    return json.loads(ANNOUNCEMENT_437.read_text(encoding="utf-8"))


def _people() -> dict[str, object]:
    User = get_user_model()
    created, users = [], {}
    hashed = None
    from motcua.core.demo_accounts import DEMO_PASSWORD

    for person in DEMO_PEOPLE:
        user, made = User.objects.get_or_create(
            username=person.username, defaults={"first_name": person.first_name, "last_name": person.last_name,
                                                "email": person.email, "is_staff": False})
        if made:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            created.append(person.username)
        if not user.steering_roles.filter(role=person.role).exists():
            services.grant_role(user, person.role, organisation=person.organisation, title=person.title,
                                phone=person.phone, since=date(2023, 10, 1))
        users[person.username] = user
    from motcua.core.demo_accounts import mark

    mark(list(users.values()))  # refused in production (issue 12 point 4)
    standing = users["demo-vpcp-standing"]
    vpcp = Agency.objects.filter(code=services.standing_agency_code()).first()
    if vpcp is not None:
        Membership.objects.get_or_create(user=standing, agency=vpcp, role=Role.SPECIALIST)
    users["_created"] = created
    return users


def _demo_procedures() -> list[str]:
    return list(Procedure.objects.filter(current_version__isnull=False).order_by("code")
                .values_list("code", flat=True)[:3])


def load_demo(today: date | None = None) -> SteeringDemoSummary:
    """Create the demo accounts, Announcement 437 and a few obstacle reports (once)."""
    if settings.ENVIRONMENT == "production":
        raise RuntimeError("Demo data is not loaded when MOTCUA_ENV=production.")
    today = today or services.now().astimezone(TZ).date()
    summary = SteeringDemoSummary()
    with transaction.atomic():
        users = _people()
        summary.users_created = users.pop("_created")
        standing = users["demo-vpcp-standing"]
        data = load_announcement_437()
        if not Directive.objects.filter(number=data["number"]).exists():
            issued = datetime.combine(date.fromisoformat(data["issued_on"]), time(16, 0), tzinfo=TZ)
            services.create_directive(standing, at=issued, **data)
            summary.directive_created = True
            User = get_user_model()
            officer = User.objects.filter(username="demo-btp-leader").first()
            btp = TaskAssignment.objects.filter(task__directive__number=data["number"], task__number=1,
                                                agency__code="BTP").first()
            if officer is not None and btp is not None:
                services.act_on_assignment(
                    officer, btp, "report_progress", at=issued + timedelta(days=45),
                    note="Đã rà soát 42 thủ tục hành chính lĩnh vực hộ tịch, chứng thực; đề xuất đơn giản hóa 12 "
                         "thủ tục (ví dụ minh họa).")
        if not ObstacleReport.objects.filter(member__user__username__startswith="demo-council-").exists():
            summary.reports_created = _demo_reports(users, standing, today)
    return summary


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def _demo_reports(users: dict, standing, today: date) -> int:
    """Last month: two members report (one obstacle resolved, one assigned to the Ministry of Justice); this month
    one member reports, so the others show as not reported yet."""
    codes = _demo_procedures()
    this = Period.of(today)
    last = this.previous()
    first = _at(last.first_day + timedelta(days=4))
    obstacle_a = {"procedure": codes[0] if codes else "", "legal_document": "" if codes else "123/2015/NĐ-CP",
                  "difficulty": "Người dân phải nộp bản sao giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
                  "effect": "Tăng chi phí tuân thủ, kéo dài thời gian chuẩn bị hồ sơ.",
                  "proposal": "Khai thác dữ liệu dân cư thay cho yêu cầu nộp bản sao."}
    # law-citation: data — the regulation an obstacle report is about.
    obstacle_b = {"legal_document": "Thông tư 01/2018/TT-VPCP",
                  "difficulty": "Biểu mẫu theo dõi hồ sơ chưa thống nhất giữa các địa phương.",
                  "effect": "Khó tổng hợp, so sánh kết quả giải quyết TTHC.",
                  "proposal": "Ban hành biểu mẫu điện tử thống nhất trên Cổng Dịch vụ công quốc gia."}
    report1 = services.submit_report(users["demo-council-vcci"], kind="monthly", period=str(last),
                                     obstacles=[obstacle_a], at=first)
    report2 = services.submit_report(users["demo-council-vnba"], kind="monthly", period=str(last),
                                     obstacles=[obstacle_b], at=first + timedelta(days=2))
    count = 2
    a = report1.obstacles.get()
    b = report2.obstacles.get()
    btp = Agency.objects.filter(code="BTP").first()
    h01 = Agency.objects.filter(code="H01").first()
    if btp is not None:
        services.act_on_obstacle(standing, a, "assign", agency=btp, working_days=10, at=first + timedelta(days=3))
        officer = get_user_model().objects.filter(username="demo-btp-leader").first()
        if officer is not None:
            services.act_on_obstacle(officer, a, "answer", at=first + timedelta(days=10),
                                     note="Đã sửa quy trình: cán bộ tra cứu dữ liệu dân cư, không yêu cầu bản sao.")
            services.act_on_obstacle(standing, a, "confirm", at=first + timedelta(days=12))
    if h01 is not None:
        services.act_on_obstacle(standing, b, "assign", agency=h01, working_days=5, at=first + timedelta(days=5))
    if today.day > 1:
        services.submit_report(users["demo-council-vinasme"], kind="monthly", period=str(this), obstacles=[],
                               note="Không phát sinh vướng mắc mới trong tháng.", at=_at(this.first_day, 10))
        count += 1
    return count
