"""``motcua catalog <subcommand>``: import, export, quality and other catalog operations.

Each subcommand lives in ``motcua.catalog.cli.<name>`` with ``add_arguments(parser)`` and
``run(options, stdout, stderr)``; this command only dispatches, so subcommands can be added without touching it.
"""

from __future__ import annotations

import importlib
import pkgutil

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog import cli


def _subcommands() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(cli.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"motcua.catalog.cli.{info.name}")
        found[getattr(module, "NAME", info.name.replace("_", "-"))] = module
    return found


class Command(BaseCommand):
    help = "Catalog operations: import-dvcqg, import-json, export, quality, …"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser),
                                    metavar="SUBCOMMAND")
        for name, module in sorted(_subcommands().items()):
            sp = sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None,
                                called_from_command_line=getattr(parser, "called_from_command_line", False))
            module.add_arguments(sp)

    def handle(self, *args, subcommand: str, **options) -> None:
        module = _subcommands().get(subcommand)
        if module is None:
            raise CommandError(f"Unknown subcommand {subcommand!r}.")
        module.run(options, self.stdout, self.stderr)
