"""A :class:`~motcua.reports.document.Report` as a PDF (fpdf2), A4 portrait, Decree 30/2020 layout.

Fonts come from :func:`motcua.dossiers.web.forms_docs.find_fonts` (Tinos or Liberation Serif: Times New Roman's
metric-compatible stand-ins with every Vietnamese letter; domain.md §8).
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from motcua.dossiers.web.forms_docs import find_fonts

from .charts import render_png
from .document import BODY_PT, MARGINS_MM, NATIONAL_MOTTO, NATIONAL_NAME, Chart, Paragraph, Report, Table

LINE = 6.2  # mm per body line at 13 pt with a little leading


class _Pdf(FPDF):
    def header(self) -> None:
        """Decree 30/2020 Annex I: page numbers centred in the top margin, not shown on the first page."""
        if self.page_no() > 1:
            self.set_y(8)
            self.set_font("Serif", "", 13)
            self.cell(0, 5, str(self.page_no()), align="C")
            self.set_y(MARGINS_MM["top"])


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    fonts = find_fonts()
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGINS_MM["left"], MARGINS_MM["top"], MARGINS_MM["right"])
    pdf.set_auto_page_break(True, margin=MARGINS_MM["bottom"])
    for style, key in (("", "regular"), ("B", "bold"), ("I", "italic")):
        pdf.add_font("Serif", style, fonts[key])
    pdf.add_font("Serif", "BI", fonts["bold"])
    pdf.set_title(report.summary)
    pdf.set_author(report.issuing_body)
    pdf.set_subject(report.kind)
    pdf.set_creator("motcua")
    pdf.set_lang("vi")
    pdf.add_page()
    width = pdf.epw

    # Header: issuing body and number (left), national name, motto and place/date (right).
    top = pdf.get_y()
    left_w, right_w = width * 0.40, width * 0.60
    right_x = pdf.l_margin + left_w
    pdf.set_xy(pdf.l_margin, top)
    if report.superior_body:
        pdf.set_font("Serif", "", 12)
        pdf.multi_cell(left_w, 5.5, report.superior_body.upper(), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(left_w, 5.5, report.issuing_body.upper(), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    y = pdf.get_y() + 0.5
    pdf.line(pdf.l_margin + left_w / 2 - 8, y, pdf.l_margin + left_w / 2 + 8, y)
    pdf.set_xy(pdf.l_margin, y + 2)
    pdf.set_font("Serif", "", 13)
    pdf.multi_cell(left_w, 6, report.number_line, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    pdf.set_xy(right_x, top)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(right_w, 5.5, NATIONAL_NAME, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(right_w, 6, NATIONAL_MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto = pdf.get_string_width(NATIONAL_MOTTO)
    y = pdf.get_y() + 0.5
    pdf.line(right_x + (right_w - motto) / 2, y, right_x + (right_w + motto) / 2, y)
    pdf.set_xy(right_x, y + 2)
    pdf.set_font("Serif", "I", 13)
    pdf.multi_cell(right_w, 6, report.place_date, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)

    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(width, 7, report.kind, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(width, 7, report.summary, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    for paragraph in report.lead:
        _paragraph(pdf, paragraph)
    for part in report.sections:
        if pdf.get_y() > pdf.h - MARGINS_MM["bottom"] - 30:
            pdf.add_page()
        pdf.set_font("Serif", "BI" if part.level > 1 else "B", BODY_PT)
        pdf.set_x(pdf.l_margin + 12.7)
        pdf.multi_cell(width - 12.7, LINE, part.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for block in part.blocks:
            if isinstance(block, Paragraph):
                _paragraph(pdf, block)
            elif isinstance(block, Table):
                _table(pdf, block)
            elif isinstance(block, Chart):
                png = render_png(block, fonts["regular"])
                height = width * 300 / 640
                if pdf.get_y() + height > pdf.h - MARGINS_MM["bottom"]:
                    pdf.add_page()
                pdf.image(io.BytesIO(png), x=pdf.l_margin, w=width)
                _table(pdf, block.as_table())
    _closing(pdf, report, width)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    style = ("B" if block.bold else "") + ("I" if block.italic else "")
    pdf.set_font("Serif", style, BODY_PT)
    # First-line indent 1.27 cm: four no-break spaces would depend on the font; indent by writing the first line
    # from an offset instead.
    pdf.multi_cell(pdf.epw, LINE, "\u2003\u2003" + block.text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _table(pdf: FPDF, block: Table) -> None:
    if block.caption:
        pdf.set_font("Serif", "I", 12)
        pdf.multi_cell(pdf.epw, 6, block.caption, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", 10.5)
    aligns = tuple("RIGHT" if i in block.numeric else "LEFT" for i in range(len(block.headers)))
    with pdf.table(col_widths=tuple(block.widths) or None, line_height=5, text_align=aligns,
                   headings_style=FontFace(emphasis="BOLD")) as table:
        header = table.row()
        for heading in block.headers:
            header.cell(heading, align="CENTER")
        for values in block.rows:
            row = table.row()
            for value in values:
                row.cell(str(value))
    pdf.ln(3)


def _closing(pdf: FPDF, report: Report, width: float) -> None:
    if pdf.get_y() > pdf.h - MARGINS_MM["bottom"] - 45:
        pdf.add_page()
    pdf.ln(4)
    top = pdf.get_y()
    half = width / 2
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font("Serif", "BI", 12)
    pdf.multi_cell(half, 5.5, "Nơi nhận:", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", 11)
    for recipient in [*report.recipients, "Lưu: VT"]:
        end = "." if recipient == "Lưu: VT" else ";"
        pdf.multi_cell(half, 5, f"- {recipient}{end}", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font("Serif", "B", 13)
    pdf.multi_cell(half, 6, report.signature.authority, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.multi_cell(half, 6, report.signature.position, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + 20)
    pdf.set_x(pdf.l_margin + half)
    pdf.multi_cell(half, 6, report.signature.name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
