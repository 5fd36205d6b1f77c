"""Pure PAKN rules: time standards and overdue flags, redirection of complaints and denunciations, removal of
personal data from what is published, likely-spam flags, tracking codes, input limits. No ORM.

Time standards (domain.md §5), in working days of the handling agency's calendar, chosen by the date of receipt or
forwarding from :data:`PAKN_RULE_SETS` (Decree 20/2008 as amended by Decree 48/2013: forwarding within 5 working days,
Art. 9(1)(d); the others are the national portal's practice), each overridable by configuration:
``MOTCUA_PAKN_REFUSE_DAYS`` (2), ``MOTCUA_PAKN_FORWARD_DAYS`` (5), ``MOTCUA_PAKN_SUPPLEMENT_DAYS`` (5),
``MOTCUA_PAKN_ANSWER_DAYS`` (15), ``MOTCUA_PAKN_PUBLISH_DAYS`` (2). They count from receipt or forwarding, the day of
receipt not counted, with no 15:00 shift (no text applies the cut-off to petitions).

The central agency that receives and handles PAKN about administrative regulations is a field of the rule sets too
(:func:`central_pakn_agency`): the Ministry of Justice under Decree 20/2008 Art. 8(1), the Government Office from
1/7/2013 (Decree 48/2013), the Ministry of Justice again from 5/8/2026 (Decree 309/2026 Art. 12, amending Decree
118/2025 Art. 35(1)(h)). An item names its agency when it is received and keeps it.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from motcua.core.calendar import TZ, Unit, WorkingCalendar
from motcua.core.central import GOVERNMENT_OFFICE, MINISTRY_OF_JUSTICE
from motcua.core.text import fold

# Time standards ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaknRules:
    """The PAKN time standards in force from ``effective_from`` until ``effective_to`` (inclusive), working days."""

    key: str
    basis: str
    effective_from: date
    effective_to: date | None
    days: dict[str, int]
    # The agency that "chủ trì tiếp nhận, tổng hợp, xử lý phản ánh, kiến nghị … về quy định hành chính" nationally:
    # it receives what names no agency and its supervisors read every item (a units agency code).
    central_agency: str
    # Whether a receipt after the cut-off (15:00) counts from the next working day: no text says so for petitions.
    cutoff_moves_start: bool = False


_PORTAL_PRACTICE = {"refuse": 2, "forward": 5, "supplement": 5, "answer": 15, "publish": 2}

PAKN_RULE_SETS: tuple[PaknRules, ...] = (
    PaknRules(
        key="nd20-2008",
        basis=("Decree 20/2008/NĐ-CP Art. 9(1)(d) (forwarding); the national portal's practice (the others); "
               "Art. 8(1): the Ministry of Justice receives PAKN about administrative regulations"),
        effective_from=date(2008, 3, 3), effective_to=date(2013, 6, 30), days=dict(_PORTAL_PRACTICE),
        central_agency=MINISTRY_OF_JUSTICE,
    ),
    PaknRules(
        key="nd20-2008+nd48-2013",
        basis=("Decree 20/2008/NĐ-CP as amended by Decree 48/2013/NĐ-CP, Art. 9(1)(d) (forwarding within 5 working "
               "days from receipt); the national portal's practice (refuse 2, supplement 5, answer 15, publish 2); "
               "the Government Office receives PAKN about administrative regulations (Decree 48/2013 Art. 2, "
               "the codified Art. 17 'Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ'; the text in shared/law does not "
               "carry Decree 92/2017 and still reads 'Bộ Tư pháp' in Art. 8(1) [open])"),
        effective_from=date(2013, 7, 1), effective_to=date(2026, 8, 4), days=dict(_PORTAL_PRACTICE),
        central_agency=GOVERNMENT_OFFICE,
    ),
    PaknRules(
        key="nd20-2008+nd48-2013+nd309-2026",
        # Decree 309/2026 Art. 12(1) replaces Decree 118/2025 Art. 35(1): "1. Bộ Tư pháp … h) Chủ trì tiếp nhận, tổng
        # hợp, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính và việc thực hiện thủ tục hành
        # chính"; in force 5/8/2026 (its Art. 16(1)). The time standards do not change.
        basis=("Decree 20/2008/NĐ-CP as amended by Decree 48/2013/NĐ-CP, Art. 9(1)(d) (forwarding within 5 working "
               "days); the national portal's practice (refuse 2, supplement 5, answer 15, publish 2); Decree "
               "118/2025/NĐ-CP Art. 35(1)(h) as amended by Decree 309/2026/NĐ-CP Art. 12: the Ministry of Justice "
               "receives, consolidates and handles PAKN"),
        effective_from=date(2026, 8, 5), effective_to=None, days=dict(_PORTAL_PRACTICE),
        central_agency=MINISTRY_OF_JUSTICE,
    ),
)

DEFAULT_DAYS: dict[str, int] = PAKN_RULE_SETS[-1].days


def pakn_rules_for(moment: date | datetime) -> PaknRules:
    """The PAKN rule set in force on ``moment``'s date (Vietnam time); earlier dates get the first set."""
    day = moment.astimezone(TZ).date() if isinstance(moment, datetime) else moment
    for rules in reversed(PAKN_RULE_SETS):
        if rules.effective_from <= day:
            return rules
    return PAKN_RULE_SETS[0]


