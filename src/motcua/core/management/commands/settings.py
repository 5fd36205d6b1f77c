"""``motcua settings``: the environment variables this process runs with (:mod:`motcua.core.config`).

``motcua settings`` lists every declared variable with its value (secrets masked) and whether it came from the
environment or is the default (the system check warns of ``MOTCUA_*`` variables set but never read).
``--markdown`` prints the table of docs/operations.md; ``--write-docs FILE`` replaces that table in FILE (between
its ``settings-table`` markers).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core import config

BEGIN = "<!-- settings-table: generated from motcua/core/config.py by `motcua settings --write-docs`; do not edit -->"
END = "<!-- /settings-table -->"


def replace_table(text: str, table: str) -> str:
    """``text`` with the block between :data:`BEGIN` and :data:`END` replaced by ``table``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError("the settings-table markers are missing")
    return f"{text[:start]}{BEGIN}\n\n{table}\n{text[end:]}"


class Command(BaseCommand):
    help = "Show the environment variables and their values; print or write the documentation table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true", help="Print docs/operations.md's table.")
        parser.add_argument("--write-docs", metavar="FILE", help="Replace the table in FILE (docs/operations.md).")

    def handle(self, *args, markdown: bool = False, write_docs: str | None = None, **options) -> None:
        if markdown:
            self.stdout.write(config.markdown_table(), ending="")
            return
        if write_docs:
            path = Path(write_docs)
            try:
                path.write_text(replace_table(path.read_text(encoding="utf-8"), config.markdown_table()),
                                encoding="utf-8")
            except (OSError, ValueError) as error:
                raise CommandError(f"{path}: {error}") from None
            self.stdout.write(f"{path}: table of {len(config.DECLARED)} variables written.")
            return
        values = config.load()
        width = max(len(var.name) for var in config.DECLARED)
        for var in config.DECLARED:
            source = "environment" if os.environ.get(var.name, "").strip() else "default"
            self.stdout.write(f"{var.name:<{width}}  {config.display(var, values[var.name])}  ({source})")
        # A MOTCUA_* variable set but never read is reported by the system check (motcua.W001) before this runs.
