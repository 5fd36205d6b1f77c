"""Records of the National Public Service Portal (DVCQG) → ``ProcedureRecord``: pure parsing, no database.

The portal's tables arrive flattened into text with no separator between cells (data/README.md). The rules here read
the *format* — column headers, channel names, units, currencies, quantity words — never one ministry's wording, so
records of any ministry or province parse the same way. What cannot be read is kept: the source object goes verbatim
into ``record.raw`` and every doubt becomes a ``ParseIssue`` carrying the raw text.

Decisions worth knowing:

* Time limits: "Ngày làm việc" → working days, "Ngày" → calendar days, "Giờ"/"giờ làm việc" → working hours, "Trong
  ngày" (also "trong ngày làm việc") → same day (amount 1, ignored by the calendar), a bare number → its amount with
  unit ``unknown``; months, weeks and years have no unit in the model: amount kept, unit ``unknown``, flagged.
* When a bare-number time cell runs straight into a fee amount ("Trực tuyến1200 VNĐ"), the time is read as the
  shortest number that leaves a well-formed amount (1 and 200) and the split is flagged.
* Fees: each cell entry ("50,000 Việt Nam Đồng(…)", "Miễn phí(…)") is a fee; labelled lines "Phí: …"/"Lệ phí: …" with
  a different amount, in the fee cell or the channel description, are further fees. "Miễn phí" and a bare "Không" are
  0; amounts in another currency keep ``amount_vnd=None`` and are flagged.
* Levels: "Cấp huyện" (districts, abolished 1/7/2025, their procedures moved to communes) maps to commune and is
  flagged; "Cơ quan khác" has no level and is flagged.
* Online level: the portal has no field for it. A text saying "trực tuyến toàn trình" / "trực tuyến một phần" wins;
  otherwise an online channel alone → full, an online channel beside in-person or postal ones → partial (the other
  channels suggest steps done in presence; this is an inference and may understate), no online channel → none.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from motcua.catalog.models import AgencyRole, ChannelKind, Level, OnlineLevel, TimeUnit, VersionStatus
from motcua.catalog.records import (
    AgencyRecord,
    ChannelRecord,
    DocumentRecord,
    FeeRecord,
    LegalRecord,
    ParseIssue,
    ProcedureRecord,
    ResultRecord,
    StepRecord,
    TimeLimit,
)

SOURCE = "dvcqg"
NO_INFO = "Không có thông tin"
STRING_FIELDS = (
    "ma_thu_tuc", "ten_thu_tuc", "so_quyet_dinh", "cap_thuc_hien", "loai_thu_tuc", "linh_vuc", "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen", "co_quan_thuc_hien", "co_quan_phoi_hop", "co_quan_duoc_uy_quyen", "dia_chi_tiep_nhan",
    "thu_tuc_lien_quan", "trinh_tu_thuc_hien", "cach_thuc_thuc_hien", "thanh_phan_ho_so", "can_cu_phap_ly",
    "yeu_cau_dieu_kien", "ket_qua_xu_ly", "raw_text", "detail_url", "source_folder", "formality_id",
)
REQUIRED_FIELDS = ("ma_thu_tuc", "ten_thu_tuc")


class DvcqgFormatError(ValueError):
    """A record that is not a portal record: ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _nfc(function):
    """Portal text mixes composed and decomposed Vietnamese (NFC/NFD); parsing works on NFC."""

    def wrapper(text, *args, **kwargs):
        return function(unicodedata.normalize("NFC", text) if isinstance(text, str) else text, *args, **kwargs)

    wrapper.__name__, wrapper.__doc__, wrapper.__wrapped__ = function.__name__, function.__doc__, function
    return wrapper


def _empty(text: str | None) -> bool:
    return not text or not text.strip() or text.strip().rstrip(".") == NO_INFO


# -- time limits ----------------------------------------------------------------------------------------------

