"""The central agency of the one-stop decree, by date (docs/law.md "Roles that moved").

Decree 118/2025/NĐ-CP Art. 35(1) names the ministry that helps the Government and the Prime Minister follow up,
urge and inspect the decree's implementation in every ministry and locality (point a): the Government Office
(``VPCP``) in the original text, the Ministry of Justice (``BTP``) from 5/8/2026, when Decree 309/2026/NĐ-CP Art. 12
replaced the whole clause 1 ("1. Bộ Tư pháp / a) Giúp Chính phủ, Thủ tướng Chính phủ theo dõi, đôn đốc, kiểm tra việc
thực hiện Nghị định này tại các bộ, ngành, địa phương"; in force 5/8/2026, its Art. 16(1)). A supervisor at the
agency in force today reads every agency's dossiers (``dossiers.access``: the API and the officers' queue) and the
exchange figures: the predicate :func:`supervises_everything` is the one place that says so.

PAKN about administrative regulations moved with the same clause (its point h): that rule is the PAKN rule sets'
(``feedback.rules.central_pakn_agency``), which the packages below feedback cannot import, hence this module.

Pure: no ORM; agency codes are the units directory's (``units.services`` lists both bodies).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from motcua.core.calendar import TZ

GOVERNMENT_OFFICE = "VPCP"
MINISTRY_OF_JUSTICE = "BTP"


@dataclass(frozen=True)
class CentralAgency:
    code: str
    basis: str
    effective_from: date
    effective_to: date | None


CENTRAL_AGENCIES: tuple[CentralAgency, ...] = (
    # Before 1/7/2025 the same task was the Government Office's under Decree 61/2018 (not in shared/law); the first
    # row reaches back so that older dates keep the Government Office.
    CentralAgency(GOVERNMENT_OFFICE, "Nghị định 118/2025/NĐ-CP, điểm a khoản 1 Điều 35", date(2018, 6, 21),
                  date(2026, 8, 4)),
    CentralAgency(MINISTRY_OF_JUSTICE, "Nghị định 118/2025/NĐ-CP, điểm a khoản 1 Điều 35, sửa đổi bởi Điều 12 "
                  "Nghị định 309/2026/NĐ-CP", date(2026, 8, 5), None),
)


def _day(on: date | datetime) -> date:
    return on.astimezone(TZ).date() if isinstance(on, datetime) else on


def central_agency_on(on: date | datetime) -> CentralAgency:
    """The central agency in force on ``on`` (Vietnam time); earlier dates get the first row."""
    day = _day(on)
    for row in reversed(CENTRAL_AGENCIES):
        if row.effective_from <= day:
            return row
    return CENTRAL_AGENCIES[0]


def central_agency(on: date | datetime) -> str:
    """The agency code of Decree 118/2025 Art. 35(1) on ``on``: ``VPCP`` until 4/8/2026, ``BTP`` from 5/8/2026."""
    return central_agency_on(on).code


def supervises_everything(supervised_codes: Iterable[str], on: date | datetime) -> bool:
    """Whether a supervisor of these agencies (codes, or their root codes) reads every agency's dossiers on ``on``:
    they supervise at the central agency then in force."""
    return central_agency(on) in set(supervised_codes)
