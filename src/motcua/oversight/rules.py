"""Pure rules of oversight (no ORM): a dossier's outcome facts and their daily contributions, periods, the service
index's indicators and scoring (Decision 766/QĐ-TTg, domain.md §7), and the one-stop evaluation as scored
before 1/7/2025 (history: Circular 01/2018, Decree 61/2018 Art. 30–32).
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from motcua.core.calendar import TZ
from motcua.dossiers import rating

from .models import DAILY_COUNTERS

COUNTER_INDEX = {name: i for i, name in enumerate(DAILY_COUNTERS)}
N_COUNTERS = len(DAILY_COUNTERS)

# States that end processing (Decision 766 indicator 2.1: "ends at the first of processed > returned >
# stopped/refused/withdrawn"). ``finished_at`` is set by approve, refuse, withdraw and stop.
WAITING_STATES = frozenset({"supplement_requested", "payment_requested"})
# More than one supplement request during appraisal ⇒ late for the index (DVCQG [practice]; dossiers.rules).
MAX_SUPPLEMENTS_ON_TIME = 1


_VN_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975


def local_day(moment: datetime | None) -> date | None:
    """The calendar day in Vietnam (Asia/Ho_Chi_Minh) of an instant (a fast path for UTC instants after 1975)."""
    if moment is None:
        return None
    if moment.year > 1975 and moment.utcoffset() == _ZERO:
        return (moment + _VN_OFFSET).date()
    return moment.astimezone(TZ).date()


_ZERO = timedelta(0)


# A dossier's outcome ------------------------------------------------------------------------------------------------


class DossierRaw(NamedTuple):
    """What the facts read of one dossier (its row and a few aggregates of its events). A named tuple: a rebuild
    makes millions of them, straight from the database rows (``DossierRaw._make``)."""

    id: int
    agency_id: int
    procedure_id: int
    channel: str
    state: str
    submitted_at: datetime
    received_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    index_due_at: datetime | None
    supplement_count: int
    supplement_wait_seconds: int
    rating: str
    rated_at: datetime | None
    version: int
    second_supplement_at: datetime | None  # the second supplement request during appraisal, if any
    supplement_requests: int  # every supplement request (at receipt and during appraisal)
    electronic_result: bool  # the result was returned electronically (return_result by the system)
    issues_document: bool  # the dossier's procedure version issues a document (has a result)
    payment_requested: bool
    paid_online: bool  # the payment was confirmed by the online gateway (confirm_payment by the system)
    # When the wait for the applicant (supplement, payment) began, for a dossier that is waiting now or whose
    # processing was ended (stopped, withdrawn) while it waited; None otherwise.
    paused_at: datetime | None = None
    # The desk answered the online dossier after its 8 working hours (Decree 118/2025 Art. 17(2)(c)): late for 2.1.
    receipt_late: bool = False
    receipt_due_at: datetime | None = None


# The columns of DossierFact in the order of :func:`dossier_outcome`'s tuple.
FACT_COLUMNS: tuple[str, ...] = (
    "dossier_id", "agency_id", "procedure_id", "channel", "state", "submitted_day", "received_at", "received_day",
    "ended_at", "ended_day", "returned_day", "index_due_at", "due_day", "supplement_count", "supplement_requests",
    "supplement_wait_seconds", "late_at", "late_day", "on_time", "electronic_result", "issues_document",
    "payment_requested",
    "paid_online", "rating", "rated_day", "last_seq",
)
F = {name: i for i, name in enumerate(FACT_COLUMNS)}


def dossier_outcome(r: DossierRaw) -> tuple:
    """The DossierFact row of a dossier (a tuple in :data:`FACT_COLUMNS` order).

    Index clock (Decision 766 indicator 2.1 [practice], domain.md §7): processing ends at the first of processed >
    returned > stopped/refused/withdrawn; the time waiting for the applicant's supplement is subtracted (already added
    to ``index_due_at`` by the dossier service); more than one supplement request makes the dossier late whatever the
    times. A dossier without a due time (no or fractional time limit) cannot be late on time grounds. While the
    dossier waits for the applicant (supplement, payment) its clock is paused, so it is not late on time grounds then.
    """
    ended_at = r.finished_at
    if r.returned_at is not None and (ended_at is None or r.returned_at < ended_at):
        ended_at = r.returned_at
    received = r.received_at is not None
    # More than one request — from 1/7/2025 only with a leader's override (Decree 118/2025 Art. 16(3), 17(2)(a),
    # 19(5); the override event always makes the count 2 or more) — is late whatever the times.
    multi = r.supplement_count > MAX_SUPPLEMENTS_ON_TIME
    # Decree 118/2025 Art. 17(2)(c): an online dossier the desk answered after its 8 working hours is late for 2.1,
    # from the moment the receipt deadline passed.
    receipt_late = bool(r.receipt_late)
    late_at: datetime | None = None
    on_time: bool | None = None
    wait_seconds = r.supplement_wait_seconds
    if received:
        candidates = []
        if multi and r.second_supplement_at is not None:
            candidates.append(r.second_supplement_at)
        if receipt_late:
            candidates.append(r.receipt_due_at or r.received_at)
        # The clock stood still from the start of a wait for the applicant: a wait cut short by a stop or a
        # withdrawal is subtracted like a finished one (the index clock ends where the wait began), and a dossier
        # waiting now is late only if it was late before the wait began.
        paused = r.paused_at
        if ended_at is not None:
            clock_end = paused if paused is not None and paused < ended_at else ended_at
            # Indicator 2.2 like 2.1: a wait cut short by the stop is subtracted from the processing time too.
            wait_seconds += int((ended_at - clock_end).total_seconds())
            due_late = r.index_due_at is not None and clock_end > r.index_due_at
            on_time = not (multi or due_late or receipt_late)
            if due_late:
                candidates.append(r.index_due_at)
            if multi and r.second_supplement_at is None:  # defensive: the event is missing, late at the end
                candidates.append(ended_at)
        elif r.index_due_at is not None and (r.state not in WAITING_STATES
                                             or (paused is not None and paused > r.index_due_at)):
            candidates.append(r.index_due_at)
        late_at = min(candidates) if candidates else None
    return (
        r.id, r.agency_id, r.procedure_id, r.channel, r.state, local_day(r.submitted_at), r.received_at,
        local_day(r.received_at), ended_at, local_day(ended_at), local_day(r.returned_at), r.index_due_at,
        local_day(r.index_due_at), r.supplement_count, r.supplement_requests, wait_seconds, late_at,
        local_day(late_at), on_time, bool(r.electronic_result), bool(r.issues_document), bool(r.payment_requested),
        bool(r.paid_online),
        r.rating or "", local_day(r.rated_at), r.version,
    )


def contributions(fact: tuple) -> list[tuple[date, int, int]]:
    """The fact's additions to DailyFact: ``(day, counter index, value)`` rows (the key's agency and procedure are
    the fact's). Summing every dossier's contributions gives the daily table; a refresh subtracts a dossier's old
    contributions and adds its new ones."""
    c = COUNTER_INDEX
    out: list[tuple[date, int, int]] = []
    received_day, ended_day = fact[F["received_day"]], fact[F["ended_day"]]
    channel = fact[F["channel"]]
    if received_day is not None:
        out.append((received_day, c["received"], 1))
        if channel == "online":
            out.append((received_day, c["received_online"], 1))
        elif channel == "postal":
            out.append((received_day, c["received_postal"], 1))
        if ended_day is not None:
            on_time = fact[F["on_time"]]
            out.append((ended_day, c["ended"], 1))
            out.append((ended_day, c["ended_on_time" if on_time else "ended_late"], 1))
            due_day = fact[F["due_day"]]
            if due_day is None:
                out.append((ended_day, c["ended_no_due"], 1))
            elif on_time and ended_day < due_day:
                out.append((ended_day, c["ended_early"], 1))
            if fact[F["supplement_count"]] > MAX_SUPPLEMENTS_ON_TIME:
                out.append((ended_day, c["ended_multi_supplement"], 1))
            if fact[F["supplement_count"]]:
                out.append((ended_day, c["ended_supplemented"], 1))
            wait = fact[F["supplement_wait_seconds"]]
            elapsed = int((fact[F["ended_at"]] - fact[F["received_at"]]).total_seconds())
            out.append((ended_day, c["processing_seconds"], max(0, elapsed - wait)))
            if wait:
                out.append((ended_day, c["supplement_wait_seconds"], wait))
            requests = fact[F["supplement_requests"]]
            out.append((ended_day, c["contacts_0" if requests == 0 else "contacts_1" if requests == 1
                                  else "contacts_more"], 1))
            if fact[F["payment_requested"]]:
                out.append((ended_day, c["payment_requested"], 1))
                if fact[F["paid_online"]]:
                    out.append((ended_day, c["paid_online"], 1))
        late_day = fact[F["late_day"]]
        if late_day is not None:
            out.append((late_day, c["became_late"], 1))
    elif ended_day is not None:
        out.append((ended_day, c["not_received"], 1))
    returned_day = fact[F["returned_day"]]
    if returned_day is not None:
        electronic = fact[F["electronic_result"]]
        out.append((returned_day, c["returned"], 1))
        if electronic:
            out.append((returned_day, c["returned_electronic"], 1))
        if channel == "online":
            out.append((returned_day, c["returned_online"], 1))
            if electronic:
                out.append((returned_day, c["returned_online_electronic"], 1))
        if fact[F["issues_document"]]:
            out.append((returned_day, c["returned_document"], 1))
            if electronic:
                out.append((returned_day, c["returned_document_electronic"], 1))
            elif channel == "online":
                out.append((returned_day, c["returned_online_document_paper"], 1))
    rated_day = fact[F["rated_day"]]
    if rated_day is not None and fact[F["rating"]]:
        out.append((rated_day, c["rated"], 1))
        if fact[F["rating"]] == "not_satisfied":
            out.append((rated_day, c["rated_not_satisfied"], 1))
    return out


# Periods --------------------------------------------------------------------------------------------------------------


class PeriodError(ValueError):
    """The period is not written as YYYY, YYYY-Qn, YYYY-MM or YYYY-Www."""


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # year, quarter, month, week
    start: date
    end: date

    def previous(self) -> Period:
        return parse_period(_shift(self, -1))

    def label(self) -> str:
        if self.kind == "year":
            return f"Năm {self.start.year}"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        return f"Tuần {self.start.isocalendar()[1]}/{self.start.isocalendar()[0]}"


_PATTERNS = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$", re.I),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "week": re.compile(r"^(\d{4})-W(\d{2})$", re.I),
}


def parse_period(text: str) -> Period:
    """``2026`` (year), ``2026-Q4`` (quarter), ``2026-10`` (month), ``2026-W40`` (ISO week, Monday–Sunday)."""
    text = (text or "").strip()
    for kind, pattern in _PATTERNS.items():
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == "year":
            return Period(f"{year}", kind, date(year, 1, 1), date(year, 12, 31))
        if kind == "quarter":
            q = int(m.group(2))
            start = date(year, 3 * q - 2, 1)
            end_month = 3 * q
            return Period(f"{year}-Q{q}", kind, start, date(year, end_month, _calendar.monthrange(year, end_month)[1]))
        if kind == "month":
            month = int(m.group(2))
            if not 1 <= month <= 12:
                break
            return Period(f"{year}-{month:02d}", kind, date(year, month, 1),
                          date(year, month, _calendar.monthrange(year, month)[1]))
        week = int(m.group(2))
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            break
        return Period(f"{year}-W{week:02d}", kind, start, start + timedelta(days=6))
    raise PeriodError(f"Không có kỳ {text!r}: hãy chọn một kỳ trong danh sách (năm, quý, tháng hoặc tuần).")


def _shift(p: Period, n: int) -> str:
    if p.kind == "year":
        return str(p.start.year + n)
    if p.kind == "quarter":
        q = (p.start.month - 1) // 3 + n
        return f"{p.start.year + q // 4}-Q{q % 4 + 1}"
    if p.kind == "month":
        m = p.start.month - 1 + n
        return f"{p.start.year + m // 12}-{m % 12 + 1:02d}"
    start = p.start + timedelta(weeks=n)
    iso = start.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def trailing_periods(p: Period, n: int) -> list[Period]:
    """The ``n`` periods of the same kind ending with ``p`` (oldest first), for trends."""
    return [parse_period(_shift(p, -i)) for i in range(n - 1, -1, -1)]


def end_instant(day: date) -> datetime:
    """The last instant of a day in Vietnam, in UTC."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=TZ).astimezone(UTC) - timedelta(
        microseconds=1)