_UNIT_WORDS = r"ngày làm việc|ngày|giờ làm việc|giờ|tháng|tuần|năm|phút"
_UNITS = {
    "ngày làm việc": TimeUnit.WORKING_DAYS,
    "ngày": TimeUnit.CALENDAR_DAYS,
    "giờ làm việc": TimeUnit.WORKING_HOURS,
    "giờ": TimeUnit.WORKING_HOURS,
}
_TIME = re.compile(rf"^\s*(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>(?i:{_UNIT_WORDS}))?(?![^\W\d_])")
_SAME_DAY = re.compile(r"(?i)^\s*(?:ngay\s+)?trong\s+(?:cùng\s+)?ngày")


@_nfc
def parse_time_limit(text: str | None) -> TimeLimit | None:
    """A time cell ("5 Ngày làm việc", "4 Giờ", "Trong ngày", "0,5", "Không có thông tin") as a ``TimeLimit``."""
    if _empty(text):
        return None
    if _SAME_DAY.match(text):
        return TimeLimit(Decimal(1), TimeUnit.SAME_DAY)
    m = _TIME.match(text)
    if not m:
        return None
    amount = Decimal(m.group("amount").replace(",", "."))
    unit = (m.group("unit") or "").lower()
    return TimeLimit(amount, _UNITS.get(unit, TimeUnit.UNKNOWN))


def _unsupported_unit(text: str) -> str:
    m = _TIME.match(text or "")
    unit = (m.group("unit") or "") if m else ""
    return unit if unit and unit.lower() not in _UNITS else ""


# -- fees -----------------------------------------------------------------------------------------------------

_AMOUNT = r"(?:[1-9]\d{0,2}(?:[.,]\d{3})+|\d+)"
_CURRENCY = r"(?:Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD|EUR)"
_FREE = r"(?:Miễn phí|Miễn lệ phí|Không thu(?: phí| lệ phí)?|Không(?![^\W\d_]| có))"
_FEE_SUMMARY = re.compile(rf"\s*(?:(?P<info>{NO_INFO})|(?P<free>{_FREE})|(?P<amount>{_AMOUNT})\s*(?P<cur>{_CURRENCY}))")
_LABELLED = re.compile(
    rf"(?:^|(?<=[\n(;.\-+,)]))\s*(?P<line>(?P<label>(?i:lệ phí|phí))[^:\n()]{{0,60}}?\s*:\s*(?P<amount>{_AMOUNT})"
    rf"(?![\d%]|/\d)(?:/[^\s\d]+)?\s*(?P<cur>{_CURRENCY})?(?:(?!\s*(?i:lệ phí|phí)\s*:)[^\n;])*)"
)
_OTHER_CURRENCY = ("USD", "EUR")


def _amount(text: str) -> int:
    return int(re.sub(r"[.,]", "", text))


