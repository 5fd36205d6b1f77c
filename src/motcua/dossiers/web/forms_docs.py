"""The official one-stop forms as data (a :class:`FormDefinition` per set, number and kind) and their renderings:
inline SVG QR codes for the HTML pages and a pure-Python PDF (fpdf2).

Two sets (docs/law.md "Official forms"), chosen through ``motcua.dossiers.lawsets.rules_for(date).forms``:

- ``tt03-2025`` — Circular 03/2025/TT-VPCP Annex I (guiding Decree 118/2025): 01 receipt and appointment, 02 request
  to complete, 03 refusal, 04 apology and extension request, 05 stop notice, 06 process-control slip, 07 register.
  The Annex's text was not found (only the list of its forms, quoted in ``shared/law/circular-03-2025-vpcp.md`` from a
  secondary source): the layouts follow the decree's wording (Art. 17(2)(c), 19(5)–(6), 21) and can be overridden
  per set with ``settings.MOTCUA_FORM_SETS`` (number and title per kind).
- ``tt01-2018`` — history: Circular 01/2018/TT-VPCP Annex, forms 01–06, for dossiers received before 1/7/2025.

A dossier's forms follow the set in force on the day it was received (or submitted, before receipt): the receipt
slip fixes the numbering the applicant holds. The register follows the set in force on its period's first day.

A form is built once as an :class:`OfficialDocument` (emblem lines, issuing body, number, place and date, title,
body blocks, signature blocks) and rendered by one HTML template (``dossiers/forms/document.html``) and by
:func:`render_pdf`, so the HTML and the PDF never disagree. User text (names, addresses, reasons) is always plain
text: escaped in HTML, never interpreted as Markdown or markup in the PDF.

The forms are legal documents and stay in Vietnamese whatever the interface language (Decree 30/2020 Art. 8:
administrative documents are written in Vietnamese). Every printed form carries a QR code of the dossier code at the
top left (Circular 01/2023/TT-VPCP).

Where a form has a "Số" (number) line, motcua prints the dossier code: it is the unique identifier of the dossier
(Decree 118/2025 Art. 17(3), 28) and what the QR code carries; agencies keep no separate numbering of these slips.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from motcua.core.calendar import TZ
from motcua.dossiers.lawsets import rules_for
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.queries import StepControl, person_name, process_control
from motcua.units.models import Agency

EMBLEM_COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
EMBLEM_MOTTO = "Độc lập - Tự do - Hạnh phúc"

# The kinds of form (what motcua builds); each set gives them a number and a title.
KINDS = ("receipt", "supplement", "refusal", "apology", "stop", "control", "register")


@dataclass(frozen=True)
class FormDefinition:
    """One official form of a set: its number, title and the fields the law requires it to show (labels or
    phrases that the built document contains; the tests check them)."""

    number: str
    kind: str
    title: str
    fields: tuple[str, ...] = ()


_RECEIPT_FIELDS = ("Mã hồ sơ", "Thành phần hồ sơ", "Thời gian giải quyết hồ sơ theo quy định",
                   "Thời gian nhận hồ sơ", "Thời gian trả kết quả giải quyết hồ sơ")
_SUPPLEMENT_FIELDS = ("Mã hồ sơ", "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau")
_REFUSAL_FIELDS = ("Mã hồ sơ", "lý do")
_APOLOGY_FIELDS = ("Mã hồ sơ", "Thời gian hẹn trả kết quả giải quyết hồ sơ", "Lý do")
_CONTROL_FIELDS = ("Mã hồ sơ", "Hạn trả kết quả", "Người, đơn vị xử lý")

FORM_SETS: dict[str, dict[str, FormDefinition]] = {
    # Circular 03/2025/TT-VPCP Annex I (list of forms as quoted in shared/law/circular-03-2025-vpcp.md); Decree
    # 118/2025 Art. 17(2)(c) (receipt, request to complete, refusal), 19(5) (request to complete), 19(6) (apology
    # with the extension request, once), 21 (stop).
    "tt03-2025": {f.kind: f for f in (
        FormDefinition("01", "receipt", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _RECEIPT_FIELDS),
        FormDefinition("02", "supplement", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", _SUPPLEMENT_FIELDS),
        FormDefinition("03", "refusal", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", _REFUSAL_FIELDS),
        FormDefinition("04", "apology", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                       (*_APOLOGY_FIELDS, "Thời gian đề nghị gia hạn trả kết quả")),
        FormDefinition("05", "stop", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                       ("Mã hồ sơ", "Thời điểm dừng giải quyết", "Lý do dừng giải quyết")),
        FormDefinition("06", "control", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", _CONTROL_FIELDS),
        FormDefinition("07", "register", "SỔ THEO DÕI HỒ SƠ", ("Mã hồ sơ", "Hẹn trả kết quả", "Trả kết quả")),
    )},
    # History: Circular 01/2018/TT-VPCP Annex (repealed with Decree 61/2018 on 1/7/2025), dossiers received before.
    "tt01-2018": {f.kind: f for f in (
        FormDefinition("01", "receipt", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _RECEIPT_FIELDS),
        FormDefinition("02", "supplement", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", _SUPPLEMENT_FIELDS),
        FormDefinition("03", "refusal", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", _REFUSAL_FIELDS),
        FormDefinition("04", "apology", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", _APOLOGY_FIELDS),
        FormDefinition("05", "control", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", _CONTROL_FIELDS),
        FormDefinition("06", "register", "SỔ THEO DÕI HỒ SƠ", ("Mã hồ sơ", "Hẹn trả kết quả", "Trả kết quả")),
    )},
}


def form_set(key: str) -> dict[str, FormDefinition]:
    """The forms of set ``key`` by kind, with ``settings.MOTCUA_FORM_SETS[key][kind]`` (a dict with ``number``
    and/or ``title``) applied on top: the Annex's layout can be corrected without a code change."""
    forms = dict(FORM_SETS[key])
    for kind, override in settings.MOTCUA_FORM_SETS.get(key, {}).items():
        if kind in forms:
            forms[kind] = replace(forms[kind], **{k: v for k, v in override.items() if k in ("number", "title")})
    return forms


