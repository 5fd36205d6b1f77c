"""The linked procedure groups of Decree 63/2024 (Decision 296/QĐ-VPCP, 2024), as data (domain.md §4).

1. Birth registration + permanent-residence registration + health-insurance card for a child under 6: one online
   submission; the whole group within 3 working days (5 with verification).
2. Death registration + removal of permanent residence + funeral allowance / survivor benefit. Death registration is
   same-day (next working day after 15:00); the other limits are [open] configured defaults, not from the decree
   (2 working days each, the group 3; ``MOTCUA_GROUP_LIMITS``, see ``motcua.dossiers.groups``).

Member codes are the national portal's. The health-insurance card and funeral-allowance procedures belong to Vietnam
Social Security and have no record of their own: they are handled at BHXH under the group's procedure (2.000986 for
the card, 1.000656 for the funeral allowance).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from . import models as m


@dataclass(frozen=True)
class GroupDefinition:
    code: str
    name: str
    description: str
    members: tuple[tuple[str, str], ...]  # (procedure code or "", what it is)


GROUPS = (
    GroupDefinition(
        code="LT-KS-TT-BHYT",
        name="Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        description="Nghị định 63/2024/NĐ-CP; Quyết định 296/QĐ-VPCP. Tổng thời hạn 3 ngày làm việc (5 ngày nếu "
                    "cần xác minh); nộp sau 15 giờ tính từ ngày làm việc tiếp theo.",
        members=(("2.000986", "Thủ tục liên thông"), ("1.001193", "Đăng ký khai sinh"),
                 ("1.004222", "Đăng ký thường trú"), ("", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi")),
    ),
    GroupDefinition(
        code="LT-KT-XTT-MT",
        name="Liên thông đăng ký khai tử, xóa đăng ký thường trú, trợ cấp mai táng, tử tuất",
        description="Nghị định 63/2024/NĐ-CP; Quyết định 296/QĐ-VPCP. Đăng ký khai tử trong ngày (ngày làm việc "
                    "tiếp theo nếu nộp sau 15 giờ). Thời hạn xóa đăng ký thường trú, trợ cấp mai táng, tử tuất (2 ngày "
                    "làm việc mỗi thủ tục, cả nhóm 3 ngày) là mặc định cấu hình, không lấy từ nghị định [open].",
        members=(("1.000656", "Đăng ký khai tử"), ("1.003197", "Xóa đăng ký thường trú"),
                 ("1.000656", "Giải quyết trợ cấp mai táng, tử tuất (tại BHXH)")),
    ),
)


def load_linked_groups() -> dict[str, list[str]]:
    """Create or update the groups and attach the member procedures present. Returns missing member codes."""
    missing: dict[str, list[str]] = {}
    with transaction.atomic():
        for g in GROUPS:
            group, _ = m.LinkedProcedureGroup.objects.update_or_create(
                code=g.code, defaults={"name": g.name, "description": g.description})
            codes = [code for code, _what in g.members if code]
            present = list(m.Procedure.objects.filter(code__in=codes))
            group.procedures.add(*present)
            missing[g.code] = sorted(set(codes) - {p.code for p in present})
    return missing
