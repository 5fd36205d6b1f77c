"""Builders for PAKN tests: a report about a procedure, officers with roles, a flow that acts with the current
version, and an item taken all the way to publication."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model

from motcua.dossiers.tests.factories import procedure, vn
from motcua.feedback import services
from motcua.feedback.models import Feedback
from motcua.units.models import Agency, Membership

AGENCY = "H01.TTPVHCC"
OTHER_AGENCY = "BTP"
SUBMITTER = {"name": "Nguyễn Văn An", "phone": "0912345678", "email": "an@example.vn", "address": "Hoàn Kiếm, Hà Nội"}

__all__ = ["AGENCY", "OTHER_AGENCY", "SUBMITTER", "Flow", "citizen", "officer", "procedure", "published", "report",
           "vn"]


def officer(username: str, role: str, agency: str = AGENCY):
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=agency), role=role)
    return user


def citizen(username: str = "001090012345"):
    user, _ = get_user_model().objects.get_or_create(username=username)
    return user


def report(at: datetime | None = None, *, actor=None, agency: str = AGENCY, procedure_code: str = "1.000001",
           **overrides) -> Feedback:
    """A report about a procedure, online, by ``actor`` (a citizen account, or anonymous)."""
    if procedure_code and not _has_procedure(procedure_code):
        procedure(procedure_code)
    data = {"kind": "report", "topic": "procedure", "procedure_code": procedure_code, "agency_code": agency,
            "title": "Thời hạn giải quyết quá dài",
            "content": "Hồ sơ đăng ký khai sinh của tôi phải chờ rất lâu mới được tiếp nhận tại bộ phận một cửa.",
            **SUBMITTER}
    data.update(overrides)
    return services.submit(data, actor=actor, at=at or vn(2026, 3, 2, 9))


def _has_procedure(code: str) -> bool:
    from motcua.catalog.models import Procedure

    return Procedure.objects.filter(code=code).exists()


class Flow:
    """Acts on one item as the named roles of its agency, always with the current version."""

    def __init__(self, item: Feedback, agency: str = AGENCY) -> None:
        self.item = item
        self.users = {role: officer(f"{role}-{agency}", role, agency)
                      for role in ("desk_officer", "specialist", "leader", "supervisor")}

    def __call__(self, action: str, role: str, at: datetime, **payload) -> Feedback:
        actor = None if role == "system" else self.users[role]
        self.item = services.act(self.item.code, action, actor=actor, role=role, expected_version=self.item.version,
                                 at=at, **payload)
        return self.item


def published(at: datetime | None = None, *, actor=None, answer: str = "Đã rút ngắn thời gian tiếp nhận.",
              **overrides) -> Feedback:
    """An item received at ``at`` (default 2/3/2026 9:00), classified, answered, approved and published."""
    start = at or vn(2026, 3, 2, 9)
    item = report(start, actor=actor, **overrides)
    flow = Flow(item, item.agency.code)
    flow("classify", "desk_officer", vn(2026, 3, 3, 9), classification="in_competence")
    flow("draft_answer", "specialist", vn(2026, 3, 5, 9), answer=answer)
    flow("approve", "leader", vn(2026, 3, 6, 9))
    return flow("publish", "leader", vn(2026, 3, 6, 10))
