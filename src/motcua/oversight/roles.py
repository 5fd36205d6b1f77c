"""Roles that moved (docs/law.md "Roles that moved"): who evaluates the quality of service to people and businesses
nationally and publishes it.

- Decree 118/2025 Art. 30(4) (from 1/7/2025): the Government Office (``VPCP``).
- As amended by Decree 309/2026 Art. 11 (from 5/8/2026): the Ministry of Justice (``BTP``), which also follows up the
  decree's implementation and reports to the Government (Art. 35(1) and 40(1) as amended by its Art. 12 and 14).

The default follows the date (``lawsets.rules_for(day).national_evaluator``); ``settings.MOTCUA_NATIONAL_EVALUATOR``
(an agency code) overrides it for every date, e.g. while a deployment waits for a later amendment. Never a name
written in a template: pages and reports ask here.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings

from motcua.dossiers.lawsets import rules_for
from motcua.units.models import Agency

# The names when the agency directory does not hold the code (a fresh database, tests).
KNOWN_NAMES = {"VPCP": "Văn phòng Chính phủ", "BTP": "Bộ Tư pháp"}
BASIS = {"VPCP": "Nghị định 118/2025/NĐ-CP, khoản 4 Điều 30",
         "BTP": "Nghị định 118/2025/NĐ-CP, khoản 4 Điều 30, sửa đổi bởi Điều 11 Nghị định 309/2026/NĐ-CP"}


def agency_name(code: str) -> str:
    """The agency's name from the directory, else the known name, else the code."""
    name = Agency.objects.filter(code=code).values_list("name", flat=True).first()
    return name or KNOWN_NAMES.get(code, code)


def national_evaluator(day: date | datetime) -> dict:
    """Who evaluates service quality nationally on ``day``: ``{"code", "name", "basis", "configured"}``."""
    configured = settings.MOTCUA_NATIONAL_EVALUATOR
    code = configured or rules_for(day).national_evaluator
    basis = "Cấu hình MOTCUA_NATIONAL_EVALUATOR" if configured else BASIS.get(code, rules_for(day).basis)
    return {"code": code, "name": agency_name(code), "basis": basis, "configured": bool(configured)}