# The service index ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    code: str
    group: int
    name: str  # Vietnamese (msgid)
    points: Decimal
    threshold: Decimal | None = None  # full marks at or above this rate
    source: str = "dossiers"  # dossiers, catalog, pakn, missing
    note: str = ""


GROUPS = {
    1: "Công khai, minh bạch",
    2: "Tiến độ giải quyết",
    3: "Dịch vụ công trực tuyến",
    4: "Thanh toán trực tuyến",
    5: "Mức độ số hóa hồ sơ",
    6: "Mức độ hài lòng",
}

D = Decimal
# Decision 766/QĐ-TTg as scored by DVCQG (domain.md §7). 3.1–3.3 share 12 points in a way that is not settled
# [open]: the default is 4 + 4 + 4, overridable with settings.MOTCUA_INDEX_POINTS = {"3.1": ..., ...}.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("1.1", 1, "Công bố, công khai TTHC đúng hạn", D(6), source="catalog",
              note="Quyết định công bố ≤ ngày hiệu lực muộn nhất của căn cứ pháp lý − 20 (bộ) / − 5 (tỉnh) "
                   "ngày làm việc."),
    Indicator("1.2", 1, "Cập nhật TTHC lên CSDL quốc gia đúng hạn", D(4), source="catalog",
              note="Ngày cập nhật ≤ ngày quyết định + 10 (bộ) / + 5 (tỉnh) ngày làm việc."),
    Indicator("1.3", 1, "Công khai TTHC đầy đủ các bộ phận a–g", D(2), source="catalog"),
    Indicator("1.4", 1, "Đồng bộ hồ sơ lên Cổng DVCQG", D(6), source="missing",
              note="motcua chưa ghi nhận việc đồng bộ với DVCQG: chưa có dữ liệu nguồn."),
    Indicator("2.1", 2, "Hồ sơ giải quyết đúng hạn và đang trong hạn", D(20),
              note="Trừ thời gian chờ bổ sung; yêu cầu bổ sung quá 1 lần tính là trễ hạn."),
    Indicator("2.2", 2, "Thời gian giải quyết trung bình", D(0), note="Theo dõi, không chấm điểm (ngày)."),
    Indicator("3.1", 3, "Tỷ lệ TTHC cung cấp trực tuyến (toàn trình, một phần)", D(4), D("0.8"), source="catalog"),
    Indicator("3.2", 3, "Dịch vụ trực tuyến phát sinh hồ sơ", D(4), source="catalog+dossiers"),
    Indicator("3.3", 3, "Tỷ lệ hồ sơ trực tuyến (có kết quả điện tử nếu TTHC cấp giấy tờ)", D(4), D("0.5"),
              note="Chưa nhân tỷ lệ đồng bộ DVCQG (chưa có dữ liệu nguồn)."),
    Indicator("4.1", 4, "TTHC có phí tích hợp thanh toán trực tuyến", D(2), D("0.8"), source="missing",
              note="Danh mục chưa ghi nhận việc tích hợp cổng thanh toán: chưa có dữ liệu nguồn."),
    Indicator("4.2", 4, "TTHC có phát sinh thanh toán trực tuyến", D(2), source="catalog+dossiers",
              note="Mẫu số: TTHC có phí, lệ phí khác 0."),
    Indicator("4.3", 4, "Hồ sơ thanh toán trực tuyến", D(6),
              note="Mẫu số: hồ sơ được yêu cầu thực hiện nghĩa vụ tài chính."),
    Indicator("5.1", 5, "Hồ sơ có kết quả điện tử (TTHC cấp giấy tờ)", D(6)),
    Indicator("5.2", 5, "Hồ sơ được số hóa thành phần và kết quả", D(4), D("0.8"), source="missing"),
    Indicator("5.3", 5, "Cấp bản sao điện tử có chứng thực", D(2), source="missing"),
    Indicator("5.4", 5, "Hồ sơ tái sử dụng dữ liệu số hóa", D(2), D("0.8"), source="missing"),
    Indicator("5.5", 5, "Hồ sơ số hóa gắn với kho dữ liệu công dân", D(4), source="missing"),
    Indicator("5.6", 5, "TTHC kết nối CSDL quốc gia về dân cư", D(2), source="catalog",
              note="TTHC có thành phần thay thế được bằng tra cứu cơ sở dữ liệu."),
    Indicator("5.7", 5, "Hồ sơ sử dụng dữ liệu dân cư hoặc tài khoản VNeID", D(2), source="missing"),
    Indicator("6.1", 6, "Xử lý phản ánh, kiến nghị đúng hạn", D(6), source="pakn"),
    Indicator("6.2", 6, "Mức độ hài lòng về xử lý phản ánh, kiến nghị", D(6), source="pakn"),
    Indicator("6.3", 6, "Mức độ hài lòng về giải quyết hồ sơ", D(6), D("0.9"),
              note="100% − (tỷ lệ trễ hạn + tỷ lệ hồ sơ không hài lòng)."),
)
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}