def set_key_for(day: date | datetime) -> str:
    """The form set in force on ``day`` (Decree 118/2025 from 1/7/2025; lawsets.rules_for)."""
    return rules_for(day).forms


def dossier_set(dossier: Dossier) -> dict[str, FormDefinition]:
    """The forms of a dossier: the set in force when it was received (or submitted)."""
    return form_set(set_key_for(dossier.received_at or dossier.submitted_at))


def kind_of(dossier: Dossier, number: str) -> str | None:
    """The kind of form ``number`` in the dossier's set (None: no such form for dossiers)."""
    for kind, definition in dossier_set(dossier).items():
        if definition.number == number and kind != "register":
            return kind
    return None


STEP_STATUS_VI = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "in_progress": "Đang xử lý",
    "overdue": "Đang xử lý, quá hạn",
    "pending": "Chưa đến bước",
}
# Every role a step or an event can name (units.Role and dossiers.transitions.Role), as the official forms write it:
# a printed form never shows a code.
ROLE_VI = {"desk_officer": "Bộ phận Một cửa", "specialist": "Chuyên viên xử lý", "leader": "Lãnh đạo",
           "supervisor": "Cán bộ giám sát", "catalog_officer": "Cán bộ quản lý TTHC", "applicant": "Người nộp hồ sơ",
           "system": "Hệ thống"}
CHANNEL_VI = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Dịch vụ bưu chính"}
UNIT_VI = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "calendar_days": "ngày",
           "same_day": "trong ngày"}
_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


class FormNotAvailable(Exception):
    """The dossier has not reached the point where this form exists (e.g. no refusal, no apology)."""


class PdfFontMissing(RuntimeError):
    """No TrueType font with Vietnamese glyphs was found for the PDF."""


@dataclass
class Block:
    """A piece of the body: ``p`` (paragraph), ``field`` (label: value), ``list`` (numbered items) or ``table``."""

    kind: str
    text: str = ""
    label: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)  # relative column widths of a table


@dataclass
class Signature:
    title: str
    note: str = "(Ký, ghi rõ họ tên)"
    name: str = ""


@dataclass
class OfficialDocument:
    form: str
    qr_text: str
    superior_body: str
    issuing_body: str
    number: str
    place_date: str
    title: str
    blocks: list[Block]
    signatures: list[Signature]
    subtitle: str = ""
    landscape: bool = False  # form 06 is A4 landscape; 01–05 are A5 portrait
    filename: str = ""

    @property
    def page_size(self) -> str:
        return "A4" if self.landscape else "A5"

    @property
    def qr_svg(self) -> SafeString:
        return qr_svg(self.qr_text)


