"""The CSV export: one row per procedure (its latest version), readable summaries, UTF-8 with a BOM for Excel."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from motcua.catalog.exports.csv_format import CSV_COLUMNS, dump_csv
from motcua.catalog.records import AgencyRecord, ChannelRecord, FeeRecord, LegalRecord, TimeLimit
from motcua.catalog.services import upsert_records

from .factories import make_record


def export_csv(tmp_path) -> bytes:
    out = tmp_path / "catalog.csv"
    call_command("catalog", "export", "--format", "csv", "--out", str(out), stderr=io.StringIO())
    return out.read_bytes()


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.django_db
def test_export_csv_has_one_row_per_procedure_with_the_latest_version(tmp_path):
    upsert_records([make_record("1.000002", "Thủ tục B"), make_record("1.000001", "Thủ tục A")])
    upsert_records([make_record("1.000001", "Thủ tục A (sửa đổi)", status="draft")])
    data = export_csv(tmp_path)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = rows(data)
    assert [r["code"] for r in table] == ["1.000001", "1.000002"]
    assert table[0]["name"] == "Thủ tục A (sửa đổi)" and table[0]["status"] == "draft"
    assert list(table[0]) == CSV_COLUMNS


def test_export_csv_summarises_channels_fees_documents_and_agencies():
    record = make_record(
        channels=[ChannelRecord("in_person", TimeLimit(Decimal(5), "working_days"), "5 Ngày làm việc",
                                [FeeRecord(0, "Miễn lệ phí")]),
                  ChannelRecord("online", TimeLimit(Decimal("0.5"), "working_days"), "",
                                [FeeRecord(8000, "Lệ phí:\n8.000 đồng"), FeeRecord(None, "Theo quy định")]),
                  ChannelRecord("postal", None, "Không có thông tin")],
        legal_basis=[LegalRecord("123/2015/NĐ-CP"), LegalRecord("04/2020/TT-BTP")],
        agencies=[AgencyRecord("competent", "UBND tỉnh"), AgencyRecord("implementing", "Sở Tư pháp"),
                  AgencyRecord("implementing", "UBND cấp xã"), AgencyRecord("coordinating", "Công an")],
    )
    row = rows(dump_csv([record]).encode("utf-8"))[0]
    assert row["channels"] == "in_person: 5 working_days; online: 0.5 working_days; postal: Không có thông tin"
    assert row["fees"] == ("in_person: 0 VND (Miễn lệ phí); online: 8000 VND (Lệ phí: 8.000 đồng); "
                           "online: ? (Theo quy định)")
    assert row["documents_count"] == "1"
    assert row["legal_basis"] == "123/2015/NĐ-CP; 04/2020/TT-BTP"
    assert row["competent_agencies"] == "UBND tỉnh"
    assert row["implementing_agencies"] == "Sở Tư pháp; UBND cấp xã"
    assert row["other_agencies"] == "coordinating: Công an"
    assert row["decision_number"] == "1872/QĐ-BTP"


def test_export_csv_quotes_commas_quotes_and_newlines():
    text = dump_csv([make_record(name='Cấp "bản sao", trích lục\nhộ tịch')])
    assert '"Cấp ""bản sao"", trích lục\nhộ tịch"' in text
    assert rows(text.encode("utf-8"))[0]["name"] == 'Cấp "bản sao", trích lục\nhộ tịch'
    assert text.count("\r\n") == 2  # header and one row; the newline inside the cell stays inside the quotes