def central_pakn_agency(on: date | datetime) -> str:
    """The agency code of the central PAKN agency on ``on`` (Vietnam time): ``VPCP`` from 1/7/2013 to 4/8/2026,
    ``BTP`` from 5/8/2026 (Decree 118/2025 Art. 35(1)(h) as amended by Decree 309/2026 Art. 12). An item received
    without a named agency goes there (``services.submit``); its supervisors read every item
    (``services.officer_agencies``)."""
    return pakn_rules_for(on).central_agency


def standard_days(stage: str, at: date | datetime | None = None) -> int:
    """Working days allowed for a stage (``refuse``, ``forward``, ``supplement``, ``answer``, ``publish``), from
    ``settings.MOTCUA_PAKN_<STAGE>_DAYS`` or the rule set in force at ``at`` (default: the one in force now)."""
    rules = pakn_rules_for(at) if at is not None else PAKN_RULE_SETS[-1]
    configured = {"refuse": settings.MOTCUA_PAKN_REFUSE_DAYS, "forward": settings.MOTCUA_PAKN_FORWARD_DAYS,
                  "supplement": settings.MOTCUA_PAKN_SUPPLEMENT_DAYS, "answer": settings.MOTCUA_PAKN_ANSWER_DAYS,
                  "publish": settings.MOTCUA_PAKN_PUBLISH_DAYS}[stage]  # None (the default): the rule set's
    days = int(rules.days[stage] if configured is None else configured)
    if days < 0:
        raise ValueError(f"MOTCUA_PAKN_{stage.upper()}_DAYS must not be negative.")
    return days


def _due(calendar: WorkingCalendar, start: datetime, stage: str) -> datetime:
    # Decree 20/2008 (domain.md §5): working days from receipt or forwarding, the day itself not counted (Civil Code
    # Art. 147), no 15:00 shift.
    return calendar.due(start, standard_days(stage, start), Unit.WORKING_DAYS,
                        cutoff_moves_start=pakn_rules_for(start).cutoff_moves_start)


def receipt_due_times(calendar: WorkingCalendar, received_at: datetime) -> dict[str, datetime]:
    """Due times that start at receipt (or at forwarding, for the new agency).

    Refuse ≤ 2, request a supplement ≤ 5, forward ≤ 5 (Decree 20/2008 Art. 9(1)(d)), answer ≤ 15 working days
    "from submission or forwarding" (the national portal's practice). The receipt day is not counted, whatever the
    hour (no 15:00 shift).
    """
    return {
        "decision_due_at": _due(calendar, received_at, "refuse"),
        "forward_due_at": _due(calendar, received_at, "forward"),
        "supplement_due_at": _due(calendar, received_at, "supplement"),
        "answer_due_at": _due(calendar, received_at, "answer"),
    }


