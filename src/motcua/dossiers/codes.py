"""Dossier codes: ``<agency code>-YYMMDD-XXXX`` (Decree 118/2025 Art. 17(3), 28(2); Circular 03/2025/TT-VPCP).

The receiving agency's identifier, the receipt date (Asia/Ho_Chi_Minh) and a sequence within the agency and day,
starting at 0001, with no gap and no duplicate. Past 9,999 in a day the number widens (``10000``) instead of
wrapping.

How the number is taken, and why it is gap-free and unique under concurrency
------------------------------------------------------------------------------

The sequence lives in one counter row per (agency, day) (``DossierCounter``), incremented by an upsert in the
*same transaction* that inserts the dossier. Uniqueness: the upsert takes the row's lock, so two transactions
cannot read the same value; the unique ``code`` column backs it. No gap: a rolled-back submission rolls its
increment back with it (the lock is held until then, so nobody has taken a later number), and a committed one keeps
its number. A non-transactional allocator (a PostgreSQL sequence, a separate autocommit counter) would hand out
numbers faster but loses one whenever a submission fails or a worker dies between allocation and commit, and
repairing such gaps afterwards means renumbering codes that applicants may already hold — unacceptable for a legal
identifier. Sharding the counter (N rows per agency and day, merged at commit) does not help either: the code must
be final at commit, and a final number still needs one serialisation point.

So the cost of the rule is the time each submission holds the row lock, and the design makes that time as short as
possible: **the number is the last thing taken before commit**. On PostgreSQL the submission's writes are arranged
so that taking the number, inserting the dossier with its code, inserting its first event and storing the idempotent
response are *one statement* (``services.fast_submission.insert_submission``: a data-modifying CTE), issued right
before ``COMMIT``; everything else — validation, the key claim, the catalog look-up, the event's hash, rendering the
response — happens earlier, outside the lock. The dossier's id is drawn from its sequence beforehand (ids may have
gaps; codes may not), so the event and the response can be built before the number exists. The lock is therefore
held for one statement plus the commit's WAL flush, instead of four statements, Python rendering and the flush. On
SQLite the database has a single writer anyway: the counter upsert (:func:`next_sequence`) comes first and the
inserts follow, in the same transaction.

Concurrent submissions to *different* agencies or days never wait for each other (different rows).
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


def sequence_sql(prefix_param: str = "%s") -> str:
    """SQL that formats the CTE ``n``'s ``last`` like :func:`format_code` (PostgreSQL): ``prefix || 0975``."""
    return (f"(SELECT {prefix_param} || CASE WHEN n.last < {10 ** SEQUENCE_WIDTH} "
            f"THEN lpad(n.last::text, {SEQUENCE_WIDTH}, '0') ELSE n.last::text END FROM n)")


def counter_cte() -> str:
    """``n AS (…)``: the counter upsert of :func:`next_sequence` as a CTE (PostgreSQL), parameters agency id, day."""
    from .models import DossierCounter

    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    return (f"n AS (INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last)")


def code_prefix(agency_code: str, day: date) -> str:
    """``H01.TTPVHCC-261008-``: the code without its number."""
    return f"{agency_code}-{day:%y%m%d}-"


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


def next_portal_sequence(identifier: str, day: date) -> int:
    """Like :func:`next_sequence` for an identifier that is not an agency's (the national portal's: the codes of
    linked groups submitted online, Decree 118/2025 Art. 28(2)(a)); same upsert, same locking."""
    from .models import PortalCodeCounter

    table = connection.ops.quote_name(PortalCodeCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (identifier, day, last) VALUES (%s, %s, 1) "
        f"ON CONFLICT (identifier, day) DO UPDATE SET last = {table}.last + 1 "
        f"RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [identifier, connection.ops.adapt_datefield_value(day)])
        return int(cursor.fetchone()[0])
