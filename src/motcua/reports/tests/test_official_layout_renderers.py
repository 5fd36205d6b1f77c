"""The DOCX and PDF renderers lay a report out as Decree 30/2020 asks: emblem lines, issuer and number, place and
date, title, body, tables, charts with their data, recipients and signature."""

import contextlib
import io
import zlib
from datetime import date

import pytest
from docx import Document

from motcua.reports.charts import nice_max, render_png
from motcua.reports.document import Chart, Paragraph, Report, Section, Signature, Table, vn_date_long
from motcua.reports.render_docx import render_docx
from motcua.reports.render_pdf import render_pdf


def _report() -> Report:
    chart = Chart(title="Chỉ số theo tháng", labels=["05/2026", "06/2026", "07/2026"],
                  series={"Hà Nội": [81.5, 83.25, None], "Cần Thơ": [70.0, 72.5, 74.0]}, unit="điểm")
    return Report(
        superior_body="", issuing_body="Văn phòng Chính phủ", symbol="BC-VPCP", place="Hà Nội",
        day=date(2026, 11, 5), kind="BÁO CÁO", summary="Tình hình giải quyết thủ tục hành chính tháng 10/2026",
        lead=[Paragraph("Thực hiện Thông báo số 437/TB-VPCP, Văn phòng Chính phủ báo cáo như sau:")],
        sections=[Section("I. CHỈ SỐ PHỤC VỤ", [
            Table(headers=["Hạng", "Tỉnh", "Điểm"], rows=[["1", "Thành phố Hà Nội", "83,25"]], numeric={2},
                  caption="Bảng 1. Xếp hạng"),
            chart,
        ]), Section("II. KIẾN NGHỊ", [Paragraph("Đề nghị các bộ, ngành đẩy nhanh tiến độ.")])],
        recipients=["Thủ tướng Chính phủ (để b/c)", "Tổ công tác"],
        signature=Signature(authority="KT. BỘ TRƯỞNG, CHỦ NHIỆM", position="PHÓ CHỦ NHIỆM", name="Nguyễn Văn A"),
    )


def test_docx_holds_every_part_in_order_on_a4_with_the_decree_margins():
    document = Document(io.BytesIO(render_docx(_report())))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "VĂN PHÒNG CHÍNH PHỦ" in left and "Số:" in left and "/BC-VPCP" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Hà Nội, ngày 05 tháng 11 năm 2026" in right
    text = [p.text for p in document.paragraphs]
    order = ["BÁO CÁO", "Tình hình giải quyết", "Thực hiện Thông báo", "I. CHỈ SỐ PHỤC VỤ", "Bảng 1. Xếp hạng",
             "II. KIẾN NGHỊ"]
    positions = [next(i for i, t in enumerate(text) if t.startswith(o)) for o in order]
    assert positions == sorted(positions)
    ranking, chart_data = document.tables[1], document.tables[2]
    assert [c.text for c in ranking.rows[1].cells] == ["1", "Thành phố Hà Nội", "83,25"]
    # The chart is a picture followed by its data: a missing value reads N/A, not 0.
    assert len(document.inline_shapes) == 1
    assert [c.text for c in chart_data.rows[0].cells] == ["", "Hà Nội", "Cần Thơ"]
    assert [c.text for c in chart_data.rows[3].cells] == ["07/2026", "N/A", "74"]
    closing = document.tables[-1].rows[0].cells
    assert "Nơi nhận:" in closing[0].text and "Lưu: VT." in closing[0].text
    assert "PHÓ CHỦ NHIỆM" in closing[1].text and "Nguyễn Văn A" in closing[1].text


def _pdf_text(pdf: bytes) -> bytes:
    """The decompressed content streams (enough to find page objects and the embedded picture)."""
    chunks, start = [], 0
    while (start := pdf.find(b"stream\n", start)) != -1:
        end = pdf.find(b"endstream", start)
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(pdf[start + 7:end].strip()))
        start = end
    return b"".join(chunks)


def test_pdf_is_a4_with_the_chart_and_vietnamese_metadata():
    pytest.importorskip("fpdf")
    pdf = render_pdf(_report())
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf  # A4 portrait
    assert b"/Subtype /Image" in pdf  # the chart
    title = "Tình hình giải quyết".encode("utf-16-be").hex().encode()
    assert b"/Title <feff" + title in pdf  # the title in the metadata, in Vietnamese
    assert _pdf_text(pdf)  # content streams are real drawing operations


def test_chart_png_scales_to_a_readable_axis_and_draws_every_series():
    assert [nice_max(v) for v in (0, 7, 83.25, 100, 101, 2400)] == [1.0, 10.0, 100.0, 100.0, 200.0, 2500.0]
    png = render_png(Chart(title="t", labels=["a", "b"], series={"x": [1, 2], "y": [2, 1]}, kind="bar"))
    assert png.startswith(b"\x89PNG")


def test_dates_in_the_decree_form():
    assert vn_date_long(date(2026, 2, 3)) == "ngày 03 tháng 02 năm 2026"
    assert vn_date_long(date(2026, 11, 25)) == "ngày 25 tháng 11 năm 2026"