def publish_due(calendar: WorkingCalendar, answered_at: datetime) -> datetime:
    """Publish ≤ 2 working days after the answer is approved (the day of approval not counted)."""
    return _due(calendar, answered_at, "publish")


@dataclass(frozen=True)
class Clocks:
    """The times a flag needs; a plain record so the rule stays pure (built from a ``Feedback`` by the caller)."""

    state: str
    decided_at: datetime | None = None
    forwarded_at: datetime | None = None
    answered_at: datetime | None = None
    published_at: datetime | None = None
    decision_due_at: datetime | None = None
    answer_due_at: datetime | None = None
    publish_due_at: datetime | None = None
    refused_at: datetime | None = None
    supplement_requested_at: datetime | None = None
    supplement_due_at: datetime | None = None
    forward_due_at: datetime | None = None
    classification: str = ""


def overdue_flags(c: Clocks, now: datetime) -> list[str]:
    """Stages that are (or were) late at ``now``: ``refuse`` (refused after its 2 days), ``forward``,
    ``supplement``, ``answer`` (approved after, or still open past, the answer due time) and ``publish``."""
    flags: list[str] = []

    def late(done: datetime | None, due: datetime | None, open_: bool) -> bool:
        if due is None:
            return False
        return (done is not None and done > due) or (done is None and open_ and now > due)

    if c.refused_at and late(c.refused_at, c.decision_due_at, False):
        flags.append("refuse")
    if c.forwarded_at and late(c.forwarded_at, c.forward_due_at, False):
        flags.append("forward")
    if c.supplement_requested_at and late(c.supplement_requested_at, c.supplement_due_at, False):
        flags.append("supplement")
    if c.state != "refused" and late(c.answered_at, c.answer_due_at, True):
        flags.append("answer")
    if late(c.published_at, c.publish_due_at, c.answered_at is not None):
        flags.append("publish")
    return flags


# Complaints and denunciations ---------------------------------------------------------------------------------------

REDIRECTS: dict[str, str] = {
    "complaint": (
        "Nội dung của Quý vị là khiếu nại đối với quyết định hành chính hoặc hành vi hành chính. Khiếu nại không "
        "thuộc phạm vi tiếp nhận phản ánh, kiến nghị (Nghị định 20/2008/NĐ-CP) mà được giải quyết theo Luật Khiếu "
        "nại năm 2011: đề nghị Quý vị gửi đơn khiếu nại đến người đã ra quyết định hành chính hoặc cơ quan có người "
        "có hành vi hành chính (khiếu nại lần đầu), trong thời hiệu 90 ngày kể từ ngày nhận được quyết định hoặc "
        "biết được hành vi."
    ),
    "denunciation": (
        "Nội dung của Quý vị là tố cáo hành vi vi phạm pháp luật. Tố cáo không thuộc phạm vi tiếp nhận phản ánh, kiến "
        "nghị (Nghị định 20/2008/NĐ-CP) mà được giải quyết theo Luật Tố cáo năm 2018: đề nghị Quý vị gửi đơn tố cáo, "
        "ghi rõ họ tên, địa chỉ, đến cơ quan, tổ chức có thẩm quyền quản lý người bị tố cáo, hoặc cơ quan thanh tra "
        "nhà nước cùng cấp."
    ),
}

_COMPLAINT_WORDS = ("khieu nai", "don khieu nai", "de nghi huy quyet dinh")
_DENUNCIATION_WORDS = ("to cao", "don to cao", "nhan hoi lo", "doi hoi lo", "tham nhung", "tham o")


def suggest_redirect(text: str) -> str:
    """``"denunciation"``, ``"complaint"`` or ``""``: a hint for the officer who classifies (the officer decides;
    words like "tố cáo" or "khiếu nại" are often used loosely)."""
    folded = f" {fold(text)} "
    if any(f" {w} " in folded for w in _DENUNCIATION_WORDS):
        return "denunciation"
    if any(f" {w} " in folded for w in _COMPLAINT_WORDS):
        return "complaint"
    return ""


# Personal data in published text -----------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Vietnamese phone numbers: 0xxxxxxxxx / +84xxxxxxxxx, with optional spaces, dots or dashes between digit groups.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)\d{9}(?:\d{3})?(?!\d)")  # CMND (9) / CCCD, personal ID (12)
REDACTED = "[đã ẩn]"


