"""Import the project's own catalog JSON (the file ``motcua catalog export --format json`` writes).

``motcua catalog import-json FILE``: the whole file is validated first and stored in one transaction through the
single writer, so a malformed file changes nothing. Errors name the file, the line, the record (its position in
``procedures`` and its code) and the field, e.g. ``catalog.json: line 120: record 4 (procedures[3], code
1.000001): field channels[1].fees[0].amount_vnd: must be a non-negative integer or null``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from motcua.catalog.exports.json_format import CatalogFileError, load_records
from motcua.catalog.services import upsert_records

NAME = "import-json"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a motcua-catalog JSON file (version 1)")


def run(options: dict[str, Any], stdout, stderr) -> None:
    path = options["file"]
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise CommandError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise CommandError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        records = load_records(text, path)
    except CatalogFileError as err:
        raise CommandError(str(err)) from None
    summary = upsert_records(records)
    stdout.write(f"{path}: {summary.total} procedures imported ({summary.created} new, {summary.updated} updated)")