def _balanced(text: str, start: int) -> int:
    """End of the parenthesised group opening at ``start`` (the text's end when it never closes)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _fee_cell(text: str) -> tuple[list[FeeRecord], list[ParseIssue], int]:
    """Fee entries at the start of ``text``: the fees, the issues, and where the fee cell ends."""
    fees: list[FeeRecord] = []
    issues: list[ParseIssue] = []
    pos = 0
    while True:
        m = _FEE_SUMMARY.match(text, pos)
        if not m:
            break
        end = m.end()
        if end < len(text) and text[end] == "(":
            end = _balanced(text, end)
        entry = text[m.start():end].strip()
        pos = end
        if m.group("info"):
            continue
        if m.group("free"):
            fees.append(FeeRecord(0, entry))
        elif m.group("cur") in _OTHER_CURRENCY:
            fees.append(FeeRecord(None, entry))
            issues.append(ParseIssue("fees", f"amount in {m.group('cur')}, not converted to VND", entry))
        else:
            amount = _amount(m.group("amount"))
            fees.append(FeeRecord(amount, entry))
            if 0 < amount < 1000:
                issues.append(ParseIssue("fees", "implausibly small amount in VND, kept as stated", entry))
    return fees, issues, pos


def _labelled_fees(text: str, known: Iterable[int | None]) -> list[FeeRecord]:
    seen = {a for a in known if a is not None}
    out = []
    for m in _LABELLED.finditer(text or ""):
        if m.group("cur") in _OTHER_CURRENCY:
            continue
        amount = _amount(m.group("amount"))
        if amount in seen:
            continue
        seen.add(amount)
        out.append(FeeRecord(amount, m.group("line").strip()))
    return out


def _parse_fees(text: str | None) -> tuple[list[FeeRecord], list[ParseIssue]]:
    if _empty(text):
        return [], []
    fees, issues, _ = _fee_cell(text)
    fees += _labelled_fees(text, [f.amount_vnd for f in fees])
    if not fees and text.strip():
        issues.append(ParseIssue("fees", "no amount found in the fee text", text))
    return fees, issues


@_nfc
def parse_fees(text: str | None) -> list[FeeRecord]:
    """Fees in VND from a fee cell: "50,000 Việt Nam Đồng(Phí : 50.000 Đồng)", "Miễn phí", "Lệ phí: 100.000 đồng"."""
    return _parse_fees(text)[0]


# -- channels -------------------------------------------------------------------------------------------------

_CHANNEL_HEADER = re.compile(r"^\s*Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả")
_KINDS = {"Trực tiếp": ChannelKind.IN_PERSON, "Trực tuyến": ChannelKind.ONLINE,
          "Dịch vụ bưu chính": ChannelKind.POSTAL}
_FEE_AHEAD = rf"(?={NO_INFO}|{_FREE}|{_AMOUNT}\s*{_CURRENCY})"
_ROW = re.compile(
    r"(?P<kind>Trực tiếp|Trực tuyến|Dịch vụ bưu chính)"
    rf"(?:(?P<time>\d+(?:[.,]\d+)?\s*(?i:{_UNIT_WORDS})|{NO_INFO}|(?i:trong ngày)(?: làm việc)?)"
    rf"|(?P<bare>\d+?(?:[.,]\d+)?){_FEE_AHEAD})"
)


@_nfc
def parse_channels(text: str | None) -> tuple[list[ChannelRecord], list[ParseIssue]]:
    """The channel table (``cach_thuc_thuc_hien``): one ``ChannelRecord`` per row, with time limit and fees."""
    if _empty(text):
        return [], []
    body = _CHANNEL_HEADER.sub("", text, count=1)
    rows = list(_ROW.finditer(body))
    issues: list[ParseIssue] = []
    if not rows:
        return [], [ParseIssue("channels", "no channel row (Trực tiếp, Trực tuyến, Dịch vụ bưu chính) found", text)]
    if body[:rows[0].start()].strip():
        issues.append(ParseIssue("channels", "text before the first channel row", body[:rows[0].start()]))
    channels = []
    for i, row in enumerate(rows):
        rest = body[row.end():rows[i + 1].start() if i + 1 < len(rows) else len(body)]
        time_text = (row.group("time") or row.group("bare") or "").strip()
        time_limit = parse_time_limit(time_text)
        unit = _unsupported_unit(time_text)
        if unit:
            issues.append(ParseIssue("time_limit", f"unit {unit!r} has no equivalent; amount kept, unit unknown",
                                     time_text))
        fees, fee_issues, end = _fee_cell(rest)
        if row.group("bare") and rest[:1].isdigit():
            issues.append(ParseIssue("channels", f"time limit and fee run together; read as time {time_text!r} "
                                     f"and fee {rest[:end].strip()[:40]!r}", row.group(0) + rest[:end]))
        description = rest[end:].strip()
        fees += _labelled_fees(rest[:end] + "\n" + description, [f.amount_vnd for f in fees])
        issues += fee_issues
        channels.append(ChannelRecord(_KINDS[row.group("kind")], time_limit, time_text, fees, description))
    return channels, issues


# -- documents ------------------------------------------------------------------------------------------------

_DOC_HEADER = re.compile(r"Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng")
_N = r"(?:(?<!\d)\d{1,2}|(?<=\d)\d)"  # "…ngày 24/7/20231 bản chính": one digit when glued to a number
_QUANTITY = re.compile(
    rf"(?:(?P<orig>{_N}) ?bản chính(?: ?, ?(?P<copies>\d{{1,2}}) ?bản sao)?|(?P<only>{_N}) ?bản sao)"
    r"(?=$|\S|\s+[^\W\d_a-zà-ỹđ]|\s*\n)"
)
_FORM_FILE = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|odt|ods|rtf|zip|rar)(?![a-z])")
_FORM_WORDS = re.compile(r"(?:Mẫu|Mau|MẪU|Phụ lục|PL|Biểu mẫu|Tờ khai|TK)(?=[\s\d._-])")


def _form_start(text: str) -> int | None:
    """Where the first form file name begins in "name" + "form.docx": a glued boundary, or ``None``."""
    window = max(0, len(text) - 120)
    candidates = []
    for i in range(max(window, 1), len(text)):
        prev, ch = text[i - 1], text[i]
        glued_punctuation = prev in ".;:)]”\"" and ch.isalpha()
        lower_upper = prev.isalpha() and prev.islower() and ch.isupper()  # "theo mẫuTK 1.docx"
        form_word = not prev.isspace() and bool(_FORM_WORDS.match(text, i))  # "TT-BTPMẫu số 1.docx"
        if glued_punctuation or lower_upper or form_word:
            candidates.append(i)
    return min(candidates) if candidates else None


def _split_forms(content: str) -> tuple[str, str, bool]:
    """A row's text → (document name, form names joined by "; ", whether the split is certain)."""
    ends = [m.end() for m in _FORM_FILE.finditer(content)]
    if not ends:
        return content.strip(), "", True
    head = content[:ends[0]]
    ext = _FORM_FILE.search(head)
    start = _form_start(head[:ext.start()]) if ext else None
    sure = start is not None
    if start is None:
        start = max(head.rfind(" ", 0, ext.start()) + 1, 0) if ext else 0
    forms = [content[start:ends[0]]] + [content[a:b] for a, b in itertools.pairwise(ends)]
    tail = content[ends[-1]:].strip()
    name = content[:start].strip()
    if tail:  # text after the last file name belongs to the name
        name = f"{name} {tail}".strip()
    return name or content.strip(), "; ".join(f.strip() for f in forms if f.strip()), sure


