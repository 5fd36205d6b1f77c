"""Builders for dossier tests: a published procedure, officers with roles, a submitted dossier, and a flow that
acts with the current version."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from motcua.catalog.records import ChannelRecord, FeeRecord, TimeLimit
from motcua.catalog.tests.factories import create_procedure
from motcua.core.calendar import TZ, WorkingCalendar
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.units.models import Agency, Membership

AGENCY = "H01.TTPVHCC"
CITIZEN = {"kind": "citizen", "personal_id": "001090012345", "full_name": "Nguyễn Văn An", "phone": "0912345678",
           "email": "an@example.vn", "address": "Hà Nội"}
CALENDAR = WorkingCalendar()  # statutory holidays, default office hours


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=TZ)


def procedure(code: str = "1.000001", amount: int | None = 5, unit: str = "working_days", kinds=("in_person", "online",
              "postal")):
    """A published procedure whose channels all have the given time limit."""
    limit = None if not unit else TimeLimit(Decimal(amount) if amount is not None else None, unit)
    channels = [ChannelRecord(kind, limit, f"{amount} {unit}", [FeeRecord(0, "Miễn phí")], kind) for kind in kinds]
    return create_procedure(code, "Thủ tục thử", channels=channels)


def officer(username: str, role: str, agency: str = AGENCY):
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=agency), role=role)
    return user


def submitted(code: str = "1.000001", at: datetime | None = None, channel: str = "online", agency: str = AGENCY,
              **kwargs) -> Dossier:
    return services.submit(code, agency, channel, dict(CITIZEN), {"field": "value"}, at=at or vn(2026, 3, 2, 9),
                           **kwargs)


class Flow:
    """Acts on one dossier as the named roles, always with the current version."""

    def __init__(self, dossier: Dossier, agency: str = AGENCY) -> None:
        self.code = dossier.code
        self.dossier = dossier
        self.users = {role: officer(f"{role}-{agency}", role, agency)
                      for role in ("desk_officer", "specialist", "leader", "supervisor")}

    def __call__(self, action: str, role: str, at: datetime, **kwargs) -> Dossier:
        actor = None if role in ("system", "applicant") else self.users[role]
        self.dossier = services.act(self.code, action, actor=actor, role=role,
                                    expected_version=self.dossier.version, at=at, calendar=CALENDAR, **kwargs)
        return self.dossier
