"""Pure rules of receipt, supplement, closing and receipt regardless of administrative boundary (issue 11 points
4–7; docs/law.md "Receipt, supplement, appraisal, stop and amend" and "Receipt regardless of administrative
boundary; dossier codes").

Rules that change by date read :func:`motcua.dossiers.lawsets.rules_for` (the date of the event the rule governs:
the arrival for the 8-hour receipt, the receipt for supplements and closing). No ORM here: callers pass values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from motcua.core.calendar import TZ, WorkingCalendar

from .lawsets import rules_for
from .rules import RuleViolation, add_working_time

# Receipt of online dossiers -----------------------------------------------------------------------------------------


def receipt_due(calendar: WorkingCalendar, arrived_at: datetime, channel: str) -> datetime | None:
    """When the desk must have received an online dossier or asked for more: 8 working hours after it arrived in
    the system (Decree 118/2025 Art. 17(2)(c); from 1/7/2025). ``None`` for other channels and older dossiers."""
    hours = rules_for(arrived_at).online_receipt_working_hours
    if channel != "online" or not hours:
        return None
    return add_working_time(calendar, arrived_at, timedelta(hours=hours))


def receipt_missed(receipt_due_at: datetime | None, answered_at: datetime) -> bool:
    """Whether the desk's answer (receipt, request to complete, refusal) came after the 8-working-hour deadline."""
    return receipt_due_at is not None and answered_at > receipt_due_at


# Time limit without a machine-readable unit -----------------------------------------------------------------------

UNITLESS_FLAGS = frozenset({"no_time_limit", "fractional_time_limit"})

UNITLESS_MESSAGE = (
    "Thời hạn giải quyết của thủ tục này trong Cơ sở dữ liệu TTHC không có đơn vị đọc được "
    "(ví dụ chỉ ghi “{amount}”), nên hệ thống không tự tính được ngày hẹn trả. Cán bộ một cửa nhập ngày hẹn trả "
    "kết quả theo thời hạn của văn bản chuyên ngành vào ô “Ngày hẹn trả” (data.return_due_at, ISO 8601 có múi "
    "giờ) rồi tiếp nhận lại; thủ tục đã được đưa vào danh sách cần sửa của cán bộ quản lý TTHC."
)


def check_return_date(received_at: datetime, flag: str, entered: datetime | None, amount) -> datetime | None:
    """Receipt of a dossier whose time limit has no machine-readable unit (Decree 118/2025 Art. 17(1)(c), 17(3):
    the receipt slip carries the return date, so one must exist): refused with the way to set it, unless the desk
    entered the return date, which must be after the receipt. Returns the entered date (or ``None`` when the
    limit is machine-readable). Before 1/7/2025 such dossiers were received with a flag and no date (history)."""
    if flag not in UNITLESS_FLAGS:
        return None
    if rules_for(received_at).key == "nd61-2018":
        return entered
    if entered is None:
        raise RuleViolation("time_limit_without_unit", UNITLESS_MESSAGE.format(amount=amount if amount is not None
                                                                                else "—"))
    if entered <= received_at:
        raise RuleViolation("return_date_not_after_receipt", "Ngày hẹn trả kết quả phải sau thời điểm tiếp nhận.")
    return entered


def needs_receipt_slip(settled_at_once: bool, applicant_asked: bool = False) -> bool:
    """Decree 118/2025 Art. 17(4): a procedure whose result is returned at once after receipt needs no receipt
    slip (form 01), unless the applicant asks for one."""
    return applicant_asked or not settled_at_once


# Supplement during appraisal --------------------------------------------------------------------------------------


def check_second_supplement(received_at: datetime, supplement_count: int, role: str, override_reason: str) -> bool:
    """One request to complete the dossier, listing everything at once (Decree 118/2025 Art. 16(3), 17(2)(a),
    19(5)). The decree sets no explicit cap; motcua refuses a further request during appraisal unless a leader
    records an override with the reason. Returns whether this request is such an override."""
    cap = rules_for(received_at).max_supplement_requests
    if cap is None or supplement_count < cap:
        return False
    if role != "leader" or not override_reason.strip():
        raise RuleViolation(
            "supplement_already_requested",
            "Hồ sơ đã được yêu cầu bổ sung một lần: theo khoản 3 Điều 16, điểm a khoản 2 Điều 17 và khoản 5 Điều 19 "
            "Nghị định 118/2025/NĐ-CP, yêu cầu bổ sung phải nêu đầy đủ trong một lần. Chỉ lãnh đạo được yêu cầu bổ "
            "sung lần nữa, kèm lý do (data.override_reason); hồ sơ khi đó bị tính là trễ hạn trong Bộ chỉ số.",
            supplement_count=supplement_count)
    return True


def closing_days(received_at: datetime, sector_days: int | None) -> int | None:
    """Days after an unanswered supplement notice before the dossier is closed: the sector law's period when the
    procedure has one, else 15 (Decree 118/2025 Art. 19(5), from 1/7/2025); ``None`` before (no such rule)."""
    default = rules_for(received_at).closing_days_after_unanswered_notice
    if default is None:
        return None
    return sector_days or default


def closes_at(notice_at: datetime, days: int | None) -> datetime | None:
    """When an unanswered notice closes the dossier: "after 15 days from the notice" (Art. 19(5)) — calendar days,
    the day of the notice not counted (Civil Code 2015 Art. 147), so the period ends at the end of the 15th day and
    the dossier is closed from the start of the next (00:00 Vietnam time)."""
    if days is None:
        return None
    day = notice_at.astimezone(TZ).date() + timedelta(days=days + 1)
    return datetime.combine(day, time(0, 0), tzinfo=TZ)


