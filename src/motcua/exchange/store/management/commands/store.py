"""``motcua store``: the personal data store and the catalog's reuse flags.

- ``motcua store flag-documents``: set the catalog's "replaceable by registry data" and "reusable from a result"
  flags from the required documents' names (kept when already set).
- ``motcua store figures [--agency CODE] [--from YYYY-MM-DD] [--to YYYY-MM-DD]``: the once-only reuse figures.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError

from motcua.core.calendar import TZ


class Command(BaseCommand):
    help = "Personal data store: catalog reuse flags and reuse figures."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("flag-documents", help="Set the catalog's reuse flags from document names.")
        figures = sub.add_parser("figures", help="Once-only reuse figures for an agency and period (JSON).")
        figures.add_argument("--agency", default="")
        figures.add_argument("--from", dest="start", default="")
        figures.add_argument("--to", dest="end", default="")

    def handle(self, *args, **options) -> None:
        if options["subcommand"] == "flag-documents":
            from motcua.exchange.store.services import flag_catalog_documents

            replaceable, reusable = flag_catalog_documents()
            self.stdout.write(f"replaceable by registry data: {replaceable}; reusable from a result: {reusable}")
            return
        from motcua.exchange.store.queries import reuse_figures

        try:
            end = date.fromisoformat(options["end"]) if options["end"] else date.today()
            start = date.fromisoformat(options["start"]) if options["start"] else end - timedelta(days=30)
        except ValueError as error:
            raise CommandError(f"Dates are YYYY-MM-DD: {error}") from error
        period = (datetime.combine(start, time.min, TZ), datetime.combine(end + timedelta(days=1), time.min, TZ))
        figures = reuse_figures(options["agency"] or None, period)
        self.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=2))
