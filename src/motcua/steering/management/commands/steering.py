"""``motcua steering <subcommand>``: demo data, reminders, the monthly figures, overdue tasks, directives.

- ``demo``: demo accounts (standing agency, group leader, council members), Announcement 437/TB-VPCP, sample reports.
- ``remind --period 2026-11``: remind the council members who have not sent that month's report.
- ``figures --period 2026-11``: the consolidated monthly view as JSON.
- ``facts [--rebuild]``: take the obstacle events after the watermark into the fact table (or recompute it).
- ``overdue [--agency CODE] [--as-of DATE]``: overdue tasks.
- ``load-directive FILE.json``: record a directive with its tasks (the shape of ``data/announcement-437.json``).
- ``grant USER ROLE [--organisation …]``: give an account a steering role.
- ``open311-key NAME [--agency CODE]`` / ``open311-key --revoke PREFIX``: API keys for Open311 POST.
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.steering import demo, facts, queries, services
from motcua.steering.models import RoleKind
from motcua.steering.rules import RuleError, parse_period


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}.") from None


class Command(BaseCommand):
    help = "Working Group follow-up: demo, remind, figures, overdue, load-directive, grant."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND",
                                    parser_class=type(parser))
        kw = {"called_from_command_line": getattr(parser, "called_from_command_line", False)}
        sub.add_parser("demo", help="Demo accounts, Announcement 437/TB-VPCP and sample obstacle reports.", **kw)
        remind = sub.add_parser("remind", help="Remind council members who have not reported for a month.", **kw)
        remind.add_argument("--period", required=True, help="Month as YYYY-MM, e.g. 2026-11.")
        figures = sub.add_parser("figures", help="The consolidated monthly view of obstacles (JSON).", **kw)
        figures.add_argument("--period", required=True, help="Month as YYYY-MM.")
        figures.add_argument("--as-of", help="Date (YYYY-MM-DD); default the period's end or today.")
        facts_ = sub.add_parser("facts", help="Take new obstacle events into the figures' fact table.", **kw)
        facts_.add_argument("--rebuild", action="store_true", help="Recompute the whole table from the events.")
        overdue = sub.add_parser("overdue", help="Overdue tasks, for one agency or all.", **kw)
        overdue.add_argument("--agency", default="", help="Agency code (its bodies included), e.g. BTP or H01.")
        overdue.add_argument("--as-of", help="Date (YYYY-MM-DD); default today.")
        overdue.add_argument("--format", choices=("text", "json"), default="text")
        load = sub.add_parser("load-directive", help="Record a directive and its tasks from a JSON file.", **kw)
        load.add_argument("file")
        grant = sub.add_parser("grant", help="Give an account a steering role.", **kw)
        grant.add_argument("username")
        grant.add_argument("role", choices=RoleKind.values)
        grant.add_argument("--organisation", default="")
        grant.add_argument("--title", default="")
        grant.add_argument("--phone", default="")

        key = sub.add_parser("open311-key", help="Create (or revoke) an Open311 API key for a client application.",
                             **kw)
        key.add_argument("name", nargs="?", default="", help="The client application, e.g. 'Ứng dụng Hà Nội'.")
        key.add_argument("--agency", default="", help="Default receiving agency code for its posts.")
        key.add_argument("--revoke", default="", metavar="PREFIX", help="Revoke the key starting with PREFIX.")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, "_" + subcommand.replace("-", "_"))(**options)

    def _demo(self, **options) -> None:
        try:
            summary = demo.load_demo()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Steering demo: {len(summary.users_created)} accounts created "
                          f"({', '.join(summary.users_created) or 'none'}); directive 437/TB-VPCP "
                          f"{'recorded' if summary.directive_created else 'already present'}; "
                          f"{summary.reports_created} obstacle reports created. Password: motcua-demo.")

    def _remind(self, period: str, **options) -> None:
        try:
            result = services.remind(period)
        except RuleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Period {result.period}: {len(result.queued)} reminded "
                          f"({', '.join(result.queued) or '-'}); {len(result.already)} already reminded today; "
                          f"{len(result.unreachable)} without e-mail or phone "
                          f"({', '.join(result.unreachable) or '-'}).")

    def _figures(self, period: str, as_of: str | None = None, **options) -> None:
        try:
            figures = queries.obstacle_figures(parse_period(period), _date(as_of) if as_of else None)
        except RuleError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(json.dumps(figures.as_dict(), ensure_ascii=False, indent=1))

    def _facts(self, rebuild: bool = False, **options) -> None:
        result = facts.rebuild() if rebuild else facts.refresh()
        self.stdout.write(f"Obstacle facts: {result['obstacles']} obstacle(s), {result['rows']} span(s) written; "
                          f"watermark {result['watermark']}.")

    def _overdue(self, agency: str = "", as_of: str | None = None, format: str = "text", **options) -> None:
        rows = queries.overdue_tasks(agency or None, _date(as_of) if as_of else None)
        if format == "json":
            self.stdout.write(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(f"{r.directive} #{r.task_number}\t{r.agency}\t{r.deadline}\t"
                              f"{r.days_overdue} days overdue\t{r.status}")
        self.stdout.write(f"{len(rows)} overdue task assignment(s).")

    def _load_directive(self, file: str, **options) -> None:
        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        try:
            directive = services.create_directive(None, **data)
        except (TypeError, ValidationError) as exc:
            detail = exc.message_dict if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") else exc
            raise CommandError(f"Directive refused, nothing recorded: {detail}") from None
        self.stdout.write(f"Directive {directive.number}: {directive.tasks.count()} tasks, "
                          f"{sum(t.assignments.count() for t in directive.tasks.all())} assignments.")

    def _grant(self, username: str, role: str, organisation: str, title: str, phone: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        services.grant_role(user, role, organisation=organisation, title=title, phone=phone)
        self.stdout.write(f"{username}: {role}.")

    def _open311_key(self, name: str, agency: str, revoke: str, **options) -> None:
        try:
            if revoke:
                count = services.revoke_open311_key(revoke)
                self.stdout.write(f"{count} key(s) revoked.")
                return
            key, row = services.create_open311_key(name, agency)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        self.stdout.write(f"Open311 key for {row.name} (prefix {row.prefix}; shown once, keep it safe):")
        self.stdout.write(key)
