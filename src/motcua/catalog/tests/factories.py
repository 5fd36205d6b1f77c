"""Builders for catalog test data: records with sensible defaults, stored through the real writer."""

from __future__ import annotations

from decimal import Decimal

from motcua.catalog.records import (
    AgencyRecord,
    ChannelRecord,
    DocumentRecord,
    FeeRecord,
    LegalRecord,
    ProcedureRecord,
    ResultRecord,
    StepRecord,
    TimeLimit,
)
from motcua.catalog.services import upsert_records


def make_record(code: str = "1.000001", name: str = "Đăng ký khai sinh", **overrides) -> ProcedureRecord:
    """A complete record (all mandatory components a–g present)."""
    record = ProcedureRecord(
        code=code,
        name=name,
        kind="TTHC được luật giao quy định chi tiết",
        sector="Hộ tịch",
        levels=["commune"],
        online_level="full",
        subjects=["Công dân Việt Nam"],
        requirements="Không có",
        steps=[StepRecord("Bước 1", "Nộp hồ sơ"), StepRecord("Bước 2", "Nhận kết quả")],
        channels=[
            ChannelRecord("in_person", TimeLimit(Decimal(1), "working_days"), "1 Ngày làm việc",
                          [FeeRecord(0, "Miễn lệ phí")], "Nộp trực tiếp"),
            ChannelRecord("online", TimeLimit(Decimal(1), "working_days"), "1 Ngày làm việc",
                          [FeeRecord(8000, "Lệ phí: 8.000 đồng")], "Nộp trực tuyến"),
        ],
        documents=[DocumentRecord("Tờ khai đăng ký khai sinh", 1, 0, "Mẫu tờ khai")],
        legal_basis=[LegalRecord("123/2015/NĐ-CP", "Nghị định 123/2015/NĐ-CP")],
        agencies=[AgencyRecord("implementing", "Ủy ban nhân dân cấp xã")],
        results=[ResultRecord("Giấy khai sinh")],
        decision_number="1872/QĐ-BTP",
        source="test",
    )
    for key, value in overrides.items():
        setattr(record, key, value)
    return record


def create_procedure(code: str = "1.000001", name: str = "Đăng ký khai sinh", **overrides):
    """Store a record and return its version."""
    from motcua.catalog.models import ProcedureVersion

    upsert_records([make_record(code, name, **overrides)])
    return ProcedureVersion.objects.filter(procedure__code=code).order_by("-number").first()
