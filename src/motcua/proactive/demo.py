"""The demo set of triggers for common life events (issue 16 point 1), loaded by ``motcua demo load``."""

from __future__ import annotations

from datetime import date

from . import rules
from .models import Trigger

IN_FORCE = date(2026, 7, 1)  # Decree 224/2026 in force

DEMO_TRIGGERS: list[dict] = [
    {"code": "KS-LIENTHONG", "name": "Khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
     "source": rules.BIRTH, "group_code": "LT-KS-TT-BHYT", "procedure_codes": ["1.001193", "1.004222", "2.000986"],
     "agency_code": "H01.TTPVHCC", "level": 3,
     "legal_instrument": "Nghị định 224/2026/NĐ-CP; Nghị định 63/2024/NĐ-CP (sửa bởi Nghị định 301/2026/NĐ-CP)",
     "legal_article": "Điều 16 khoản 2, 3 (NĐ 224/2026); Điều 1 (NĐ 63/2024)",
     "purpose": "Chuẩn bị sẵn hồ sơ liên thông khai sinh – thường trú – thẻ BHYT cho cha mẹ của trẻ mới sinh"},
    {"code": "CCCD-DOITUOI", "name": "Cấp đổi thẻ căn cước khi đủ 25, 40, 60 tuổi", "source": rules.ID_CARD_AGE,
     "condition": {"ages": list(rules.ID_CARD_RENEWAL_AGES)}, "procedure_codes": ["1.014063"],
     "agency_code": "BCA", "level": 1, "legal_instrument": "Luật Căn cước 2023; Nghị định 224/2026/NĐ-CP",
     "legal_article": "Điều 21 khoản 1 (Luật Căn cước); Điều 16 khoản 1 (NĐ 224/2026)",
     "purpose": "Nhắc công dân cấp đổi thẻ căn cước khi đến tuổi đổi thẻ"},
    {"code": "KT-LIENTHONG", "name": "Khai tử, xóa đăng ký thường trú, trợ cấp mai táng", "source": rules.DEATH,
     "group_code": "LT-KT-XTT-MT", "procedure_codes": ["1.000656", "1.003197"], "agency_code": "H01.TTPVHCC",
     "level": 2, "legal_instrument": "Nghị định 224/2026/NĐ-CP; Nghị định 63/2024/NĐ-CP",
     "legal_article": "Điều 16 khoản 2 (NĐ 224/2026); Điều 1 (NĐ 63/2024)",
     "purpose": "Chuẩn bị sẵn hồ sơ liên thông khai tử cho người thân"},
    {"code": "BHYT-TRESOSINH", "name": "Tự động cấp thẻ BHYT cho trẻ mới sinh", "source": rules.BIRTH,
     "procedure_codes": ["2.000986"], "agency_code": "BHXH", "level": 4, "auto_allowed": True, "respond_days": 30,
     "legal_instrument": "Nghị định 224/2026/NĐ-CP; Nghị định 63/2024/NĐ-CP",
     "legal_article": "Điều 16 khoản 4 (NĐ 224/2026); Điều 1 (NĐ 63/2024)",
     "purpose": "Tự động cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi từ dữ liệu khai sinh", "active": False},
]


def load_demo_triggers() -> int:
    """Create the demo triggers that are not there yet (idempotent); returns how many were created."""
    created = 0
    for spec in DEMO_TRIGGERS:
        if Trigger.objects.filter(code=spec["code"]).exists():
            continue
        Trigger(valid_from=IN_FORCE, **spec).save()
        created += 1
    return created