TWO = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class Score:
    code: str
    numerator: int | Decimal | None
    denominator: int | None
    rate: Decimal | None  # 0–100 %, 2 decimals; None = N/A
    points: Decimal | None  # None = N/A (0 in the total)
    max_points: Decimal
    source: str
    note: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "numerator": _num(self.numerator), "denominator": self.denominator,
                "rate": _num(self.rate), "points": _num(self.points), "max_points": _num(self.max_points),
                "source": self.source, "note": self.note}


def _num(v):
    if isinstance(v, Decimal):
        return float(v)
    return v


def score(indicator: Indicator, numerator, denominator: int | None, *, max_points: Decimal | None = None,
          threshold: Decimal | None = None, note: str = "") -> Score:
    """Points of one indicator (domain.md §7): N/A on a zero (or unknown) denominator, which counts 0 in the total;
    with a threshold, max × rate ÷ threshold below it and max at or above; otherwise max × rate; 2 decimals."""
    maximum = indicator.points if max_points is None else max_points
    threshold = indicator.threshold if threshold is None else threshold
    if not denominator or numerator is None:
        return Score(indicator.code, numerator, denominator, None, None, maximum, indicator.source,
                     note or indicator.note)
    ratio = Decimal(numerator) / Decimal(denominator)
    ratio = min(max(ratio, Decimal(0)), Decimal(1))
    earned = (maximum if ratio >= threshold else maximum * ratio / threshold) if threshold else maximum * ratio
    return Score(indicator.code, numerator, denominator, round2(ratio * 100), round2(earned), maximum,
                 indicator.source, note or indicator.note)


