"""``motcua feedback <subcommand>``: PAKN history, demo items, figures and overdue items.

- ``generate --items N --seed S [--start YYYY-MM-DD] [--end YYYY-MM-DD]``: a realistic history (bulk writes);
- ``demo``: a few items for the demo accounts (idempotent), for ``make run``;
- ``figures --start … --end … [--agency CODE …]``: the satisfaction-group counts as JSON;
- ``overdue [--agency CODE]``: open items past a due time.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from datetime import time as dtime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.core.calendar import TZ
from motcua.units.models import Agency


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}.") from error


class Command(BaseCommand):
    help = "PAKN (feedback) operations: generate, demo, figures, overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser), metavar="SUBCOMMAND")
        kw = {"called_from_command_line": getattr(parser, "called_from_command_line", False)}
        g = sub.add_parser("generate", help="Write a realistic PAKN history (bulk).", **kw)
        g.add_argument("--items", type=int, required=True)
        g.add_argument("--seed", type=int, default=1)
        g.add_argument("--start", type=_date, default=None)
        g.add_argument("--end", type=_date, default=None)
        sub.add_parser("demo", help="A few PAKN items for the demo accounts (idempotent).", **kw)
        f = sub.add_parser("figures", help="Satisfaction-group counts (Decision 766 group 6) as JSON.", **kw)
        f.add_argument("--start", type=_date, required=True)
        f.add_argument("--end", type=_date, required=True)
        f.add_argument("--agency", action="append", default=[])
        o = sub.add_parser("overdue", help="Open items past a due time.", **kw)
        o.add_argument("--agency", default="")
        o.add_argument("--limit", type=int, default=50)

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"_{subcommand}")(options)

    def _generate(self, options) -> None:
        from motcua.feedback.generate import DEFAULT_START, GenerationRefused, generate

        if options["items"] < 0:
            raise CommandError("--items must not be negative.")
        started = time.perf_counter()
        try:
            summary = generate(options["items"], options["seed"], start=options["start"] or DEFAULT_START,
                               end=options["end"],
                               progress=lambda n: self.stderr.write(f"\r{n} items", ending=""))
        except (GenerationRefused, ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        self.stderr.write("")
        self.stdout.write(f"{summary.items} items ({summary.published} published, {summary.refused} refused, "
                          f"{summary.open} open), {summary.events} events in {time.perf_counter() - started:.1f} s.")

    def _demo(self, options) -> None:
        from motcua.feedback.demo import load_demo

        try:
            created = load_demo()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{created} demo PAKN items created." if created else "Demo PAKN items already present.")

    def _figures(self, options) -> None:
        from motcua.feedback.queries import pakn_figures

        ids = None
        if options["agency"]:
            found = dict(Agency.objects.filter(code__in=options["agency"]).values_list("code", "pk"))
            missing = sorted(set(options["agency"]) - set(found))
            if missing:
                raise CommandError(f"Unknown agency: {', '.join(missing)}.")
            ids = list(found.values())
        start = datetime.combine(options["start"], dtime(0), tzinfo=TZ)
        end = datetime.combine(options["end"], dtime(0), tzinfo=TZ)
        if end <= start:
            raise CommandError("--end must be after --start.")
        self.stdout.write(json.dumps(pakn_figures(ids, start, end), indent=2))

    def _overdue(self, options) -> None:
        from django.db.models import Q

        from motcua.feedback.models import Feedback
        from motcua.feedback.transitions import OPEN_STATES

        now = timezone.now()
        qs = Feedback.objects.filter(state__in=[str(s) for s in OPEN_STATES]).filter(
            Q(answer_due_at__lt=now) | Q(state="awaiting_publication", publish_due_at__lt=now))
        if options["agency"]:
            qs = qs.filter(agency__code=options["agency"])
        for code, state, due, agency in qs.order_by("answer_due_at").values_list(
                "code", "state", "answer_due_at", "agency__code")[: options["limit"]]:
            self.stdout.write(f"{code}\t{agency}\t{state}\t{due.astimezone(TZ):%Y-%m-%d}")
