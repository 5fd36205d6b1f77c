"""``motcua proactive run [--date YYYY-MM-DD] [--trigger CODE]``: the proactive-services job (issue 16 point 2);
``motcua proactive birth|age …``: publish a change in the simulated registries' feed (demo, tests, drills)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.exchange.services import record_change

from ... import services


class Command(BaseCommand):
    help = "Proactive online public services (Decree 224/2026 Art. 16–19)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Run the triggers over the change feed since each one's watermark.")
        run.add_argument("--date", default=None)
        run.add_argument("--trigger", action="append", default=None)
        birth = sub.add_parser("birth", help="Enter a birth in the simulated civil-status registry.")
        birth.add_argument("child_personal_id")
        birth.add_argument("--name", default="")
        birth.add_argument("--born", required=True)
        birth.add_argument("--father", default="")
        birth.add_argument("--mother", default="")
        birth.add_argument("--sex", default="female")
        age = sub.add_parser("age", help="The population registry publishes that a person reached an age.")
        age.add_argument("personal_id")
        age.add_argument("--age", type=int, required=True)
        age.add_argument("--on", required=True)

    def handle(self, *args, **options):
        action = options["action"]
        try:
            if action == "run":
                on = date.fromisoformat(options["date"]) if options["date"] else None
                summary = services.run(on, codes=options["trigger"])
                self.stdout.write(f"triggers={summary.triggers} changes={summary.changes_read} "
                                  f"cases={summary.cases} opted_out={summary.skipped_opted_out} "
                                  f"notified={summary.notified}")
            elif action == "birth":
                row = record_change("civil_status", "birth", options["child_personal_id"],
                                    occurred_on=date.fromisoformat(options["born"]),
                                    payload={"child_name": options["name"], "sex": options["sex"],
                                             "father_personal_id": options["father"],
                                             "mother_personal_id": options["mother"]})
                self.stdout.write(f"change {row.pk}")
            elif action == "age":
                row = record_change("population", "age_reached", options["personal_id"],
                                    occurred_on=date.fromisoformat(options["on"]), payload={"age": options["age"]})
                self.stdout.write(f"change {row.pk}")
        except ValueError as error:
            raise CommandError(str(error)) from error
