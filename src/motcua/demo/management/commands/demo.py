"""``motcua demo load`` (the demo catalog and sign-ins, once), ``motcua demo scale N`` (a larger catalog),
``motcua demo generate`` (a realistic dossier history at any scale), ``motcua demo accounts`` (the demo sign-ins) and
``motcua demo remove-accounts`` (delete or disable them, e.g. on a production database that had demo data)."""

from __future__ import annotations

import json
import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm


class Command(BaseCommand):
    help = ("Demo data: 'load' the real national-portal catalog once; 'scale N' to N published procedures; "
            "'generate' a dossier history; 'accounts' lists the demo sign-ins.")

    def add_arguments(self, parser: CommandParser) -> None:
        from motcua.demo.generate import DEFAULT_START

        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load the demo catalog and demo sign-ins (idempotent).")
        scale = sub.add_parser("scale", help="Grow the catalog to N published procedures with localised copies.")
        scale.add_argument("target", type=int)
        gen = sub.add_parser("generate", help="Write a realistic, deterministic dossier history.")
        gen.add_argument("--dossiers", type=int, required=True, help="How many dossiers to write.")
        gen.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START,
                         help=f"First submission day (default {DEFAULT_START}).")
        gen.add_argument("--end", type=date.fromisoformat, default=None,
                         help="Last day of the period; later events are not written (default: today in Vietnam).")
        gen.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        gen.add_argument("--batch-size", type=int, default=2000)
        gen.add_argument("--once", action="store_true",
                         help="Do nothing when a generated history is already present (make run).")
        analyse = sub.add_parser("analyse", help="Bring the oversight facts up to date and run the review batches "
                                 "(reviews, cost, bottlenecks, workload) over the history.")
        analyse.add_argument("--once", action="store_true",
                             help="Run the review batches only when they have never run (make run); the facts are "
                                  "refreshed every time (incremental).")
        accounts = sub.add_parser("accounts", help="List the demo accounts (username, role, agency).")
        accounts.add_argument("--format", choices=("json", "table"), default="table")
        sub.add_parser("remove-accounts", help="Remove the demo accounts (those marked by 'load'): delete them, or "
                       "disable those that records refer to. Run it on a production database that had demo data.")

    def handle(self, *args, action: str, **options) -> None:
        from motcua.demo import services

        if action == "load":
            with tqdm(total=None, unit=" thủ tục", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
                summary = services.load_demo(progress=bar.update)
            if summary.already_loaded:
                self.stdout.write(f"Demo catalog already loaded ({summary.procedures_loaded} procedures).")
            else:
                self.stdout.write(f"Demo catalog loaded: {summary.procedures_loaded} procedures.")
            if summary.users_created:
                self.stdout.write("Demo sign-ins (password 'motcua-demo'): " + ", ".join(summary.users_created))
        elif action == "scale":
            from motcua.catalog.services import upsert_records

            target = options["target"]
            with tqdm(total=target, unit=" thủ tục", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
                summary = upsert_records(services.scaled_records(target), progress=bar.update)
            self.stdout.write(f"Catalog scaled: {summary.created} created, {summary.updated} updated.")
        elif action == "generate":
            self._generate(options)
        elif action == "analyse":
            self._analyse(options["once"])
        elif action == "remove-accounts":
            from motcua.demo.accounts import remove_demo_accounts

            removal = remove_demo_accounts()
            self.stdout.write(f"Demo accounts deleted: {len(removal.deleted)}; disabled (kept for the records that "
                              f"refer to them): {len(removal.disabled)}.")
            for name in removal.disabled:
                self.stdout.write(f"  disabled {name}")
        else:
            self._accounts(options["format"])

    def _generate(self, options: dict) -> None:
        from motcua.demo.generate import GenerationRefused, generate

        n = options["dossiers"]
        started = time.monotonic()
        try:
            with tqdm(total=n, unit=" hồ sơ", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
                summary = generate(n, start=options["start"], end=options["end"], seed=options["seed"],
                                   batch_size=options["batch_size"], once=options["once"], progress=bar.update)
        except (GenerationRefused, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if summary.skipped:
            self.stdout.write("A generated dossier history is already present: nothing generated.")
            return
        seconds = time.monotonic() - started
        rate = summary.dossiers / seconds if seconds else 0.0
        self.stdout.write(f"Generated {summary.dossiers} dossiers and {summary.events} events in {seconds:.1f} s "
                          f"({rate:.0f} dossiers/s); {summary.active_procedures} procedures in use, "
                          f"{summary.dormant_procedures} dormant (no dossier).")

    def _analyse(self, once: bool) -> None:
        """The oversight pages read stored results: compute them for the demo history (issue 6 points 1, 4–7)."""
        from django.core.management import call_command

        from motcua.oversight.review.models import ReviewRun

        call_command("oversight", "refresh", stdout=self.stdout, stderr=self.stderr)
        if once and ReviewRun.objects.exists():
            self.stdout.write("The review batches have already run: only the facts were refreshed.")
            return
        for batch in ("review", "cost", "bottlenecks", "workload"):
            started = time.monotonic()
            call_command("oversight", batch, stdout=self.stdout, stderr=self.stderr)
            self.stdout.write(f"oversight {batch}: {time.monotonic() - started:.1f} s")

    def _accounts(self, fmt: str) -> None:
        from motcua.demo.accounts import list_demo_accounts
        from motcua.demo.services import DEMO_PASSWORD

        rows = list_demo_accounts()
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        widths = [max([len(h), *(len(str(r[h])) for r in rows)]) for h in ("username", "role", "agency")]
        header = ("username", "role", "agency", "name")
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 0], strict=True)).rstrip())
        for r in rows:
            self.stdout.write("  ".join(str(r[h]).ljust(w) for h, w in zip(header, [*widths, 0], strict=True)).rstrip())
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD} (demo only).")
