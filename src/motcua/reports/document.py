"""An administrative report as data, rendered to DOCX or PDF in the layout of Decree 30/2020/NĐ-CP.

Decree 30/2020 Annex I fixes the parts and their order: the national emblem line ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
NAM / Độc lập - Tự do - Hạnh phúc") at the top right, the issuing body and the number and symbol (``Số: …/BC-VPCP``)
at the top left, the place and date under the emblem line, the document type and summary as the title, the body in
Times New Roman 13–14 pt on A4 (margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm), then the recipients
(Nơi nhận) at the bottom left and the signature block at the bottom right. Both renderers follow this model, so the
DOCX and the PDF of a report hold the same text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Decree 30/2020 Annex I: page margins in millimetres (the middle of each allowed range).
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_PT = 13


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[float] = field(default_factory=list)  # relative column widths
    numeric: set[int] = field(default_factory=set)  # columns aligned right


@dataclass
class Chart:
    """A line or bar chart; ``series`` maps a series name to its values, aligned with ``labels``. Rendered as a PNG
    (DOCX and PDF alike) and always followed by its data as a table, for readers who would rather read."""

    title: str
    labels: list[str]
    series: dict[str, list[float | None]]
    kind: str = "line"  # line | bar
    unit: str = ""

    def as_table(self) -> Table:
        headers = ["", *self.series.keys()]
        rows = [[label, *(_fmt(values[i]) for values in self.series.values())] for i, label in enumerate(self.labels)]
        return Table(headers=headers, rows=rows, numeric=set(range(1, len(headers))))


def _fmt(value: float | None) -> str:
    if value is None:
        return "N/A"
    return f"{value:,.2f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".").removesuffix(",00")


Block = Paragraph | Table | Chart


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1


@dataclass
class Signature:
    authority: str  # e.g. "KT. BỘ TRƯỞNG, CHỦ NHIỆM" (bold capitals)
    position: str  # e.g. "PHÓ CHỦ NHIỆM"
    name: str = ""  # left blank for the signer


@dataclass
class Report:
    superior_body: str  # the body above the issuer, may be empty (e.g. "CHÍNH PHỦ")
    issuing_body: str  # e.g. "VĂN PHÒNG CHÍNH PHỦ"
    symbol: str  # e.g. "BC-VPCP": the number is written when the report is registered
    place: str  # e.g. "Hà Nội"
    day: date
    kind: str  # "BÁO CÁO"
    summary: str  # the trích yếu under the title
    sections: list[Section]
    recipients: list[str]
    signature: Signature
    lead: list[Paragraph] = field(default_factory=list)

    @property
    def number_line(self) -> str:
        return f"Số:       /{self.symbol}"

    @property
    def place_date(self) -> str:
        return f"{self.place}, {vn_date_long(self.day)}"


def vn_date_long(day: date) -> str:
    """``ngày 05 tháng 11 năm 2026`` (Decree 30/2020 Annex I: days below 10 and months below 3 take a leading zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
