"""Report how much of the stored catalog is machine-readable, and which records lack mandatory components.

``motcua catalog quality [--json]``: for the latest version of every procedure, the share where each component was
parsed (present and machine-readable); the records missing any of components a–g (Decree 63/2010 Art. 8(2)); and
the headline figure: among records whose portal text states a time limit with a unit, the share that got a
machine-readable time limit (target ≥ 95%).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.core.management.base import CommandParser

from motcua.catalog.queries import iter_latest_records
from motcua.catalog.records import ProcedureRecord
from motcua.catalog.rules import MANDATORY_COMPONENTS, channel_time_unit, has_performing_agency, missing_components

NAME = "quality"
HEADLINE_TARGET = 0.95

# A portal channel row whose time cell carries a unit: "Trực tiếp5 Ngày làm việc", "Trực tuyến4 Giờ", "…Trong ngày".
# Deliberately independent of the importer's own patterns, so the figure checks the importer rather than echoing it.
_STATED_WITH_UNIT = re.compile(
    r"(?:Trực tiếp|Trực tuyến|Dịch vụ bưu chính)\s*"
    r"(?:\d+(?:[.,]\d+)?\s*(?i:ngày|giờ|tháng|tuần|năm|phút)|(?i:trong ngày))"
)
_READABLE_UNITS = {"working_days", "working_hours", "same_day", "calendar_days"}


def _time_limit_readable(r: ProcedureRecord) -> bool:
    return any(channel_time_unit(c) in _READABLE_UNITS for c in r.channels)


COMPONENTS: list[tuple[str, Callable[[ProcedureRecord], bool]]] = [
    ("name", lambda r: bool(r.name.strip())),
    ("steps", lambda r: bool(r.steps)),
    ("channels", lambda r: bool(r.channels)),
    ("time limit", _time_limit_readable),
    ("fees", lambda r: any(f.amount_vnd is not None for c in r.channels for f in c.fees)),
    ("documents", lambda r: bool(r.documents)),
    ("subjects", lambda r: bool(r.subjects)),
    ("implementing agency", has_performing_agency),
    ("legal basis", lambda r: bool(r.legal_basis)),
    ("results", lambda r: bool(r.results)),
    ("levels", lambda r: bool(r.levels)),
    ("sector", lambda r: bool(r.sector.strip())),
]


def states_time_limit_with_unit(record: ProcedureRecord) -> bool:
    text = record.raw.get("cach_thuc_thuc_hien") if isinstance(record.raw, dict) else None
    return isinstance(text, str) and bool(_STATED_WITH_UNIT.search(unicodedata.normalize("NFC", text)))


def quality_report(records: Iterable[ProcedureRecord]) -> dict[str, Any]:
    """The figures as a dict (``--json`` prints it as is)."""
    total = 0
    parsed = dict.fromkeys((name for name, _ in COMPONENTS), 0)
    incomplete = []
    stated = readable = parse_issues = 0
    for r in records:
        total += 1
        parse_issues += len(r.parse_issues)
        for name, test in COMPONENTS:
            parsed[name] += bool(test(r))
        missing = missing_components(r)
        if missing:
            incomplete.append({"code": r.code, "name": r.name, "missing": missing})
        if states_time_limit_with_unit(r):
            stated += 1
            readable += _time_limit_readable(r)
    share = readable / stated if stated else None
    return {
        "records": total,
        "components": {name: {"parsed": n, "share": round(n / total, 4) if total else None}
                       for name, n in parsed.items()},
        "headline": {"stated_with_unit": stated, "machine_readable": readable,
                     "share": round(share, 4) if share is not None else None, "target": HEADLINE_TARGET,
                     "met": share is not None and share >= HEADLINE_TARGET},
        "incomplete": incomplete,
        "parse_issues": parse_issues,
    }


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def run(options: dict[str, Any], stdout, stderr) -> None:
    report = quality_report(iter_latest_records())
    if options.get("json"):
        stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        return
    n = report["records"]
    stdout.write(f"Catalog quality: {n} procedures (latest versions), {report['parse_issues']} parse issues")
    stdout.write("Component              parsed")
    for name, figures in report["components"].items():
        stdout.write(f"  {name:<20} {_pct(figures['share']):>7}  ({figures['parsed']}/{n})")
    h = report["headline"]
    stdout.write(f"Time limit stated with a unit → machine-readable: {_pct(h['share'])} "
                 f"({h['machine_readable']}/{h['stated_with_unit']}; target ≥ {h['target'] * 100:.0f}%: "
                 f"{'met' if h['met'] else 'NOT met'})")
    stdout.write(f"Records missing mandatory components a–g (Decree 63/2010 Art. 8(2)): {len(report['incomplete'])}")
    legend = ", ".join(f"{code} {name}" for code, name in MANDATORY_COMPONENTS.items())
    stdout.write(f"  ({legend})")
    for item in report["incomplete"]:
        stdout.write(f"  {item['code']}: missing {', '.join(item['missing'])} — {item['name'][:90]}")
