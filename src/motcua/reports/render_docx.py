"""A :class:`~motcua.reports.document.Report` as a Word document (python-docx), Decree 30/2020 layout.

Times New Roman is named as the font: the reader's word processor has it (Tinos and Liberation Serif are its
metric-compatible stand-ins where it does not).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .charts import render_png
from .document import BODY_PT, MARGINS_MM, NATIONAL_MOTTO, NATIONAL_NAME, Chart, Paragraph, Report, Table

FONT = "Times New Roman"


def render_docx(report: Report, font_path: str | None = None) -> bytes:
    """The report as DOCX bytes; ``font_path`` is the TrueType file used to draw the charts."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(6)
    core = doc.core_properties
    core.title, core.subject, core.author, core.language = report.summary, report.kind, report.issuing_body, "vi-VN"

    _header(doc, report)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(0)
    _run(title, report.kind, bold=True, size=14)
    summary = doc.add_paragraph()
    summary.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(summary, report.summary, bold=True, size=14)

    for paragraph in report.lead:
        _body(doc, paragraph)
    for part in report.sections:
        heading = doc.add_paragraph()
        heading.paragraph_format.first_line_indent = Cm(1.27)
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.keep_with_next = True
        _run(heading, part.heading, bold=True, italic=part.level > 1)
        for block in part.blocks:
            if isinstance(block, Paragraph):
                _body(doc, block)
            elif isinstance(block, Table):
                _table(doc, block)
            elif isinstance(block, Chart):
                picture = doc.add_paragraph()
                picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
                picture.paragraph_format.keep_with_next = True
                picture.add_run().add_picture(io.BytesIO(render_png(block, font_path)), width=Cm(16))
                _table(doc, block.as_table())
    _closing(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         underline: bool = False):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return run


def _body(doc, block: Paragraph) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1.27)
    _run(paragraph, block.text, bold=block.bold, italic=block.italic)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_paragraph(cell, text: str, *, bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER,
                    first: bool = False):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _header(doc, report: Report) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    first = True
    if report.superior_body:
        _cell_paragraph(left, report.superior_body.upper(), size=12, first=True)
        first = False
    _cell_paragraph(left, report.issuing_body.upper(), bold=True, size=12, first=first)
    _cell_paragraph(left, "_______", size=12)
    _cell_paragraph(left, report.number_line, size=13)
    _cell_paragraph(right, NATIONAL_NAME, bold=True, size=12, first=True)
    _cell_paragraph(right, NATIONAL_MOTTO, bold=True, size=13)
    _cell_paragraph(right, "_______________________", size=12)
    _cell_paragraph(right, report.place_date, italic=True, size=13)


def _table(doc, block: Table) -> None:
    if block.caption:
        caption = doc.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = True
        _run(caption, block.caption, italic=True, size=12)
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(block.headers):
        _cell_paragraph(table.rows[0].cells[i], header, bold=True, size=11, first=True)
    for row in block.rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.RIGHT if i in block.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell_paragraph(cells[i], str(value), size=11, align=align, first=True)
    if block.widths:
        total = sum(block.widths)
        for row in table.rows:
            for i, cell in enumerate(row.cells):
                cell.width = Cm(16 * block.widths[i] / total)
    doc.add_paragraph()


def _closing(doc, report: Report) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for recipient in report.recipients:
        _cell_paragraph(left, f"- {recipient};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_paragraph(left, "- Lưu: VT.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_paragraph(right, report.signature.authority, bold=True, size=13, first=True)
    _cell_paragraph(right, report.signature.position, bold=True, size=13)
    for _ in range(3):
        _cell_paragraph(right, "", size=13)
    _cell_paragraph(right, report.signature.name, bold=True, size=13)