# Formatting -------------------------------------------------------------------------------------------------------


def qr_svg(text: str, scale: int = 2) -> SafeString:
    """An inline SVG QR code of ``text`` (segno; error correction M)."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=scale, border=1, title=text, svgclass="qr",
                                                 lineclass="qr-line")
    return mark_safe(svg)  # segno escapes the title; the rest is generated markup


def vn_date_long(day: date) -> str:
    """``ngày 02 tháng 3 năm 2026`` (Decree 30/2020 Annex I: days below 10 get a leading zero, months below 3 too)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_moment(moment: datetime | None) -> str:
    """``10 giờ 00 phút, ngày 02/03/2026`` in Vietnam time, or a dotted blank."""
    if moment is None:
        return "…………"
    local = moment.astimezone(TZ)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {local:%d/%m/%Y}"


def vn_short(moment: datetime | None, sep: str = " ") -> str:
    """``09:00 02/03/2026`` in Vietnam time (``sep`` between the time and the date)."""
    if moment is None:
        return ""
    local = moment.astimezone(TZ)
    return f"{local:%H:%M}{sep}{local:%d/%m/%Y}"


def place_of(agency: Agency) -> str:
    unit = agency.unit
    name = unit.name if unit is not None else ""
    if unit is not None and unit.province_id and unit.province is not None:
        name = unit.province.name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name or "…………"


def place_date(agency: Agency, moment: datetime) -> str:
    return f"{place_of(agency)}, {vn_date_long(moment.astimezone(TZ).date())}"


def _bodies(agency: Agency) -> tuple[str, str]:
    parent = agency.parent
    return (parent.name.upper() if parent is not None else "", agency.name.upper())


def _time_limit(dossier: Dossier) -> str:
    unit = dossier.time_limit_unit
    if not unit or unit == "unknown":
        return "theo quy định"
    if unit == "same_day":
        return "trong ngày"
    amount = dossier.time_limit_amount
    amount_text = f"{amount.normalize():f}" if amount is not None else "…"
    return f"{amount_text} {UNIT_VI.get(unit, unit)}"


def _applicant_fields(dossier: Dossier) -> list[Block]:
    ident = dossier.applicant_personal_id or dossier.applicant_enterprise_code
    label = "Số định danh cá nhân" if dossier.applicant_personal_id else "Mã số doanh nghiệp"
    blocks = [Block("field", label="Ông/bà (tổ chức)", text=dossier.applicant_name)]
    if ident:
        blocks.append(Block("field", label=label, text=ident))
    blocks += [
        Block("field", label="Địa chỉ", text=dossier.applicant_address or "…………"),
        Block("field", label="Số điện thoại", text=dossier.applicant_phone or "…………"),
        Block("field", label="Email", text=dossier.applicant_email or "…………"),
        Block("field", label="Nội dung yêu cầu giải quyết", text=dossier.procedure_version.name),
    ]
    return blocks


def _documents(dossier: Dossier) -> list[str]:
    """The documents handed in: the dossier's uploaded documents when the model has them, else the components the
    catalog lists for the procedure version."""
    related = getattr(dossier, "documents", None)
    if related is not None and hasattr(related, "all"):
        names = [getattr(doc, "name", str(doc)) for doc in related.all()]
        if names:
            return names
    return [doc.name for doc in dossier.procedure_version.documents.order_by("position")]


