"""``motcua jobs <subcommand>``: the background-job outbox (:mod:`motcua.core.jobs`).

``motcua jobs run`` runs the pending jobs that are due (failed ones come back after their back-off), once or, with
``--loop``, every ``--interval`` seconds until interrupted. ``motcua jobs status`` counts jobs by status.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from motcua.core import jobs
from motcua.core.models import Job


class Command(BaseCommand):
    help = "Background jobs: run the due ones, show the outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        run = sub.add_parser("run", help="Run the pending jobs that are due.")
        run.add_argument("--limit", type=int, default=None, help="At most this many jobs per pass.")
        run.add_argument("--loop", action="store_true", help="Keep running, one pass every --interval seconds.")
        run.add_argument("--interval", type=float, default=5.0, help="Seconds between passes with --loop (5).")
        sub.add_parser("status", help="Count jobs by status.")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "status":
            counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
            for status in ("pending", "running", "done", "failed"):
                self.stdout.write(f"{status}: {counts.get(status, 0)}")
            return
        while True:
            counts = jobs.run_due(limit=options["limit"])
            if counts or not options["loop"]:
                summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
                self.stdout.write(f"Jobs run — {summary}.")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