def redact(text: str, names: list[str] | tuple[str, ...] = ()) -> str:
    """``text`` without e-mail addresses, phone numbers, 9- or 12-digit identity numbers and the given names
    (the submitter's full name, matched without regard to case). Used for what the public sees of a question."""
    if not text:
        return ""
    out = _EMAIL.sub(REDACTED, text)
    out = _PHONE.sub(REDACTED, out)
    out = _ID_NUMBER.sub(REDACTED, out)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 3:
            out = _name_pattern(name).sub(REDACTED, out)
    return out


@functools.lru_cache(maxsize=8192)
def _name_pattern(name: str) -> re.Pattern:
    return re.compile(re.escape(name), re.IGNORECASE)


# Likely spam --------------------------------------------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_REPEAT = re.compile(r"(.)\1{9,}")
SPAM_WORDS: tuple[str, ...] = ("casino", "ca cuoc", "ca do", "vay tien nhanh", "vay nong", "khuyen mai", "giam gia",
                               "nha cai", "lo de", "xo so online", "click here", "viagra", "crypto", "forex")


def spam_reasons(title: str, content: str, *, same_text_recently: int = 0, submissions_last_hour: int = 0) -> list[str]:
    """Simple, explainable reasons to hold an item for review (it is never dropped or deleted):

    - ``links``: more than 2 web links;
    - ``spam_words``: advertising or gambling words (:data:`SPAM_WORDS`, folded);
    - ``repeated_characters``: one character 10 times in a row;
    - ``shouting``: mostly capital letters over at least 30 letters;
    - ``too_short``: fewer than 3 words of content;
    - ``duplicate``: the same text was sent in the last 24 hours;
    - ``burst``: the same sender sent 3 or more items in the last hour.
    """
    reasons: list[str] = []
    text = f"{title}\n{content}"
    if len(_URL.findall(text)) > 2:
        reasons.append("links")
    folded = f" {fold(text)} "
    if any(f" {w} " in folded for w in SPAM_WORDS):
        reasons.append("spam_words")
    if _REPEAT.search(text):
        reasons.append("repeated_characters")
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 30 and sum(ch.isupper() for ch in letters) > 0.7 * len(letters):
        reasons.append("shouting")
    if len(fold(content).split()) < 3:
        reasons.append("too_short")
    if same_text_recently > 0:
        reasons.append("duplicate")
    if submissions_last_hour >= 3:
        reasons.append("burst")
    return reasons


SPAM_REASON_LABELS: dict[str, str] = {
    "links": "Nhiều đường liên kết",
    "spam_words": "Có từ ngữ quảng cáo, cờ bạc",
    "repeated_characters": "Ký tự lặp lại nhiều lần",
    "shouting": "Viết hoa gần như toàn bộ",
    "too_short": "Nội dung quá ngắn",
    "duplicate": "Trùng nội dung đã gửi trong 24 giờ",
    "burst": "Gửi nhiều lần trong một giờ",
}


# Tracking codes and input limits -------------------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def tracking_code(day: datetime, random_part: str | None = None) -> str:
    """``PAKN-YYMMDD-XXXXXX``: the day of receipt and 6 random characters (32⁶ ≈ 10⁹ a day, not guessable, so a
    code and the submitter's contact are needed to look up an item)."""
    part = random_part or "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"PAKN-{day:%y%m%d}-{part}"


CODE_PATTERN = re.compile(r"^PAKN-\d{6}-[A-Z2-9]{6}$")

LIMITS: dict[str, int] = {"title": 255, "content": 10_000, "proposal": 5_000, "answer": 20_000, "name": 255,
                          "address": 500, "regulation": 500, "officer_name": 255, "location": 500, "reason": 5_000}


def max_attachments() -> int:
    return settings.MOTCUA_PAKN_MAX_ATTACHMENTS


def max_attachment_bytes() -> int:
    return settings.MOTCUA_PAKN_MAX_ATTACHMENT_BYTES
