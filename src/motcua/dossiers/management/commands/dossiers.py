"""``motcua dossiers escalate``: tell the agency's leaders about consultations answered late (issue 3 point 4;
Decree 118/2025 Art. 19(4)(c)). ``motcua dossiers close-expired``: close the dossiers whose supplement notice went
unanswered for 15 days or the sector law's period (Art. 19(5)), notifying the applicant. ``motcua dossiers
flag-late-receipts``: flag the online dossiers not received or sent back within 8 working hours (Art. 17(2)(c)).

Idempotent: each overdue consultation is escalated once (:mod:`motcua.dossiers.escalation`); run it from a scheduler.
``--at`` (ISO date-time) evaluates another instant, for a check or a replay.
"""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core.calendar import TZ
from motcua.dossiers import escalation, services


class Command(BaseCommand):
    help = ("Dossier housekeeping: 'escalate' overdue consultations to the agency's leaders (once each); "
            "'close-expired' dossiers after an unanswered supplement notice; 'flag-late-receipts' online dossiers "
            "past their 8 working hours.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        run = sub.add_parser("escalate", help="Escalate the consultations past their answer time (idempotent).")
        run.add_argument("--at", default=None, help="The instant to evaluate (ISO 8601; default now).")
        close = sub.add_parser("close-expired", help="Close dossiers whose supplement notice went unanswered "
                               "(Decree 118/2025 Art. 19(5); idempotent).")
        close.add_argument("--at", default=None, help="The instant to evaluate (ISO 8601; default now).")
        flag = sub.add_parser("flag-late-receipts", help="Flag online dossiers not received within 8 working hours "
                              "(Decree 118/2025 Art. 17(2)(c); idempotent).")
        flag.add_argument("--at", default=None, help="The instant to evaluate (ISO 8601; default now).")

    def handle(self, *args, subcommand: str, **options) -> None:
        at = _instant(options.get("at"))
        if subcommand == "close-expired":
            closed = services.close_unanswered(at)
            for code in closed:
                self.stdout.write(code)
            self.stdout.write(f"Closed {len(closed)} dossier(s) after an unanswered supplement notice.")
            return
        if subcommand == "flag-late-receipts":
            flagged = services.flag_late_receipts(at)
            for code in flagged:
                self.stdout.write(code)
            self.stdout.write(f"Flagged {len(flagged)} online dossier(s) past their 8 working hours for receipt.")
            return
        done = escalation.escalate(at)
        for item in done:
            to = ", ".join(item.recipients) or "-"
            self.stdout.write(f"{item.dossier_code}: {item.unit} (due {item.due_at.astimezone(TZ):%Y-%m-%d %H:%M})"
                              f" → {to}")
        self.stdout.write(f"Escalated {len(done)} overdue consultation(s).")


def _instant(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    moment = parse_datetime(value)
    if moment is None:
        raise CommandError(f"--at: not an ISO date-time: {value!r}")
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=TZ)
