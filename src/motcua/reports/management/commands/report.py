"""``motcua report monthly --period 2026-10 [--scope national|province:<code>|agency:<code>] --out FILE.docx|.pdf``.

The monthly report to the Working Group in the official layout (Decree 30/2020), with a progress bar while the
sections are built (issue 6 point 9).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.reports.monthly import SCOPE_HELP, SECTIONS, ReportError, build_monthly, render


class Command(BaseCommand):
    help = "Generated official documents: monthly (the monthly report to the Working Group)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser), metavar="SUBCOMMAND")
        monthly = sub.add_parser("monthly", help="The monthly report (DOCX or PDF).",
                                 called_from_command_line=getattr(parser, "called_from_command_line", False))
        monthly.add_argument("--period", required=True, help="The month, YYYY-MM (e.g. 2026-10).")
        monthly.add_argument("--scope", default="national", help=SCOPE_HELP + " (default national).")
        monthly.add_argument("--out", required=True, help="Output file: .docx or .pdf.")
        monthly.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, subcommand: str, **options) -> None:
        out = Path(options["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("docx", "pdf"):
            raise CommandError(f"--out must end in .docx or .pdf, not {out.name!r}.")
        if not out.parent.exists():
            raise CommandError(f"The folder {out.parent} does not exist.")
        show = not options["no_progress"]
        steps = len(SECTIONS) + 1
        done = 0
        started = time.monotonic()

        def progress(name: str) -> None:
            nonlocal done
            done += 1
            if show:
                filled = int(30 * done / steps)
                self.stderr.write(f"\r[{'#' * filled}{' ' * (30 - filled)}] {done}/{steps} {name:<16}", ending="")
                self.stderr.flush()

        try:
            report = build_monthly(options["period"], options["scope"], progress=progress)
            data = render(report, fmt)
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        progress("rendered")
        if show:
            self.stderr.write("")
        out.write_bytes(data)
        self.stdout.write(f"Wrote {out} ({len(data):,} bytes, {len(report.sections)} sections) in "
                          f"{time.monotonic() - started:.1f} s.")
        sys.stdout.flush()
