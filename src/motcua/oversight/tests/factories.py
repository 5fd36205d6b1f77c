"""Builders for oversight tests: a small catalog, a generated history, and hand-made dossier facts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from motcua.catalog.records import ChannelRecord, FeeRecord, TimeLimit
from motcua.catalog.services import upsert_records
from motcua.catalog.tests.factories import make_record
from motcua.core.calendar import TZ

START, END = date(2025, 9, 1), date(2026, 1, 31)


def small_catalog(n: int = 30) -> None:
    """``n`` published procedures at commune, province and ministry level, some offline only, some with a fee."""
    records = []
    for i in range(n):
        level = ("commune", "province", "ministry")[i % 3]
        kinds = ("in_person",) if i % 7 == 3 else ("in_person", "online", "postal")
        limit = TimeLimit(Decimal(3 + i % 10), "working_days")
        fee = [FeeRecord(50000 if i % 4 == 0 else 0, "Lệ phí")]
        channels = [ChannelRecord(k, limit, f"{3 + i % 10} ngày làm việc", fee, k) for k in kinds]
        records.append(make_record(f"9.{i:06d}", f"Thủ tục mẫu {i}", levels=[level], channels=channels))
    upsert_records(records)


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)
