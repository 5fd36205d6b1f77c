"""``motcua audit``: the audit trails (issue 4 point 5, issue 12 points 3 and 19).

- ``verify``: check every hash-chained log (registry access, dossier events, PAKN events, PAKN personal-data
  access, steering events, the message log: each registered by its package with ``core.eventlog``) against its
  keyed links and the last signed checkpoint. Exits 0 when every chain is intact; otherwise prints the first entry
  edited, deleted, reordered, unsealed or unkeyed (and the first break of every other broken chain) and exits 1. An
  altered checkpoint file exits 2.
- ``checkpoint``: verify, then append a signed checkpoint of every chain's length and head to the checkpoint file
  and print its digest (to publish). Run it on a schedule (cron, a systemd timer, Celery beat).
- ``rotate-key``: add a new audit key (it seals from now on; the older keys stay in the file to verify).
- ``public-key``: print the public key that checks the checkpoints' signatures.
"""

from __future__ import annotations

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser


def logs() -> list[str]:
    """``--log`` choices: ``all`` and every chained log registered with ``core.eventlog`` (access, dossiers,
    feedback, personal-data, steering, messages)."""
    from motcua.core.eventlog import chained_logs

    return ["all", *(log.name for log in chained_logs())]


class Command(BaseCommand):
    help = "Audit trails: verify the hash chains, write signed checkpoints, rotate the audit key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser), metavar="SUBCOMMAND")
        cli = getattr(parser, "called_from_command_line", False)
        verify = sub.add_parser("verify", help="Recompute every hash; exit 1 naming the first tampered entry.",
                                called_from_command_line=cli)
        verify.add_argument("--log", choices=logs(), default="all", help="Which log to verify (default: all).")
        verify.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="Show a progress bar (default: when stderr is a terminal).")
        point = sub.add_parser("checkpoint", help="Verify, then append a signed checkpoint of every chain.",
                               called_from_command_line=cli)
        point.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None)
        point.add_argument("--accept-unkeyed", action="store_true",
                           help="Once, after upgrading: pin the entries sealed with plain SHA-256 before audit keys "
                                "existed (check the database first).")
        sub.add_parser("rotate-key", help="Add a new audit key; older keys keep verifying.",
                       called_from_command_line=cli)
        sub.add_parser("public-key", help="Print the public key of the checkpoint signatures.",
                       called_from_command_line=cli)

    def handle(self, *args, subcommand: str, log: str = "all", progress: bool | None = None,
               accept_unkeyed: bool = False, **options) -> None:
        from motcua.core import audit, chain, checkpoints

        if subcommand == "rotate-key":
            self.stdout.write(f"new audit key {chain.rotate_key()} in {chain.key_file()}")
            return
        if subcommand == "public-key":
            self.stdout.write(checkpoints.public_key())
            return
        show = sys.stderr.isatty() if progress is None else progress
        started = time.perf_counter()
        try:
            if subcommand == "checkpoint":
                reports, digest = audit.checkpoint(progress=show, accept_unkeyed=accept_unkeyed)
            else:
                reports, digest = audit.verify_all(logs=None if log == "all" else [log], progress=show), None
        except checkpoints.CheckpointError as error:
            raise CommandError(f"the checkpoint file {checkpoints.checkpoint_file()} was altered: {error}",
                               returncode=2) from None
        for report in reports:
            self.stdout.write(report.summary())
        self.stdout.write(f"verified in {time.perf_counter() - started:.1f} s")
        broken = [r for r in reports if not r.intact]
        if broken:
            raise CommandError("; ".join(f"{r.log}: {r.first.describe(r.log)}" for r in broken), returncode=1)
        if digest:
            self.stdout.write(f"checkpoint written to {checkpoints.checkpoint_file()}; publish its digest: {digest}")