# Receipt regardless of administrative boundary ------------------------------------------------------------------


@dataclass(frozen=True)
class Body:
    """What the receipt rules need of an agency: its code, kind, level and the code of the top of its tree (its
    province's people's committee ``H38`` or its ministry ``BTP``)."""

    code: str
    kind: str
    level: str
    root: str


# Art. 14(2): the provincial and commune public administrative service centres. A commune's one-stop desk is its
# people's committee's in the reference units (no separate commune centre agency), so it stands for the commune's
# centre here.
RECEIVING_CENTRES = frozenset({"service_centre", "commune_committee"})


def may_receive(desk: Body, competent: Body, on: date | datetime, *, nationwide_listed: bool = False) -> bool:
    """Whether ``desk`` may receive dossiers of procedures that ``competent`` settles.

    - Every desk receives its own agency's procedures (Art. 14(1), second sentence).
    - A ministry's desk receives those of the ministry's units (Art. 14(1)): same ministry.
    - Provincial and commune public administrative service centres receive regardless of administrative boundary
      within the province: the provincial committee, its departments, the communes and the vertical bodies there
      (Art. 14(2)); from 5/8/2026 anywhere in the country for the procedures on the published list (Art. 14(4) as
      added by Decree 309/2026 Art. 7), ``nationwide_listed``.
    - Nobody else receives for another agency.
    """
    if desk.code == competent.code:
        return True
    if desk.level == "ministry":
        return competent.level == "ministry" and desk.root == competent.root
    if desk.kind in RECEIVING_CENTRES:
        if competent.level == "ministry":
            return False  # a ministry's procedure is received locally only when delegated (Art. 14(2)(d)): listed
        if desk.root == competent.root:
            return True
        return nationwide_listed and rules_for(on).limit_starts_at_competent_receipt
    return False


def paper_transfer_due(calendar: WorkingCalendar, received_at: datetime) -> datetime:
    """The paper file reaches the competent authority within 1 working day of receipt (Art. 20(1)(a)): the end of the
    next working day after the effective receipt day."""
    day = calendar.effective_receipt_day(received_at)
    return calendar.end_of_day(calendar.add_working_days(day, 1))


def limit_start(received_at: datetime, competent_received_at: datetime | None, across_boundary: bool) -> datetime:
    """When the time limit of a dossier starts: its receipt, or — for a dossier received regardless of
    administrative boundary, from 5/8/2026 — the competent authority's receipt (Art. 17(3) as amended by Decree
    309/2026 Art. 8(3)). The electronic file goes at once (Art. 20(1)(a)), so without a later recorded arrival the
    competent authority has it at receipt."""
    if across_boundary and competent_received_at and rules_for(received_at).limit_starts_at_competent_receipt:
        return max(received_at, competent_received_at)
    return received_at


def code_identifier(received_at: datetime, receiving: str, competent: str, *, linked_group: bool, channel: str,
                    portal: str) -> str:
    """Whose identifier the dossier code carries (Decree 118/2025 Art. 28(2)(a), from 1/7/2025): the competent
    authority's; for a linked group, the receiving desk's (in person, by post) or the national portal's (online).
    Before 1/7/2025 the receiving agency's (history)."""
    if rules_for(received_at).code_identifier != "competent":
        return receiving
    if linked_group:
        return portal if channel == "online" else receiving
    return competent


# The competent authority from the applicant's address ------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A body that may be competent for a procedure, with the names of the units it sits in (a commune committee its
    commune and province; a provincial body its province; a ministry neither)."""

    code: str
    level: str
    province: str = ""
    commune: str = ""


_UNIT_WORDS = re.compile(r"^(tinh|thanh pho|tp|xa|phuong|dac khu|thi tran)\s+")


def _plain(text: str) -> str:
    """Lower case, no diacritics, ``đ`` → ``d``, punctuation as spaces: how names are compared."""
    text = unicodedata.normalize("NFD", (text or "").lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _named_in(name: str, address: str) -> bool:
    """Whether the unit ``name`` (``Phường Ba Đình``, ``Thành phố Hà Nội``) is named in ``address`` (its
    plain form, padded with spaces), with or without its kind word."""
    plain = _plain(name)
    if not plain:
        return False
    bare = _UNIT_WORDS.sub("", plain)
    return f" {plain} " in address or f" {bare} " in address


def competent_by_address(levels: Sequence[str], address: str, seats: Sequence[Seat]) -> str | None:
    """The competent authority chosen on receipt from the applicant's address when nobody named one (Decree 118/2025
    Art. 14(2), 20(1)(a): by the procedure and the applicant's address): for a commune-level procedure the commune
    committee of the commune named in the address (within the province named there, when one is); for a
    province-level one the body of the province named in the address; for a ministry-level one the only ministry
    seat. ``None`` when the address names no seat or more than one (then the desk names the authority)."""
    address_plain = f" {_plain(address)} "
    for level in ("commune", "province", "ministry"):
        if level not in levels:
            continue
        candidates = [seat for seat in seats if seat.level == level]
        if level == "commune":
            found = [seat for seat in candidates if _named_in(seat.commune, address_plain)]
            in_province = [seat for seat in found if _named_in(seat.province, address_plain)]
            found = in_province or found
        elif level == "province":
            found = [seat for seat in candidates if _named_in(seat.province, address_plain)]
        else:
            found = candidates
        if len(found) == 1:
            return found[0].code
    return None
