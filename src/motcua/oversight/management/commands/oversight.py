"""``motcua oversight <subcommand>``: facts, the service index, the one-stop evaluation, reviews and exports.

This command only dispatches. Subcommands come from :data:`motcua.oversight.cli.SUBCOMMANDS` (refresh, index,
evaluation, warm, status) and :data:`motcua.oversight.review.cli.SUBCOMMANDS` (review, cost, bottlenecks, workload,
export-xes, export-ocel): each maps a name to an object with ``add_arguments(parser)``, ``run(options, stdout,
stderr)`` and ``help``. Either module can add subcommands without touching this file.
"""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand, CommandError, CommandParser

MODULES = ("motcua.oversight.cli", "motcua.oversight.review.cli")


def subcommands() -> dict[str, object]:
    found: dict[str, object] = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as error:  # a module being written by someone else must not break the others
            if error.name != name:
                raise
            continue
        for sub, cmd in getattr(module, "SUBCOMMANDS", {}).items():
            found.setdefault(sub, cmd)
    return found


class Command(BaseCommand):
    help = "Oversight: refresh, index, evaluation, warm, status, review, cost, bottlenecks, workload, export-xes, …"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser),
                                    metavar="SUBCOMMAND")
        for name, cmd in sorted(subcommands().items()):
            helptext = (getattr(cmd, "help", None) or "").strip().splitlines()
            sp = sub.add_parser(name, help=helptext[0] if helptext else None,
                                called_from_command_line=getattr(parser, "called_from_command_line", False))
            cmd.add_arguments(sp)

    def handle(self, *args, subcommand: str, **options) -> None:
        cmd = subcommands().get(subcommand)
        if cmd is None:
            raise CommandError(f"Unknown subcommand {subcommand!r}.")
        cmd.run(options, self.stdout, self.stderr)
