"""``motcua units <subcommand>``: manage administrative units and agencies.

``motcua units load [--csv PATH]`` reloads the reference units and agencies (idempotent) and prints a summary.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.units.services import DEFAULT_CSV, ReferenceDataError, load_reference_units


class Command(BaseCommand):
    help = "Administrative units and agencies."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        load = sub.add_parser("load", help="Load or refresh the 34 provinces, 3,321 communes and their agencies.")
        load.add_argument("--csv", dest="csv_path", default=None,
                          help=f"Reference CSV (default: {DEFAULT_CSV.name} shipped with motcua).")

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "load":
            try:
                summary = load_reference_units(options.get("csv_path"))
            except ReferenceDataError as exc:
                raise CommandError(f"{exc} Nothing was changed.") from exc
            self.stdout.write(self.style.SUCCESS(str(summary)) if summary.changed else f"Up to date: {summary}")
