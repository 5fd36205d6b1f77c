"""Publication checks for a procedure version (pure rules, no ORM).

- Completeness: Decree 63/2010 Art. 8(2) (amended by Decree 92/2017): a record lacking any of components a–g is
  incomplete and cannot be published.
- Publication on time: Decree 63/2010 Art. 15 (amended by Decree 92/2017): the publication decision is issued at least
  20 days (minister) / 5 days (province chair) before the legal document takes effect; the national portal counts
  working days (domain.md §1, [practice]). The reference date is the latest effective date in the legal basis.
- Upload on time: the record is uploaded to the national database within 10 working days (minister's decision) / 5
  (province chair's) of the decision.

Timing checks report facts about dates already past; they are stored with the version and shown, but only
completeness blocks publication. Laws that shorten the procedure (≤ 3 days after issue) are not modelled [open].
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

# Decree 63/2010 Art. 15, as counted by the national portal.
PUBLICATION_LEAD_DAYS = {"ministry": 20, "province": 5}
UPLOAD_WITHIN_DAYS = {"ministry": 10, "province": 5}


class Calendar(Protocol):
    def is_working_day(self, d: dt.date) -> bool: ...

    def add_working_days(self, d: dt.date, n: int) -> dt.date: ...


@dataclass(frozen=True)
class Check:
    """One check's outcome: ``ok`` is None when the data needed to decide is missing."""

    name: str
    ok: bool | None
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


def subtract_working_days(calendar: Calendar, d: dt.date, n: int) -> dt.date:
    """The n-th working day before ``d`` (``d`` not counted)."""
    current = d
    remaining = n
    while remaining > 0:
        current -= dt.timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def completeness(missing: list[str]) -> Check:
    if missing:
        return Check("complete", False, "Thiếu thành phần bắt buộc: " + ", ".join(missing), {"missing": missing})
    return Check("complete", True, "Đủ các thành phần bắt buộc a–g.", {"missing": []})


def published_on_time(calendar: Calendar, decision_date: dt.date | None, effective_dates: list[dt.date],
                      authority: str) -> Check:
    """Decision date ≤ latest legal-basis effective date − 20 (ministry) / 5 (province) working days."""
    lead = PUBLICATION_LEAD_DAYS[authority]
    if decision_date is None:
        return Check("published_on_time", None, "Chưa có ngày quyết định công bố.", {"lead_working_days": lead})
    if not effective_dates:
        return Check("published_on_time", None, "Căn cứ pháp lý chưa có ngày hiệu lực.", {"lead_working_days": lead})
    effective = max(effective_dates)
    deadline = subtract_working_days(calendar, effective, lead)
    ok = decision_date <= deadline
    detail = (f"Quyết định ngày {decision_date:%d/%m/%Y}; văn bản có hiệu lực ngày {effective:%d/%m/%Y}; "
              f"hạn công bố chậm nhất {deadline:%d/%m/%Y} ({lead} ngày làm việc trước).")
    return Check("published_on_time", ok, detail, {
        "lead_working_days": lead, "effective_on": effective.isoformat(), "deadline": deadline.isoformat(),
        "decision_date": decision_date.isoformat(),
    })


def uploaded_on_time(calendar: Calendar, decision_date: dt.date | None, uploaded_on: dt.date | None,
                     authority: str) -> Check:
    """Upload to the national database ≤ decision + 10 (ministry) / 5 (province) working days."""
    within = UPLOAD_WITHIN_DAYS[authority]
    if decision_date is None or uploaded_on is None:
        return Check("uploaded_on_time", None, "Chưa có ngày quyết định hoặc ngày cập nhật lên CSDL quốc gia.",
                     {"within_working_days": within})
    deadline = calendar.add_working_days(decision_date, within)
    ok = uploaded_on <= deadline
    detail = (f"Cập nhật ngày {uploaded_on:%d/%m/%Y}; hạn chậm nhất {deadline:%d/%m/%Y} "
              f"({within} ngày làm việc sau quyết định).")
    return Check("uploaded_on_time", ok, detail, {
        "within_working_days": within, "deadline": deadline.isoformat(), "uploaded_on": uploaded_on.isoformat(),
    })


def authority_for(localised: bool, decision_number: str) -> str:
    """Whose decision publishes the version: a province chair's for localised copies or UBND decisions."""
    if localised or "UBND" in decision_number.upper():
        return "province"
    return "ministry"


def _guarded(name: str, check, *args) -> Check:
    """A timing check whose dates fall outside the calendar's known years cannot be decided."""
    try:
        return check(*args)
    except ValueError as exc:  # core.calendar.CalendarRangeError: no holiday table for that year
        return Check(name, None, f"Không kiểm tra được: {exc}")


def run_checks(*, missing: list[str], calendar: Calendar, decision_date: dt.date | None,
               effective_dates: list[dt.date], uploaded_on: dt.date | None, authority: str) -> dict[str, Any]:
    """All checks, as the JSON stored with the version."""
    checks = [
        completeness(missing),
        _guarded("published_on_time", published_on_time, calendar, decision_date, effective_dates, authority),
        _guarded("uploaded_on_time", uploaded_on_time, calendar, decision_date, uploaded_on, authority),
    ]
    return {
        "authority": authority,
        "publishable": checks[0].ok is True,
        "checks": [asdict(c) for c in checks],
    }
