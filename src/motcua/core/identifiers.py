"""Validation of the identifiers applicants give: the personal identification number and the enterprise code.

Pure functions (no ORM). domain.md §4:

- **Personal identification number** (số định danh cá nhân, printed on the CCCD card; Decree 137/2015 Art. 7 as
  amended, Circular 59/2021/TT-BCA Art. 7): 12 digits. Digits 1–3 are the code of the province where the birth was
  registered (001 Hà Nội … 096 Cà Mau); digit 4 gives century and sex (1900s: 0 male / 1 female; 2000s: 2 / 3;
  2100s: 4 / 5); digits 5–6 are the last two digits of the birth year; digits 7–12 are random. The birth year so
  encoded cannot be in the future.
- **Enterprise code** (mã số doanh nghiệp, which is also the tax code; Law on Enterprises 2020 Art. 29): 10 digits;
  a dependent unit (branch) carries a 3-digit suffix, ``0101234567-001``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

PERSONAL_ID_LENGTH = 12
# Province codes of birth registration (Circular 07/2016/TT-BCA Annex): 001–096.
PROVINCE_CODES = range(1, 97)
# Digit 4: (century start, sex) — even digits male, odd digits female.
CENTURY_SEX: dict[str, tuple[int, str]] = {
    "0": (1900, "male"), "1": (1900, "female"),
    "2": (2000, "male"), "3": (2000, "female"),
    "4": (2100, "male"), "5": (2100, "female"),
}
ENTERPRISE_CODE = re.compile(r"^(?P<code>\d{10})(?:-(?P<branch>\d{3}))?$")


class IdentifierError(ValueError):
    """The identifier is not valid; ``rule`` is a stable key, the message says what is wrong."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: int
    sex: str
    birth_year: int


@dataclass(frozen=True)
class EnterpriseCode:
    number: str
    code: str
    branch: str


def parse_personal_id(value: str, *, today: date | None = None) -> PersonalId:
    """The parts of a valid personal identification number; :class:`IdentifierError` otherwise."""
    number = str(value or "").strip()
    if len(number) != PERSONAL_ID_LENGTH or not number.isascii() or not number.isdigit():
        raise IdentifierError("personal_id_format",
                              _("The personal identification number has exactly 12 digits."))
    province = int(number[:3])
    if province not in PROVINCE_CODES:
        raise IdentifierError("personal_id_province",
                              _("Digits 1–3 must be a province code from 001 to 096 (got %(code)s).")
                              % {"code": number[:3]})
    century_sex = CENTURY_SEX.get(number[3])
    if century_sex is None:
        raise IdentifierError("personal_id_century",
                              _("Digit 4 (century and sex) must be 0–5 (got %(digit)s).") % {"digit": number[3]})
    century, sex = century_sex
    birth_year = century + int(number[4:6])
    if birth_year > (today or date.today()).year:
        raise IdentifierError("personal_id_birth_year",
                              _("Digits 4–6 give the birth year %(year)d, which is in the future.")
                              % {"year": birth_year})
    return PersonalId(number=number, province_code=province, sex=sex, birth_year=birth_year)


def personal_id_error(value: str, *, today: date | None = None) -> str | None:
    """What is wrong with a personal identification number, or ``None`` when it is valid."""
    try:
        parse_personal_id(value, today=today)
    except IdentifierError as error:
        return str(error)
    return None


def parse_enterprise_code(value: str) -> EnterpriseCode:
    """The parts of a valid enterprise code (10 digits, optional ``-XXX`` branch); :class:`IdentifierError`."""
    number = str(value or "").strip()
    match = ENTERPRISE_CODE.match(number) if number.isascii() else None
    if match is None:
        raise IdentifierError("enterprise_code_format",
                              _("The enterprise code has 10 digits, optionally followed by a 3-digit branch "
                                "suffix (0101234567 or 0101234567-001)."))
    return EnterpriseCode(number=number, code=match["code"], branch=match["branch"] or "")


def enterprise_code_error(value: str) -> str | None:
    """What is wrong with an enterprise code, or ``None`` when it is valid."""
    try:
        parse_enterprise_code(value)
    except IdentifierError as error:
        return str(error)
    return None