def _case_heading(text: str) -> str:
    text = text.strip()
    return "" if not text.strip("-– ") else text


@_nfc
def parse_documents(text: str | None) -> tuple[list[DocumentRecord], list[ParseIssue]]:
    """The dossier table (``thanh_phan_ho_so``): name, form, originals and copies, under case headings."""
    if _empty(text):
        return [], []
    issues: list[ParseIssue] = []
    parts = _DOC_HEADER.split(text)
    if len(parts) == 1:
        parts = ["", text]
        issues.append(ParseIssue("documents", "no 'Tên giấy tờ / Mẫu đơn, tờ khai / Số lượng' header", text[:500]))
    case = _case_heading(parts[0])
    documents: list[DocumentRecord] = []
    for table in parts[1:]:
        pos = 0
        for q in _QUANTITY.finditer(table):
            content = table[pos:q.start()]
            pos = q.end()
            if not content.strip():
                continue
            name, form, sure = _split_forms(content)
            if not sure:
                issues.append(ParseIssue("documents", "form file name boundary unclear", content))
            originals = int(q.group("orig") or 0)
            copies = int(q.group("copies") or q.group("only") or 0)
            documents.append(DocumentRecord(name=name, originals=originals, copies=copies, form=form, case=case))
        case = _case_heading(table[pos:])  # what follows the last row heads the next table
        if table is parts[-1] and case and pos:
            issues.append(ParseIssue("documents", "text after the last document row", case))
        elif not pos and _case_heading(table):
            issues.append(ParseIssue("documents", "no quantity ('1 bản chính', '0 bản sao') found", table))
    return documents, issues


