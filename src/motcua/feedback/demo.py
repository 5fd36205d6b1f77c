"""Demo PAKN items for ``make run`` (``motcua feedback demo``): a short generated history, and for the demo
citizen (Nguyễn Văn An) one published answer to rate and one item still being handled. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.units.models import Agency

from . import services
from .models import Feedback

DEMO_CITIZEN = "001090012345"
DEMO_AGENCY = "H01.TTPVHCC"
HISTORY_ITEMS = 60


def load_demo() -> int:
    """Create the demo items unless some exist; return how many were created."""
    if settings.ENVIRONMENT == "production":
        raise RuntimeError("Demo data is not loaded when MOTCUA_ENV=production.")
    if Feedback.objects.exists():
        return 0
    from .generate import generate

    now = timezone.now()
    summary = generate(HISTORY_ITEMS, seed=2026, start=(now - timedelta(days=120)).date(), end=now.date())
    created = summary.items
    user = get_user_model().objects.filter(username=DEMO_CITIZEN).first()
    agency = Agency.objects.filter(code=DEMO_AGENCY).first()
    if user is None or agency is None:
        return created
    officers = {m.role: m.user for m in agency.memberships.select_related("user")}
    with transaction.atomic():
        base = {"kind": "report", "topic": "regulation", "regulation": "Nghị định 63/2010/NĐ-CP",
                "agency_code": DEMO_AGENCY, "name": "Nguyễn Văn An", "phone": "0912345678",
                "email": "an@example.vn", "address": "Hoàn Kiếm, Hà Nội"}
        start = now - timedelta(days=10)
        item = services.submit({**base, "title": "Giấy hẹn trả kết quả không ghi rõ giờ",
                                "content": "Giấy tiếp nhận hồ sơ chỉ ghi ngày, không ghi giờ trả kết quả, tôi phải "
                                           "chờ cả buổi."}, actor=user, at=start)
        created += 1
        if {"desk_officer", "specialist", "leader"} <= set(officers):
            for action, role, days, payload in (
                    ("classify", "desk_officer", 1, {"classification": "in_competence"}),
                    ("draft_answer", "specialist", 3, {"answer": "Từ tháng này giấy tiếp nhận ghi rõ giờ hẹn trả "
                                                                 "kết quả theo mẫu 01 của Thông tư 03/2025/TT-VPCP."}),
                    ("approve", "leader", 4, {}), ("publish", "leader", 4, {})):
                services.act(item.code, action, actor=officers[role], role=role, at=start + timedelta(days=days,
                                                                                                      hours=1),
                             **payload)
        services.submit({**base, "topic": "conduct", "regulation": "",
                         "title": "Cán bộ không hướng dẫn đầy đủ một lần",
                         "content": "Tôi phải đi lại ba lần vì mỗi lần cán bộ chỉ báo thiếu một giấy tờ."},
                        actor=user, at=now - timedelta(days=1))
        created += 1
    return created
