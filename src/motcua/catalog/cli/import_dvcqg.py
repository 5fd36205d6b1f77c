"""Import records of the National Public Service Portal (DVCQG) from JSON lines, gzip or JSON files.

``motcua catalog import-dvcqg FILE…``: every file is read and every record checked before anything is written; a
malformed file (bad JSON, a record that is not an object, a missing or empty ``ma_thu_tuc``/``ten_thu_tuc``, a field
of the wrong type) stops the import with an error naming the file, the line and the field, and nothing is stored.
Then all records go through the single writer in one transaction. What the parser could not standardise is kept
verbatim as parse issues (see ``motcua.catalog.importers.dvcqg``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError, CommandParser
from tqdm import tqdm

from motcua.catalog.importers.dvcqg import DvcqgFileError, DvcqgFormatError, read_dvcqg_files, record_from_dvcqg
from motcua.catalog.records import ProcedureRecord
from motcua.catalog.services import upsert_records

NAME = "import-dvcqg"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="portal records: JSON lines (plain or .gz) or a .json file with one object or a list")


def agency_resolver() -> Callable[[str], str]:
    """Names → known agency codes through ``units.queries.resolve_agency_name`` when available, cached per name."""
    try:
        from motcua.units.queries import resolve_agency_name
    except ImportError:
        return lambda name: ""
    cache: dict[str, str] = {}

    def resolve(name: str) -> str:
        if name not in cache:
            try:
                agency = resolve_agency_name(name)
            except Exception:  # a resolver problem must not stop an import: the name is kept, the code left empty
                agency = None
            cache[name] = getattr(agency, "code", "") or ""
        return cache[name]

    return resolve


def load(paths: list[str], resolve: Callable[[str], str] | None = None) -> list[ProcedureRecord]:
    """Read and check every file; raises ``CommandError`` naming file, line and field."""
    records = []
    try:
        for file, line, obj in read_dvcqg_files(paths):
            try:
                records.append(record_from_dvcqg(obj, resolve))
            except DvcqgFormatError as err:
                code = obj.get("ma_thu_tuc") if isinstance(obj, dict) else None
                which = f" (ma_thu_tuc {code})" if isinstance(code, str) and code.strip() else ""
                raise CommandError(f"{file}: line {line}{which}: field {err.field}: {err.message}") from None
    except DvcqgFileError as err:
        raise CommandError(str(err)) from None
    return records


def run(options: dict[str, Any], stdout, stderr) -> None:
    paths = options["files"]
    records = load(paths, agency_resolver())
    is_tty = getattr(stderr, "isatty", lambda: False)()
    with tqdm(total=len(records), unit="thủ tục", disable=not is_tty, file=getattr(stderr, "_out", stderr)) as bar:
        summary = upsert_records(records, progress=bar.update)
    issues = sum(len(r.parse_issues) for r in records)
    flagged = sum(1 for r in records if r.parse_issues)
    stdout.write(f"{summary.total} procedures imported from {len(paths)} file(s): {summary.created} created, "
                 f"{summary.updated} updated; {issues} parse issues in {flagged} records")
