"""Test helpers: people with steering roles, agency officers, reports, and instants in Vietnam's time zone."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model

from motcua.core.calendar import TZ
from motcua.steering import services
from motcua.steering.models import RoleKind
from motcua.units.models import Agency, Membership


def vn(y: int, m: int, d: int, h: int = 9, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=TZ)


def person(username: str, role: str | None = None, *, organisation: str = "", email: str = "", phone: str = "",
           since: date | None = None):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email,
                                                                                  "first_name": username})
    if role:
        services.grant_role(user, role, organisation=organisation, phone=phone, since=since)
    return user


def member(username: str = "member-vcci", **kw):
    kw.setdefault("organisation", "VCCI")
    return person(username, RoleKind.COUNCIL_MEMBER, **kw)


def standing(username: str = "standing-vpcp"):
    return person(username, RoleKind.STANDING_OFFICER, organisation="Văn phòng Chính phủ")


def leader(username: str = "group-leader"):
    return person(username, RoleKind.GROUP_LEADER)


def officer(agency_code: str, username: str | None = None, role: str = "leader"):
    user = person(username or f"officer-{agency_code.lower().replace('.', '-')}")
    Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=agency_code), role=role)
    return user


OBSTACLE = {"legal_document": "Thông tư 01/2018/TT-VPCP", "difficulty": "Biểu mẫu chưa thống nhất.",
            "effect": "Khó tổng hợp.", "proposal": "Ban hành biểu mẫu điện tử thống nhất."}


def report(user, period: str, at: datetime, n: int = 1, kind: str = "monthly", **extra):
    return services.submit_report(user, kind=kind, period=period, at=at,
                                  obstacles=[{**OBSTACLE, **extra} for _ in range(n)])