def _instant(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _slip_issued(receive: DossierEvent) -> bool:
    """Decree 118/2025 Art. 17(4): a procedure settled and returned at once gets no receipt and appointment slip
    unless the applicant asks (the receive event then lacks ``receipt_slip: false``)."""
    return (receive.data or {}).get("receipt_slip") is not False


def _last_event(events: list[DossierEvent], action: str, to_states: set[str] | None = None) -> DossierEvent | None:
    for event in reversed(events):
        if event.action == action and (to_states is None or event.to_state in to_states):
            return event
    return None


def _base(dossier: Dossier, kind: str, moment: datetime, blocks: list[Block], signatures: list[Signature],
          subtitle: str = "") -> OfficialDocument:
    definition = dossier_set(dossier)[kind]
    superior, issuing = _bodies(dossier.agency)
    return OfficialDocument(form=definition.number, qr_text=dossier.code, superior_body=superior,
                            issuing_body=issuing, number=f"Mã hồ sơ: {dossier.code}",
                            place_date=place_date(dossier.agency, moment), title=definition.title, subtitle=subtitle,
                            blocks=blocks, signatures=signatures,
                            filename=f"mau-{definition.number}-{dossier.code}.pdf")


# The dossier's forms --------------------------------------------------------------------------------------------


def form_01(dossier: Dossier, events: list[DossierEvent]) -> OfficialDocument:
    """Receipt and appointment slip (form 01 of both sets; Decree 118/2025 Art. 17(2)(c), (3)): issued when the
    complete dossier is received; it carries the dossier code and the return date."""
    receipt = _last_event(events, "receive")
    if receipt is None:
        raise FormNotAvailable("The dossier has not been received.")
    if not _slip_issued(receipt):
        raise FormNotAvailable("Settled and returned at once: no receipt slip (Decree 118/2025 Art. 17(4)).")
    # The appointment given at receipt (later restarts and apologies have their own slips: 02 and 04).
    due = _instant(receipt.data.get("due_at")) or dossier.due_at_before_apology or dossier.due_at
    blocks = [Block("p", text=f"{dossier.agency.name} tiếp nhận hồ sơ của:"), *_applicant_fields(dossier),
              Block("p", text="1. Thành phần hồ sơ nộp gồm:"),
              Block("list", items=_documents(dossier) or ["…………"]),
              Block("p", text="2. Số lượng hồ sơ: 01 (bộ)"),
              Block("p", text=f"3. Thời gian giải quyết hồ sơ theo quy định là: {_time_limit(dossier)}"),
              Block("p", text=f"4. Thời gian nhận hồ sơ: {vn_moment(receipt.at)}"),
              Block("p", text=f"5. Thời gian trả kết quả giải quyết hồ sơ: {vn_moment(due)}"),
              Block("p", text=f"6. Đăng ký nhận kết quả tại: {dossier.agency.name} "
                              f"(nộp {CHANNEL_VI.get(dossier.channel, dossier.channel).lower()})"),
              Block("p", text="Vào Sổ theo dõi hồ sơ, Quyển số: …… Số thứ tự: ……")]
    return _base(dossier, "receipt", receipt.at, blocks,
                 [Signature("NGƯỜI NỘP HỒ SƠ", name=dossier.applicant_name),
                  Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", name=_actor_name(receipt))],
                 subtitle="Liên: Lưu / Giao người nộp hồ sơ")


def form_02(dossier: Dossier, events: list[DossierEvent]) -> OfficialDocument:
    """Request to complete the dossier (form 02; Decree 118/2025 Art. 16(3), 17(2)(c), 19(5)): everything missing,
    listed at once (một lần đầy đủ)."""
    event = _last_event(events, "request_supplement")
    if event is None:
        raise FormNotAvailable("No supplement was requested.")
    missing = list(event.data.get("missing") or dossier.missing_items or [])
    received = dossier.received_at or dossier.submitted_at
    blocks = [Block("p", text=f"Ngày {received.astimezone(TZ):%d/%m/%Y}, {dossier.agency.name} tiếp nhận hồ sơ "
                              f"của:"), *_applicant_fields(dossier),
              Block("p", text="Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:"),
              Block("list", items=missing or ["…………"])]
    if event.reason:
        blocks.append(Block("field", label="Lý do", text=event.reason))
    blocks.append(Block("p", text="Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, ông/bà liên hệ với "
                                  f"{_actor_name(event) or '…………'} tại {dossier.agency.name} để được hướng dẫn."))
    return _base(dossier, "supplement", event.at, blocks, [Signature("NGƯỜI HƯỚNG DẪN", name=_actor_name(event))])


def form_03(dossier: Dossier, events: list[DossierEvent]) -> OfficialDocument:
    """Refusal (form 03; Decree 118/2025 Art. 17(2)(c), 19(3)): the reasons, in writing — at receipt or after
    appraisal."""
    event = _last_event(events, "refuse")
    if event is None:
        raise FormNotAvailable("The dossier was not refused.")
    blocks = [Block("p", text=f"{dossier.agency.name} tiếp nhận hồ sơ của:"), *_applicant_fields(dossier),
              Block("p", text=f"Qua xem xét, {dossier.agency.name} thông báo không tiếp nhận, giải quyết hồ sơ này "
                              "với lý do cụ thể như sau:"),
              Block("list", items=[line for line in event.reason.splitlines() if line.strip()] or ["…………"]),
              Block("p", text="Xin thông báo cho ông/bà được biết và thực hiện./.")]
    return _base(dossier, "refusal", event.at, blocks, [Signature("NGƯỜI TIẾP NHẬN HỒ SƠ", name=_actor_name(event))])


def form_04(dossier: Dossier, events: list[DossierEvent]) -> OfficialDocument:
    """Apology and extension request (form 04): at least 1 day before the due date, the date moved only once
    (Decree 118/2025 Art. 19(6); before 1/7/2025 the apology slip of Circular 01/2018)."""
    event = _last_event(events, "apologise")
    if event is None:
        raise FormNotAvailable("No apology was given.")
    receipt = _last_event(events, "receive")
    previous = dossier.due_at_before_apology
    new_due = dossier.due_at
    received = receipt.at if receipt else dossier.received_at
    blocks = [Block("p", text=f"Ngày {received.astimezone(TZ):%d/%m/%Y}, {dossier.agency.name} tiếp nhận giải "
                              f"quyết hồ sơ của ông/bà {dossier.applicant_name}."),
              Block("field", label="Nội dung yêu cầu giải quyết", text=dossier.procedure_version.name),
              Block("field", label="Thời gian hẹn trả kết quả giải quyết hồ sơ", text=vn_moment(previous)),
              Block("p", text=f"Tuy nhiên đến nay, {dossier.agency.name} chưa trả kết quả giải quyết hồ sơ của "
                              "ông/bà đúng thời hạn ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả."),
              Block("field", label="Lý do", text=event.reason or "…………"),
              Block("p", text=f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {dossier.agency.name} xin lỗi ông/bà "
                              f"và hẹn trả kết quả vào {vn_moment(new_due)}."),
              Block("p", text="Xin trân trọng cảm ơn./.")]
    if "stop" in dossier_set(dossier):  # the Circular 03/2025 set
        # Decree 118/2025 Art. 19(6): the letter states the reason and the extension requested.
        blocks.insert(-1, Block("field", label="Thời gian đề nghị gia hạn trả kết quả", text=vn_moment(new_due)))
    return _base(dossier, "apology", event.at, blocks,
                 [Signature("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", note="(Ký tên, đóng dấu)", name=_actor_name(event))])


def form_05(dossier: Dossier, events: list[DossierEvent], now: datetime) -> OfficialDocument:
    """Process-control slip (form 06, before 1/7/2025 form 05): each hand-over with its times, the handler and
    whether it was on time."""
    if _last_event(events, "receive") is None:
        raise FormNotAvailable("The dossier has not been received.")
    control = process_control(dossier, events, now)
    units = {row.unit for row in control if row.unit}
    unit_names = dict(Agency.objects.filter(code__in=units).values_list("code", "name")) if units else {}
    rows = [_control_row(row, unit_names) for row in control]
    blocks = [Block("field", label="Cơ quan, đơn vị giải quyết", text=dossier.agency.name),
              Block("field", label="Người nộp hồ sơ", text=dossier.applicant_name),
              Block("field", label="Thủ tục", text=dossier.procedure_version.name),
              Block("field", label="Hạn trả kết quả", text=vn_short(dossier.due_at)),
              Block("table", headers=["Bước", "Người, đơn vị xử lý", "Nhận hồ sơ", "Hạn xử lý", "Giao hồ sơ",
                                      "Kết quả (trước / đúng / quá hạn)", "Ký"],
                    rows=rows, widths=[19, 21, 18, 18, 18, 17, 9])]
    return _base(dossier, "control", now, blocks, [])


def form_stop(dossier: Dossier, events: list[DossierEvent]) -> OfficialDocument:
    """Stop notice (Circular 03/2025 form 05; Decree 118/2025 Art. 21(1)–(2), 19(5)): processing stopped at the
    applicant's request (withdrawal) or by the agency (e.g. the dossier closed after an unanswered request)."""
    if "stop" not in dossier_set(dossier):
        raise FormNotAvailable("This dossier's form set has no stop notice.")
    event = _last_event(events, "stop") or _last_event(events, "withdraw")
    if event is None or (dossier.received_at is None and event.action == "withdraw"):
        raise FormNotAvailable("Processing of the dossier was not stopped.")
    asked = "theo đề nghị của ông/bà" if event.action == "withdraw" else "theo quy định"
    blocks = [Block("p", text=f"{dossier.agency.name} tiếp nhận hồ sơ của:"), *_applicant_fields(dossier),
              Block("field", label="Thời điểm dừng giải quyết", text=vn_moment(event.at)),
              Block("field", label="Lý do dừng giải quyết", text=event.reason or "…………"),
              Block("p", text=f"{dossier.agency.name} thông báo dừng giải quyết hồ sơ {asked}. Hồ sơ giấy và phí, "
                              "lệ phí (nếu có) được trả lại theo quy định của pháp luật chuyên ngành./.")]
    return _base(dossier, "stop", event.at, blocks,
                 [Signature("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", note="(Ký tên, đóng dấu)", name=_actor_name(event))])


def role_vi(role: str) -> str:
    """A role code as the forms print it; an unknown code becomes the generic handler label, never the code."""
    return ROLE_VI.get(str(role), "Cán bộ xử lý") if role else "Cán bộ xử lý"


def _control_row(row: StepControl, unit_names: dict[str, str] | None = None) -> list[str]:
    handler = row.handler or role_vi(row.role)
    if row.unit:
        handler = f"{handler} ({(unit_names or {}).get(row.unit, row.unit)})"
    return [f"{row.position}. {row.name}", handler, vn_short(row.received_at, "\n"), vn_short(row.due_at, "\n"),
            vn_short(row.handed_over_at, "\n"), STEP_STATUS_VI.get(row.status, row.status), ""]


def _actor_name(event: DossierEvent | None) -> str:
    if event is None or event.actor is None:
        return ""
    return person_name(event.actor)


def dossier_form(form: str, dossier: Dossier, events: list[DossierEvent], now: datetime) -> OfficialDocument:
    """Build form number ``form`` of the dossier's set; raises :class:`FormNotAvailable` (also for a number that
    is not a dossier form of that set)."""
    kind = kind_of(dossier, form)
    builders = {"receipt": form_01, "supplement": form_02, "refusal": form_03, "apology": form_04,
                "stop": form_stop}
    if kind == "control":
        return form_05(dossier, events, now)
    if kind not in builders:
        raise FormNotAvailable("No such form.")
    return builders[kind](dossier, events)


def available_forms(events: list[DossierEvent], dossier: Dossier | None = None) -> list[str]:
    """The numbers of the forms that exist for a dossier with these events (in the dossier's set)."""
    actions = {e.action for e in events}
    numbers = form_set(set_key_for(dossier.received_at or dossier.submitted_at)) if dossier else form_set("tt03-2025")
    kinds = []
    if "receive" in actions:
        kinds.append("control")
        received = _last_event(events, "receive")
        if received is not None and _slip_issued(received):
            kinds.append("receipt")
    if "request_supplement" in actions:
        kinds.append("supplement")
    if "refuse" in actions:
        kinds.append("refusal")
    if "apologise" in actions:
        kinds.append("apology")
    if "stop" in actions or ("withdraw" in actions and "receive" in actions):
        kinds.append("stop")
    return sorted(numbers[k].number for k in kinds if k in numbers)


# Form 06: the tracking register ---------------------------------------------------------------------------------


def form_06(agency: Agency, start: date, end: date, dossiers: list[Dossier], now: datetime) -> OfficialDocument:
    """Tracking register (Circular 03/2025 form 07; before 1/7/2025 form 06; A4 landscape): every dossier received
    by the agency in the period. The set is the one in force on the period's first day."""
    definition = form_set(set_key_for(start))["register"]
    rows = []
    for index, d in enumerate(dossiers, start=1):
        contact = ", ".join(part for part in (d.applicant_address, d.applicant_phone) if part)
        note = {"returned": "Đã trả kết quả", "refused": "Từ chối", "withdrawn": "Rút hồ sơ",
                "stopped": "Dừng xử lý"}.get(d.state, "")
        if d.apology_count:
            note = (note + "; " if note else "") + "Đã xin lỗi, hẹn lại"
        rows.append([str(index), d.code, d.procedure_version.name, "01", d.applicant_name, contact, d.agency.name,
                     vn_short(d.received_at, "\n"), vn_short(d.due_at, "\n"), vn_short(d.returned_at, "\n"), "",
                     note])
    superior, issuing = _bodies(agency)
    period = f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    blocks = [Block("table",
                    headers=["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
                             "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết",
                             "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "Ký nhận", "Ghi chú"],
                    rows=rows or [["", "", "Không có hồ sơ trong kỳ", "", "", "", "", "", "", "", "", ""]],
                    widths=[4, 13, 20, 6, 12, 14, 12, 9, 9, 9, 6, 8])]
    return OfficialDocument(form=definition.number, qr_text=f"{agency.code} {start:%Y%m%d}-{end:%Y%m%d}",
                            superior_body=superior, issuing_body=issuing, number=f"Đơn vị: {agency.code}",
                            place_date=place_date(agency, now), title=definition.title, subtitle=period,
                            blocks=blocks, signatures=[], landscape=True,
                            filename=f"mau-{definition.number}-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


# PDF ------------------------------------------------------------------------------------------------------------------

# Times New Roman is not in Debian; Tinos (fonts-croscore) and Liberation Serif (fonts-liberation2 /
# fonts-liberation) are metric-compatible and have the Vietnamese glyphs (domain.md §8); DejaVu Serif is the last
# resort. Override with settings.MOTCUA_PDF_FONTS = {"regular": path, "bold": path, "italic": path}.
def _family(folder: str, regular: str, bold: str, italic: str) -> dict[str, str]:
    return {"regular": f"{folder}/{regular}", "bold": f"{folder}/{bold}", "italic": f"{folder}/{italic}"}


FONT_CANDIDATES: tuple[dict[str, str], ...] = (
    _family("/usr/share/fonts/truetype/croscore", "Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf"),
    _family("/usr/share/fonts/truetype/liberation2", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf"),
    _family("/usr/share/fonts/truetype/liberation", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf"),
    _family("/usr/share/fonts/truetype/dejavu", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
)


# Every letter with a Vietnamese diacritic: Liberation 1.x (Debian fonts-liberation) lacks several of them.
VIETNAMESE_LETTERS = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"


@lru_cache(maxsize=16)
def covers_vietnamese(path: str) -> bool:
    """Whether the TrueType font has a glyph for every Vietnamese letter, both cases."""
    from fontTools.ttLib import TTFont

    try:
        cmap = TTFont(path, lazy=True).getBestCmap() or {}
    except Exception:  # an unreadable font is simply not a candidate
        return False
    letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.lower()
    return all(ord(ch) in cmap for ch in letters)


def find_fonts() -> dict[str, str]:
    """The TrueType files for the PDF, or :class:`PdfFontMissing` saying what to install."""
    configured = settings.MOTCUA_PDF_FONTS
    candidates = ([configured] if configured else []) + list(FONT_CANDIDATES)
    for fonts in candidates:
        if Path(fonts["regular"]).is_file() and covers_vietnamese(fonts["regular"]):
            return {style: path if Path(path).is_file() else fonts["regular"] for style, path in fonts.items()}
    raise PdfFontMissing(
        "No TrueType font with Vietnamese glyphs was found for the PDF forms. Install the Debian package "
        "fonts-liberation2 (or fonts-croscore, fonts-liberation, fonts-dejavu-core), or set MOTCUA_PDF_FONTS to "
        "{'regular': …, 'bold': …, 'italic': …} paths of .ttf files.")


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as a PDF (A5 portrait, or A4 landscape for the register), vector QR code at the top left: the
    page, the header, the title, the body blocks and the signatures, each drawn by its own step."""
    pdf = _new_pdf(doc)
    size = 10 if doc.landscape else 9.5
    _draw_header(pdf, doc, size)
    _draw_title(pdf, doc, size)
    for block in doc.blocks:
        _draw_block(pdf, doc, block, size)
    _draw_signatures(pdf, doc.signatures, size)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def _new_pdf(doc: OfficialDocument):
    """An fpdf2 document with the serif family (Vietnamese glyphs), the metadata and the first page."""
    from fpdf import FPDF

    fonts = find_fonts()
    pdf = FPDF(orientation="L" if doc.landscape else "P", unit="mm", format="A4" if doc.landscape else (148, 210))
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(True, margin=12)
    for style, key in (("", "regular"), ("B", "bold"), ("I", "italic")):
        pdf.add_font("Serif", style, fonts[key])
    pdf.set_title(f"{doc.title} - {doc.qr_text}")
    pdf.set_subject(doc.qr_text)
    pdf.set_keywords(doc.qr_text)
    pdf.set_creator("motcua")
    pdf.set_lang("vi")
    pdf.add_page()
    return pdf


def _draw_header(pdf, doc: OfficialDocument, size: float) -> None:
    """The QR code, the issuing body (left, next to the QR code), the national emblem lines and place/date (right)."""
    from fpdf.enums import XPos, YPos

    width = pdf.epw
    top = pdf.get_y()
    qr_size = 14
    _draw_qr(pdf, doc.qr_text, pdf.l_margin, top, qr_size)
    left_x = pdf.l_margin + qr_size + 2
    left_w = width * 0.48 - qr_size - 2
    right_x = pdf.l_margin + width * 0.48
    right_w = width * 0.52
    pdf.set_xy(left_x, top)
    pdf.set_font("Serif", "", size - 1.5)
    if doc.superior_body:
        pdf.multi_cell(left_w, 4.2, doc.superior_body, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", size - 1.5)
    pdf.multi_cell(left_w, 4.2, doc.issuing_body, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("Serif", "", size - 1.5)
    pdf.multi_cell(left_w, 4.2, doc.number, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_xy(right_x, top)
    pdf.set_font("Serif", "B", size - 1.5)
    pdf.multi_cell(right_w, 4.2, EMBLEM_COUNTRY, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", size)
    pdf.multi_cell(right_w, 4.6, EMBLEM_MOTTO, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto_w = pdf.get_string_width(EMBLEM_MOTTO)
    line_y = pdf.get_y()
    pdf.line(right_x + (right_w - motto_w) / 2, line_y, right_x + (right_w + motto_w) / 2, line_y)
    pdf.set_y(line_y + 1.5)
    pdf.set_x(right_x)
    pdf.set_font("Serif", "I", size - 0.5)
    pdf.multi_cell(right_w, 4.6, doc.place_date, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y(), top + qr_size) + 4)


def _draw_title(pdf, doc: OfficialDocument, size: float) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font("Serif", "B", size + 2)
    pdf.multi_cell(pdf.epw, 6, doc.title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.subtitle:
        pdf.set_font("Serif", "I", size)
        pdf.multi_cell(pdf.epw, 5, doc.subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _draw_block(pdf, doc: OfficialDocument, block: Block, size: float) -> None:
    """One body block: a paragraph, a field (label: value), a numbered list or a table."""
    from fpdf.enums import XPos, YPos

    width = pdf.epw
    pdf.set_font("Serif", "", size)
    if block.kind == "p":
        pdf.multi_cell(width, 5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif block.kind == "field":
        # The label in bold, then the value as plain text: user text (a name, an address, a reason) is never
        # read as Markdown or markup (issue 12 point 6: "[x](https://…)" stays those characters, no link).
        pdf.set_font("Serif", "B", size)
        pdf.write(5, f"{block.label}: ")
        pdf.set_font("Serif", "", size)
        pdf.write(5, block.text)
        pdf.ln(5)
    elif block.kind == "list":
        for number, item in enumerate(block.items, start=1):
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, f"{number}) {item}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif block.kind == "table":
        pdf.set_font("Serif", "", size - 2 if doc.landscape else size - 2.5)
        with pdf.table(col_widths=tuple(block.widths) or None, line_height=4, text_align="LEFT",
                       headings_style=_headings_style()) as table:
            header = table.row()
            for heading in block.headers:
                header.cell(heading)
            for values in block.rows:
                row = table.row()
                for value in values:
                    row.cell(value)
    pdf.ln(1)


def _draw_signatures(pdf, signatures: list[Signature], size: float) -> None:
    """The signature blocks side by side, on a new page when too little room is left."""
    from fpdf.enums import XPos, YPos

    if not signatures:
        return
    pdf.ln(4)
    top = pdf.get_y()
    if top > pdf.h - 40:
        pdf.add_page()
        top = pdf.get_y()
    column = pdf.epw / len(signatures)
    for index, signature in enumerate(signatures):
        x = pdf.l_margin + index * column
        pdf.set_xy(x, top)
        pdf.set_font("Serif", "B", size)
        pdf.multi_cell(column, 5, signature.title, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_font("Serif", "I", size - 1)
        pdf.multi_cell(column, 5, signature.note, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_y(pdf.get_y() + 14)
        pdf.set_x(x)
        pdf.set_font("Serif", "B", size)
        pdf.multi_cell(column, 5, signature.name, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _headings_style():
    from fpdf.fonts import FontFace

    return FontFace(emphasis="BOLD")


def _draw_qr(pdf, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code as filled rectangles (one per horizontal run of dark modules): vector, no image library."""
    qr = segno.make(text, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    module = size / (len(matrix) + 2)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + (start + 1) * module, y + (r + 1) * module, (c - start) * module, module, style="F")
            else:
                c += 1