def total(scores: list[Score]) -> Decimal:
    """The total: the sum of points, N/A counting 0 (domain.md §7)."""
    return round2(sum((s.points for s in scores if s.points is not None), Decimal(0)))


def rank(rows: list[dict], key: str = "total") -> list[dict]:
    """Competition ranking by ``key`` descending (equal totals share a rank: 1, 2, 2, 4); ties ordered by name."""
    ordered = sorted(rows, key=lambda r: (-r[key], r.get("name", ""), r.get("code", "")))
    previous, position = None, 0
    for i, row in enumerate(ordered, start=1):
        if row[key] != previous:
            position, previous = i, row[key]
        row["rank"] = position
    return ordered


# The one-stop evaluation before 1/7/2025 (history: Circular 01/2018 Art. 13–15; Decree 61/2018 Art. 30–32) -----------


@dataclass(frozen=True)
class EvalIndicator:
    number: int
    name: str
    per: str  # dossier or agency
    source: str = "dossiers"
    note: str = ""


EVALUATION: tuple[EvalIndicator, ...] = (
    EvalIndicator(1, "Tổng thời gian giải quyết so với quy định", "dossier",
                  note="Trước hạn 2, đúng hạn 1, quá hạn 0; trung bình các hồ sơ kết thúc trong kỳ."),
    EvalIndicator(2, "Thời gian thực hiện của từng cơ quan so với quy định", "dossier", source="estimate",
                  note="Ước tính theo kết quả của hồ sơ: đúng hạn 2, trễ hạn 0 (chưa có hạn từng bước trong số liệu)."),
    EvalIndicator(3, "Số lần liên hệ để hoàn thiện hồ sơ", "dossier",
                  note="0 lần 2, 1 lần 1, nhiều hơn 0 (theo số lần yêu cầu bổ sung)."),
    EvalIndicator(4, "Số cơ quan phải liên hệ", "dossier", source="missing",
                  note="Người nộp chỉ liên hệ bộ phận một cửa trong motcua; chưa có dữ liệu liên hệ ngoài hệ thống."),
    EvalIndicator(5, "Tiếp nhận, trả kết quả tại bộ phận một cửa", "agency",
                  note="Tỷ lệ hồ sơ trả kết quả qua bộ phận một cửa hoặc trực tuyến: 100% 2, ≥ 90% 1."),
    EvalIndicator(6, "Công khai TTHC", "agency", source="catalog",
                  note="Tỷ lệ TTHC công khai đầy đủ: 100% 2, ≥ 90% 1."),
    EvalIndicator(7, "Thái độ tiếp nhận, giải quyết", "dossier",
                  note="Hài lòng 2, không hài lòng 0; trung bình các đánh giá trong kỳ."),
    EvalIndicator(8, "Tiếp nhận, xử lý phản ánh, kiến nghị đúng hạn", "agency", source="pakn",
                  note="100% đúng hạn 2, ≥ 90% 1."),
    EvalIndicator(9, "Cung cấp dịch vụ công trực tuyến", "agency",
                  note="Tỷ lệ hồ sơ trực tuyến: ≥ 50% 2, ≥ 20% 1 (ngưỡng mặc định, cơ quan vận hành hệ thống có thể "
                       "điều chỉnh)."),
)

BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(15), "Xuất sắc"), (Decimal(12), "Tốt"), (Decimal(9), "Khá"), (Decimal(6), "Trung bình"),
    (Decimal(0), "Yếu"),
)


def band(total_points: Decimal) -> str:
    """History, before 1/7/2025 (Circular 01/2018 Art. 15): ≥ 15 Xuất sắc; 12–<15 Tốt; 9–<12 Khá; 6–<9 Trung
    bình; < 6 Yếu."""
    for floor, name in BANDS:
        if total_points >= floor:
            return name
    return "Yếu"


def share_score(numerator: int, denominator: int, full: Decimal = Decimal(1),
                half: Decimal = Decimal("0.9")) -> Decimal | None:
    """0/1/2 on a share: 2 at or above ``full``, 1 at or above ``half``, else 0; None on a zero denominator."""
    if not denominator:
        return None
    ratio = Decimal(numerator) / Decimal(denominator)
    return Decimal(2) if ratio >= full else Decimal(1) if ratio >= half else Decimal(0)


def average_score(weighted: list[tuple[int, int]]) -> Decimal | None:
    """The mean of per-dossier 0/1/2 scores given as (score, count) pairs, 2 decimals; None with no dossier."""
    n = sum(c for _, c in weighted)
    if not n:
        return None
    return round2(Decimal(sum(s * c for s, c in weighted)) / Decimal(n))


