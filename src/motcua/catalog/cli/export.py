"""Export the catalog as the project's JSON, CSV, or CPSV-AP 3.2 JSON-LD / Turtle.

``motcua catalog export --format json|csv|cpsv-jsonld|cpsv-turtle [--out FILE]``: the latest version of every
procedure, in code order. Without ``--out`` the export goes to standard output; with it the file is written
atomically (a temporary file in the same folder, then renamed), so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from motcua.catalog.exports import EXPORT_FORMATS, export_records
from motcua.catalog.queries import iter_latest_records

NAME = "export"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--format", dest="format", choices=sorted(EXPORT_FORMATS), default="json",
                        help="json (lossless, re-importable), csv (spreadsheet), cpsv-jsonld or cpsv-turtle")
    parser.add_argument("--out", dest="out", default="", help="write to FILE (atomically) instead of stdout")


def run(options: dict[str, Any], stdout, stderr) -> None:
    records = list(iter_latest_records())
    text = export_records(options["format"], records)
    out = options.get("out") or ""
    if not out or out == "-":
        stdout.write(text, ending="")
        return
    try:
        write_atomically(Path(out), text)
    except OSError as err:
        raise CommandError(f"{out}: cannot write: {err.strerror or err}") from None
    stderr.write(f"{len(records)} procedures exported as {options['format']} to {out}")


def write_atomically(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` so that the file is either the old one or the complete new one."""
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file readable by its owner only; give the export the usual permissions (umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
