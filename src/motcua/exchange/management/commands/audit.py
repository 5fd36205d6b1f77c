"""``motcua audit verify``: check the hash chains of the access log and the dossier event log (issue 4 point 5).

Exits 0 when every chain is intact; otherwise prints the first entry edited, deleted or reordered (and the first
break of every other broken chain) and exits 1. Dossier events written before the chain existed are reported as
unsealed, not as tampered.
"""

from __future__ import annotations

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Audit trails: verify the hash chains of the access log and the dossier events."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser), metavar="SUBCOMMAND")
        verify = sub.add_parser("verify", help="Recompute every hash; exit 1 naming the first tampered entry.",
                                called_from_command_line=getattr(parser, "called_from_command_line", False))
        verify.add_argument("--log", choices=("all", "access", "dossiers"), default="all",
                            help="Which log to verify (default: both).")
        verify.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="Show a progress bar (default: when stderr is a terminal).")

    def handle(self, *args, subcommand: str, log: str = "all", progress: bool | None = None, **options) -> None:
        from motcua.exchange import audit

        show = sys.stderr.isatty() if progress is None else progress
        reports = []
        started = time.perf_counter()
        if log in ("all", "access"):
            reports.append(audit.verify_access_log(progress=show))
        if log in ("all", "dossiers"):
            reports.append(audit.verify_dossier_events(progress=show))
        for report in reports:
            self.stdout.write(report.summary())
        self.stdout.write(f"verified in {time.perf_counter() - started:.1f} s")
        broken = [r for r in reports if not r.intact]
        if broken:
            raise CommandError("; ".join(f"{r.log}: {r.first.describe(r.log)}" for r in broken), returncode=1)

