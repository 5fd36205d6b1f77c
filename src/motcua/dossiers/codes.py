"""Dossier codes: ``<agency code>-YYMMDD-XXXX`` (Circular 01/2018/TT-VPCP Art. 19).

The receiving agency's identifier, the receipt date (Asia/Ho_Chi_Minh) and a sequence within the agency and day,
starting at 0001, with no gap and no duplicate. The sequence is taken from a counter row incremented in the same
transaction as the dossier insert: a rolled-back submission gives its number back, a committed one keeps it. Past
9,999 in a day the number widens (``10000``) instead of wrapping.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import connection

from motcua.core.calendar import TZ

SEQUENCE_WIDTH = 4
CODE_PATTERN = re.compile(r"^(?P<agency>.+)-(?P<yymmdd>\d{6})-(?P<seq>\d{4,})$")


def receipt_date(at: datetime) -> date:
    """The calendar date of ``at`` in Vietnam, the date printed in the code."""
    return at.astimezone(TZ).date()


def format_code(agency_code: str, day: date, sequence: int) -> str:
    """``H01.TTPVHCC``, 2026-10-08, 975 → ``H01.TTPVHCC-261008-0975``; 10000 stays ``10000``."""
    if sequence < 1:
        raise ValueError("The sequence starts at 1.")
    return f"{agency_code}-{day:%y%m%d}-{sequence:0{SEQUENCE_WIDTH}d}"


def parse_code(code: str) -> tuple[str, str, int]:
    """(agency code, YYMMDD, sequence) of a code; ``ValueError`` when it is not one."""
    match = CODE_PATTERN.match(code)
    if not match:
        raise ValueError(f"Not a dossier code: {code!r}.")
    return match["agency"], match["yymmdd"], int(match["seq"])


def next_sequence(agency_id: int, day: date) -> int:
    """Take the next number of ``agency_id`` on ``day``; call inside the transaction that inserts the dossier.

    One statement: insert the day's row at 1, or on conflict increment it, and return the value. The row stays
    locked until the transaction ends, so concurrent submissions to the same agency and day queue on it and get
    consecutive numbers; a rollback returns the number. Works on PostgreSQL and SQLite (≥ 3.35).
    """
    from .models import DossierCounter

    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
        f"RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, connection.ops.adapt_datefield_value(day)])
        return int(cursor.fetchone()[0])
