"""``motcua demo load`` (the demo catalog and sign-ins, once) and ``motcua demo scale N`` (a larger catalog)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm


class Command(BaseCommand):
    help = "Demo data: 'load' the real national-portal catalog once; 'scale N' to N published procedures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load the demo catalog and demo sign-ins (idempotent).")
        scale = sub.add_parser("scale", help="Grow the catalog to N published procedures with localised copies.")
        scale.add_argument("target", type=int)

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
        else:
            from motcua.catalog.services import upsert_records

            target = options["target"]
            with tqdm(total=target, unit=" thủ tục", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
                summary = upsert_records(services.scaled_records(target), progress=bar.update)
            self.stdout.write(f"Catalog scaled: {summary.created} created, {summary.updated} updated.")