@dataclass
class Evaluation:
    scores: list[Decimal | None] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return round2(sum((s for s in self.scores if s is not None), Decimal(0)))

    @property
    def band(self) -> str:
        return band(self.total)


# The evaluation since 1/7/2025 (Decree 118/2025 Chapter V, Art. 29–34) -------------------------------------------


@dataclass(frozen=True)
class Criterion:
    letter: str  # the point of the article: a, b, c, …
    name: str  # Vietnamese, as the decree words it
    groups: tuple[int, ...] = ()  # agency criteria: the service index groups that measure it
    field: str = ""  # citizen criteria: the CitizenEvaluation column
    note: str = ""


# Art. 32(1): the competent authority's criteria. They are the groups of the service index (Decision 766), which the
# software already computes (Art. 32(2): "tổng hợp kết quả đánh giá từ phần mềm"); the mapping of point d to groups 3
# (online services) and 4 (online payment) is motcua's reading [open]. Point e (others set by the Government) has no
# text yet.
AGENCY_CRITERIA: tuple[Criterion, ...] = (
    Criterion("a", "Công khai, minh bạch", (1,)),
    Criterion("b", "Tiến độ, kết quả giải quyết", (2,)),
    Criterion("c", "Số hóa hồ sơ", (5,)),
    Criterion("d", "Cung cấp dịch vụ trực tuyến", (3, 4), note="Nhóm 3 (dịch vụ công trực tuyến) và nhóm 4 "
                                                               "(thanh toán trực tuyến) của Bộ chỉ số 766."),
    Criterion("đ", "Mức độ hài lòng", (6,)),
)