# -- legal basis ----------------------------------------------------------------------------------------------

_LEGAL_HEADER = re.compile(r"^\s*Tên văn bản pháp lý\s*Mã văn bản")
# Only the National Assembly's codes carry digits (QH13, UBTVQH14: the legislature, two digits), so a number glued to
# the next one ("…/NĐ-CP64/2022/NĐ-CP", "…/QH1361/2014/QH13") splits where the digits start.
_SEGMENT = r"(?:TTg|[A-ZĐ]*QH\d{2}|[A-ZĐ]+)"
_NUMBER = re.compile(rf"(?<!/)\d{{1,4}}/(?:\d{{4}}/)?{_SEGMENT}(?:-{_SEGMENT})*")
_DATE = re.compile(r"(?:\s|,)*ngày\s*(\d{1,2})\s*(?:/|-|\s+tháng\s+)\s*(\d{1,2})\s*(?:/|-|\s+năm\s+)\s*(\d{4})")


def _numbers(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in _NUMBER.finditer(text):
        start, end = m.start(), m.end()
        if start and text[start - 1].isdigit() and not (out and out[-1][1] == start):
            # "Luật Khiếu nại năm 201102/2011/QH13": a year glued to the number; otherwise where it starts is unclear
            # and the text stays unparsed (flagged).
            run_start = start
            while run_start and text[run_start - 1].isdigit():
                run_start -= 1
            slash = text.index("/", start)
            if not (re.match(r"(?:19|20)\d\d", text[run_start:]) and 1 <= slash - (run_start + 4) <= 4):
                continue
            start = run_start + 4
        # "58/2017/NĐ-CPBộ luật": an upper-case letter glued to a lower-case one starts the next title.
        if end < len(text) and text[end].islower() and text[end - 1].isupper() and text[end - 1] != "g" \
                and not text.startswith("ngày", end):
            end -= 1
        number = text[start:end].rstrip("-")
        if "/" in number and re.search(r"[A-ZĐ]", number.split("/")[-1]):
            out.append((start, start + len(number), number))
    return out


def _ends_row(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    rest = text[end:]
    if rest.startswith("ngày") or rest[0] in ",;.):" or rest[0].isdigit():  # a digit: the number cell follows
        return False
    if rest[0].isspace():
        word = rest.lstrip()
        return bool(word) and word[0].isupper() and not word.startswith("ngày")
    return True


def _date_after(text: str, number: str) -> dt.date | None:
    for m in re.finditer(re.escape(number), text):
        d = _DATE.match(text, m.end())
        if d:
            try:
                return dt.date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
            except ValueError:
                return None
    return None


@_nfc
def parse_legal_basis(text: str | None) -> tuple[list[LegalRecord], list[ParseIssue]]:
    """The legal-basis table (``can_cu_phap_ly``): "title" + "number" rows, with the issue date when stated."""
    if _empty(text):
        return [], []
    body = _LEGAL_HEADER.sub("", text, count=1)
    records: list[LegalRecord] = []
    issues: list[ParseIssue] = []
    pos = 0
    for start, end, number in _numbers(body):
        if not _ends_row(body, end):
            continue
        row = body[pos:end]
        title = body[pos:start].strip()
        title = re.sub(r"(?:\s*(?:số|Số))$", "", title).strip()
        if title.endswith(number):  # "Nghị định 64/2022/NĐ-CP" + "64/2022/NĐ-CP"
            pass
        records.append(LegalRecord(number=number, title=title or number, issued_on=_date_after(row, number)))
        pos = end
    leftover = body[pos:].strip()
    if leftover:
        issues.append(ParseIssue("legal_basis", "text without a document number", leftover))
    return records, issues


# -- results, steps, levels, subjects, agencies -----------------------------------------------------------------

_RESULT_CODE = re.compile(r"Mã:\s*(?P<code>[A-Z]{1,5}(?:\.[A-Z]*\d+)+)")
_RESULT_TAIL = re.compile(r"Từ khóa(?P<keywords>.*?)Mô tả(?P<description>.*)$", re.S)
_PORTAL_UI = re.compile(r"Chọn cơ quan thực hiện.*$", re.S)


@_nfc
def parse_results(text: str | None) -> list[ResultRecord]:
    """Results (``ket_qua_xu_ly``): "name" "Mã: KQ.G01.00262" repeated, then "Từ khóa…Mô tả…"."""
    if _empty(text):
        return []
    text = _PORTAL_UI.sub("", text)
    description = ""
    tail = _RESULT_TAIL.search(text)
    if tail:
        description = "" if _empty(tail.group("description")) else tail.group("description").strip()
        text = text[:tail.start()]
    results, pos = [], 0
    for m in _RESULT_CODE.finditer(text):
        name = text[pos:m.start()].strip()
        pos = m.end()
        if name:
            results.append(ResultRecord(name, m.group("code")))
    rest = text[pos:].strip()
    if rest and not _empty(rest):
        results.append(ResultRecord(rest))
    if description and results:
        results[-1].description = description
    return results


_STEP = re.compile(r"(?:^|\n)[ \t]*[-+*•]?[ \t]*Bước[ \t]*(?P<n>\d+)[ \t]*[:.\-–)]?", re.I)


@_nfc
def parse_steps(text: str | None) -> list[StepRecord]:
    """Steps (``trinh_tu_thuc_hien``): "Bước 1: … Bước 2: …" in order; otherwise one step with the whole text."""
    if _empty(text):
        return []
    marks, expected = [], 1
    for m in _STEP.finditer(text):
        if int(m.group("n")) == expected:
            marks.append(m)
            expected += 1
    if not marks:
        return [StepRecord("", text.strip())]
    steps = []
    if text[:marks[0].start()].strip():
        steps.append(StepRecord("", text[:marks[0].start()].strip()))
    for i, m in enumerate(marks):
        body = text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip()
        first, _, rest = body.partition("\n")
        if len(first) <= 200:
            steps.append(StepRecord(f"Bước {m.group('n')}: {first.strip()}".rstrip(": "), rest.strip()))
        else:
            steps.append(StepRecord(f"Bước {m.group('n')}", body))
    return steps


_LEVELS = {"cấp bộ": Level.MINISTRY, "cấp trung ương": Level.MINISTRY, "cấp tỉnh": Level.PROVINCE,
           "cấp xã": Level.COMMUNE}


@_nfc
def parse_levels(text: str | None) -> tuple[list[str], list[ParseIssue]]:
    """Levels (``cap_thuc_hien``): "Cấp bộ, Cấp tỉnh, Cấp xã" → ministry, province, commune."""
    if _empty(text):
        return [], []
    levels: list[str] = []
    issues: list[ParseIssue] = []
    for part in re.split(r"[,;\n]", text):
        key = " ".join(part.split()).lower()
        if not key:
            continue
        if key in _LEVELS:
            level = _LEVELS[key]
        elif key == "cấp huyện":
            # Districts were abolished on 1/7/2025; their procedures went to communes (domain.md §1).
            level = Level.COMMUNE
            issues.append(ParseIssue("levels", "district level abolished 1/7/2025; read as commune", part.strip()))
        else:
            issues.append(ParseIssue("levels", "not a level of government", part.strip()))
            continue
        if level not in levels:
            levels.append(level)
    return levels, issues


def _split_list(text: str, head: Callable[[str], bool]) -> list[str]:
    """Split on ";" and newlines, and on commas outside parentheses when ``head`` accepts the next item."""
    items: list[str] = []
    for chunk in re.split(r"[;\n]", text):
        current, depth = "", 0
        for i, ch in enumerate(chunk):
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0 and head(chunk[i + 1:].strip()):
                items.append(current)
                current = ""
            else:
                current += ch
        items.append(current)
    return [" ".join(i.replace("\xa0", " ").split()).strip(" .") for i in items if i.strip(" .\xa0")]


@_nfc
def parse_subjects(text: str | None) -> list[str]:
    """Subjects (``doi_tuong_thuc_hien``): comma-separated categories; a category may hold commas of its own
    ("Cán bộ, công chức, viên chức"), so a comma splits only before a capitalised word."""
    if _empty(text):
        return []
    return _split_list(text, lambda rest: bool(rest) and rest[0].isupper())


_AGENCY_HEADS = re.compile(
    r"(?:Bộ|Sở|Ủy ban|Uỷ ban|UBND|Cục|Tổng cục|Chi cục|Phòng|Công an|Ngân hàng|Tòa án|Toà án|Viện|Văn phòng|"
    r"Trung tâm|Thanh tra|Cơ quan|Chủ tịch|Giám đốc|Hội đồng|Ban|Cảng vụ|Đại sứ quán|Lãnh sự|Kho bạc|Bảo hiểm|"
    r"Chính phủ|Thủ tướng|Quốc hội|Kiểm toán|Biên phòng|Bộ đội|Đài|Học viện|Trường|Tổ chức|Doanh nghiệp|Người|"
    r"Hải quan|Thuế|Quỹ|Đơn vị|Cơ sở|Trạm|Đội|Tổng công ty|Công ty|Hiệp hội|Hội)\b"
)


def parse_agencies(obj: dict[str, Any], resolve: Callable[[str], str] | None = None) -> list[AgencyRecord]:
    """Agencies in their roles. A comma splits a list only before an agency-type word ("Bộ", "Sở", "Cục"…), so
    "Bộ Văn hóa, Thể thao và Du lịch" stays whole. ``resolve(name)`` may return a known agency's code."""
    out = []
    for field, role in (("co_quan_co_tham_quyen", AgencyRole.COMPETENT), ("co_quan_thuc_hien", AgencyRole.IMPLEMENTING),
                        ("co_quan_phoi_hop", AgencyRole.COORDINATING),
                        ("co_quan_duoc_uy_quyen", AgencyRole.AUTHORISED)):
        text = obj.get(field) or ""
        if _empty(text):
            continue
        for name in _split_list(text, lambda rest: bool(_AGENCY_HEADS.match(rest))):
            out.append(AgencyRecord(str(role), name, (resolve(name) if resolve else "") or ""))
    return out


_STATED_ONLINE = [(re.compile(r"(?i)trực tuyến\s+toàn trình"), OnlineLevel.FULL),
                  (re.compile(r"(?i)trực tuyến\s+một phần"), OnlineLevel.PARTIAL)]


def online_level(channels: list[ChannelRecord], texts: Iterable[str]) -> str:
    """Full or partial online service (Decree 224/2026 Art. 14): stated in the text, else inferred (module
    docstring)."""
    for text in texts:
        for pattern, level in _STATED_ONLINE:
            if text and pattern.search(text):
                return str(level)
    kinds = {c.kind for c in channels}
    if ChannelKind.ONLINE not in kinds:
        return str(OnlineLevel.NONE)
    return str(OnlineLevel.FULL if kinds == {ChannelKind.ONLINE} else OnlineLevel.PARTIAL)


# -- the whole record -----------------------------------------------------------------------------------------


def validate(obj: Any) -> dict[str, Any]:
    """Check the shape of a portal record; raises ``DvcqgFormatError`` naming the field."""
    if not isinstance(obj, dict):
        raise DvcqgFormatError("record", f"expected a JSON object, got {type(obj).__name__}")
    for name in STRING_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            raise DvcqgFormatError(name, f"expected a string, got {type(value).__name__}")
    for name in REQUIRED_FIELDS:
        if not (obj.get(name) or "").strip():
            raise DvcqgFormatError(name, "is missing or empty")
    return obj


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key) or ""
    return "" if _empty(value) else value.strip()


def record_from_dvcqg(obj: dict[str, Any], resolve_agency: Callable[[str], str] | None = None) -> ProcedureRecord:
    """One portal record as a ``ProcedureRecord`` (published, source "dvcqg", the object verbatim in ``raw``)."""
    validate(obj)
    raw = dict(obj)  # kept verbatim; parsing works on NFC text
    obj = {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in obj.items()}
    issues: list[ParseIssue] = []
    channels, found = parse_channels(obj.get("cach_thuc_thuc_hien"))
    issues += found
    documents, found = parse_documents(obj.get("thanh_phan_ho_so"))
    issues += found
    legal, found = parse_legal_basis(obj.get("can_cu_phap_ly"))
    issues += found
    levels, found = parse_levels(obj.get("cap_thuc_hien"))
    issues += found
    steps = parse_steps(obj.get("trinh_tu_thuc_hien"))
    results = parse_results(obj.get("ket_qua_xu_ly"))
    for component, field, items in (("steps", "trinh_tu_thuc_hien", steps), ("results", "ket_qua_xu_ly", results)):
        if not items and not _empty(obj.get(field)):
            issues.append(ParseIssue(component, "text could not be parsed", obj.get(field) or ""))
    return ProcedureRecord(
        code=obj["ma_thu_tuc"].strip(),
        name=" ".join(obj["ten_thu_tuc"].split()),
        kind=_text(obj, "loai_thu_tuc"),
        sector=_text(obj, "linh_vuc"),
        levels=levels,
        online_level=online_level(channels, [obj.get("cach_thuc_thuc_hien") or "", obj.get("raw_text") or ""]),
        subjects=parse_subjects(obj.get("doi_tuong_thuc_hien")),
        requirements=_text(obj, "yeu_cau_dieu_kien"),
        submission_address=_text(obj, "dia_chi_tiep_nhan"),
        related_procedures_text=_text(obj, "thu_tuc_lien_quan"),
        steps=steps,
        channels=channels,
        documents=documents,
        legal_basis=legal,
        agencies=parse_agencies(obj, resolve_agency),
        results=results,
        status=str(VersionStatus.PUBLISHED),
        decision_number=_text(obj, "so_quyet_dinh")[:100],
        source=SOURCE,
        source_url=_text(obj, "detail_url")[:500],
        source_folder=_text(obj, "source_folder")[:100],
        parse_issues=issues,
        raw=raw,
    )


# -- files ----------------------------------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"


class DvcqgFileError(ValueError):
    """A file that cannot be read as portal records; ``line`` is 1-based (0 when the whole file is at fault)."""

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")
        self.file, self.line, self.field, self.message = file, line, field, message


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == GZIP_MAGIC:
        data = gzip.decompress(data)
    return data.decode("utf-8-sig")


def read_dvcqg_files(paths: Iterable[str | Path]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """(file, line, object) for every record: JSON lines (plain or gzip, detected by magic bytes), or a file holding
    one JSON object or a list of objects (then the number is the object's position, 1-based). Objects are yielded
    as read; checking them is ``validate``'s job."""
    for path in paths:
        path = Path(path)
        name = str(path)
        try:
            text = _read_text(path)
        except OSError as e:
            raise DvcqgFileError(name, 0, "", f"cannot read: {e.strerror or e}") from None
        except (EOFError, gzip.BadGzipFile) as e:
            raise DvcqgFileError(name, 0, "", f"broken gzip file: {e}") from None
        except UnicodeDecodeError:
            raise DvcqgFileError(name, 0, "", "not UTF-8 text") from None
        lines = text.splitlines()
        first = next((line for line in lines if line.strip()), "")
        if first.lstrip().startswith("{") and _is_json(first):
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise DvcqgFileError(name, number, "", f"invalid JSON: {e.msg}") from None
                yield name, number, obj
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise DvcqgFileError(name, e.lineno, "", f"invalid JSON: {e.msg}") from None
        for i, obj in enumerate(data if isinstance(data, list) else [data], start=1):
            yield name, i, obj


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True
