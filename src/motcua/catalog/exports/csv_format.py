"""The catalog as a spreadsheet: one row per procedure, readable summaries of its components.

UTF-8 with a byte-order mark so that Excel shows Vietnamese correctly; every field quoted when needed by the ``csv``
module; list-valued cells joined with "; ". The columns are documented in docs/catalog-json.md. The CSV is for
reading and filtering, not for import: the JSON format is the lossless one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from ..models import AgencyRole
from ..records import ChannelRecord, ProcedureRecord, TimeLimit

BOM = "\ufeff"
SEP = "; "

CSV_COLUMNS: list[str] = [
    "code",
    "name",
    "sector",
    "kind",
    "levels",
    "online_level",
    "subjects",
    "channels",
    "fees",
    "documents_count",
    "documents",
    "results",
    "legal_basis",
    "competent_agencies",
    "implementing_agencies",
    "other_agencies",
    "status",
    "decision_number",
    "decision_date",
    "valid_from",
    "valid_to",
    "source_url",
    "parse_issues_count",
]


def dump_csv(records: Iterable[ProcedureRecord]) -> str:
    """The CSV text, starting with the BOM and using CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = csv_row(record)
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def csv_row(r: ProcedureRecord) -> dict[str, str]:
    """One procedure as the CSV's cells."""
    roles = {role: [a.name for a in r.agencies if a.role == role] for role in AgencyRole.values}
    others = [f"{a.role}: {a.name}" for a in r.agencies
              if a.role not in (AgencyRole.COMPETENT, AgencyRole.IMPLEMENTING)]
    return {
        "code": r.code,
        "name": r.name,
        "sector": r.sector,
        "kind": r.kind,
        "levels": SEP.join(r.levels),
        "online_level": str(r.online_level),
        "subjects": SEP.join(r.subjects),
        "channels": SEP.join(channel_summary(c) for c in r.channels),
        "fees": SEP.join(fee for c in r.channels for fee in fee_summaries(c)),
        "documents_count": str(len(r.documents)),
        "documents": SEP.join(d.name for d in r.documents),
        "results": SEP.join(x.name for x in r.results),
        "legal_basis": SEP.join(lr.number for lr in r.legal_basis),
        "competent_agencies": SEP.join(roles[AgencyRole.COMPETENT]),
        "implementing_agencies": SEP.join(roles[AgencyRole.IMPLEMENTING]),
        "other_agencies": SEP.join(others),
        "status": str(r.status),
        "decision_number": r.decision_number,
        "decision_date": _iso(r.decision_date),
        "valid_from": _iso(r.valid_from),
        "valid_to": _iso(r.valid_to),
        "source_url": r.source_url,
        "parse_issues_count": str(len(r.parse_issues)),
    }


def time_limit_text(tl: TimeLimit | None, fallback: str = "") -> str:
    """``5 working_days``; the source's words when the limit could not be parsed; ``-`` when there is none."""
    if tl is None:
        return fallback.strip() or "-"
    return f"{_amount(tl.amount)} {tl.unit}"


def channel_summary(c: ChannelRecord) -> str:
    """``in_person: 5 working_days``."""
    return f"{c.kind}: {time_limit_text(c.time_limit, c.time_limit_text)}"


def fee_summaries(c: ChannelRecord) -> list[str]:
    """``online: 8000 VND (Lệ phí: 8.000 đồng)``, one per fee; the amount is ``?`` when not stated."""
    out = []
    for fee in c.fees:
        amount = f"{fee.amount_vnd} VND" if fee.amount_vnd is not None else "?"
        text = f"{c.kind}: {amount}"
        if fee.description.strip():
            text += f" ({' '.join(fee.description.split())})"
        out.append(text)
    return out


def _amount(d: Decimal) -> str:
    return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")


def _iso(d) -> str:
    return d.isoformat() if d else ""