# Art. 33(1)(a)–(h): what the applicant evaluates — the questions the dossier pages ask (motcua.dossiers.rating),
# as criteria of the evaluation. Answers: 2 satisfied, 1 acceptable, 0 not satisfied.
CITIZEN_CRITERIA: tuple[Criterion, ...] = tuple(Criterion(q.letter, q.name, field=q.field) for q in rating.QUESTIONS)
ANSWERS: tuple[tuple[int, str], ...] = rating.ANSWERS

# No bands are set by Decree 118/2025 [open]: the default below (share of the 100 points of the criteria) is
# motcua's, overridable with settings.MOTCUA_EVALUATION_BANDS = [[floor, name], …] (highest floor first).
DEFAULT_BANDS_118: tuple[tuple[Decimal, str], ...] = (
    (Decimal(90), "Xuất sắc"), (Decimal(80), "Tốt"), (Decimal(65), "Khá"), (Decimal(50), "Trung bình"),
    (Decimal(0), "Yếu"),
)


def bands_118(configured=None) -> tuple[tuple[Decimal, str], ...]:
    """The bands of the evaluation since 1/7/2025: ``configured`` (settings) or the documented default."""
    if not configured:
        return DEFAULT_BANDS_118
    return tuple(sorted(((Decimal(str(floor)), str(name)) for floor, name in configured), reverse=True))


def band_118(points: Decimal, bands: tuple[tuple[Decimal, str], ...] = DEFAULT_BANDS_118) -> str:
    for floor, name in bands:
        if points >= floor:
            return name
    return bands[-1][1]


def criterion_percent(scores: list[Score], groups: tuple[int, ...]) -> Decimal | None:
    """A criterion of Art. 32(1) as the share (0–100 %) of its index groups' points; N/A indicators count 0, and a
    criterion whose indicators are all N/A is N/A."""
    inside = [s for s in scores if INDICATOR_BY_CODE[s.code].group in groups and s.max_points]
    if not inside or all(s.points is None for s in inside):
        return None
    earned = sum((s.points or Decimal(0) for s in inside), Decimal(0))
    return round2(earned / sum((s.max_points for s in inside), Decimal(0)) * 100)


def answers_percent(values: list[int | None]) -> Decimal | None:
    """The applicants' answers to one criterion as a share (0–100 %): the mean of 2/1/0 over the answers given,
    divided by 2; None with no answer."""
    given = [v for v in values if v is not None]
    if not given:
        return None
    return round2(Decimal(sum(given)) / Decimal(2 * len(given)) * 100)
