"""``motcua registry <subcommand>``: base registries and access grants (issue 4 points 1, 4).

- ``serve --port N [--seed S] [--delay-ms D] [--fail-rate R]`` — the simulated registries as an HTTP/JSON service;
- ``list`` — the registries, their identifier and attributes, and where each is served from;
- ``fetch REGISTRY IDENTIFIER --agency A --user U --role R --dossier D --purpose P`` — one purpose-bound call;
- ``grant AGENCY REGISTRY [--procedure CODE …] [--legal-basis TEXT]``, ``revoke GRANT_ID [--reason TEXT]``,
  ``grants [--agency A]`` — access grants (added or revoked, never edited);
- ``figures --start D --end D [--agency A]`` — registry latency, failure rates and reuse shares (point 10).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder


class Command(BaseCommand):
    help = "Base registries: serve the simulated ones over HTTP, list, fetch, grant and revoke access."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser), metavar="SUBCOMMAND")
        flag = {"called_from_command_line": getattr(parser, "called_from_command_line", False)}
        serve = sub.add_parser("serve", help="Serve the simulated registries over HTTP (waitress).", **flag)
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8700)
        serve.add_argument("--threads", type=int, default=8)
        serve.add_argument("--seed", type=int, default=None, help="Seed of the simulated world (default 2026).")
        serve.add_argument("--delay-ms", type=float, default=0.0, help="Answer each call after this delay.")
        serve.add_argument("--fail-rate", type=float, default=0.0, help="Share of calls answered 503.")
        sub.add_parser("list", help="The registries and where each is served from.", **flag)
        fetch = sub.add_parser("fetch", help="One purpose-bound registry call (logged).", **flag)
        fetch.add_argument("registry")
        fetch.add_argument("identifier")
        fetch.add_argument("--attribute", action="append", default=[], dest="attributes")
        fetch.add_argument("--agency", default="")
        fetch.add_argument("--user", default="", help="User name of the officer or citizen.")
        fetch.add_argument("--role", required=True)
        fetch.add_argument("--dossier", default="")
        fetch.add_argument("--procedure", default="")
        fetch.add_argument("--purpose", required=True)
        grant = sub.add_parser("grant", help="Allow an agency to call a registry (for some procedures).", **flag)
        grant.add_argument("agency")
        grant.add_argument("registry")
        grant.add_argument("--procedure", action="append", default=[], dest="procedures")
        grant.add_argument("--legal-basis", default="")
        revoke = sub.add_parser("revoke", help="Revoke a grant, at once.", **flag)
        revoke.add_argument("grant_id", type=int)
        revoke.add_argument("--reason", default="")
        grants = sub.add_parser("grants", help="Active grants.", **flag)
        grants.add_argument("--agency", default="")
        figures = sub.add_parser("figures", help="Latency, failure rates and reuse shares for a period.", **flag)
        figures.add_argument("--agency", default="", help="An agency and those below it (default: all).")
        figures.add_argument("--start", required=True, type=date.fromisoformat, help="YYYY-MM-DD (included)")
        figures.add_argument("--end", required=True, type=date.fromisoformat, help="YYYY-MM-DD (excluded)")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"_{subcommand}")(**options)

    def _serve(self, host: str, port: int, threads: int, seed: int | None, delay_ms: float, fail_rate: float,
               **_) -> None:
        from django.conf import settings

        from motcua.exchange.registries.server import serve
        from motcua.exchange.registries.simulated import simulated_registries

        seed = seed if seed is not None else settings.MOTCUA_REGISTRY_SEED
        server = serve(simulated_registries(seed, delay=delay_ms / 1000, fail_rate=fail_rate), host, port, threads)
        self.stdout.write(f"Simulated registries (seed {seed}) on http://{host}:{server.effective_port}/v1/ "
                          f"— Ctrl+C to stop")
        self.stdout.flush()
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()

    def _list(self, **_) -> None:
        from motcua.exchange import registries

        for name, plugin in registries.current().items():
            spec = plugin.spec
            where = getattr(plugin, "base_url", "in-process (simulated)")
            self.stdout.write(f"{name:17} {spec.identifier:16} {where}\n  {spec.label} — {spec.authority}\n  "
                              + ", ".join(spec.attributes))

    def _fetch(self, registry, identifier, attributes, agency, user, role, dossier, procedure, purpose, **_) -> None:
        from django.contrib.auth import get_user_model

        from motcua.exchange import services

        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        try:
            result = services.fetch(registry, identifier, attributes=attributes, agency=agency or None, actor=actor,
                                    role=role, dossier_code=dossier, purpose=purpose, procedure_code=procedure)
        except services.ExchangeError as error:
            raise CommandError(f"{type(error).__name__} ({error.code}): {error}") from error
        self.stdout.write(json.dumps({"source": result.source, "values": result.values,
                                      "access_log_entry": result.log_entry_id}, cls=DjangoJSONEncoder,
                                     ensure_ascii=False, indent=2))

    def _grant(self, agency, registry, procedures, legal_basis, **_) -> None:
        from motcua.exchange import services

        try:
            row = services.grant(agency, registry, procedure_codes=procedures, legal_basis=legal_basis)
        except services.ExchangeError as error:
            raise CommandError(str(error)) from error
        scope = ", ".join(row.procedure_codes) or "every procedure"
        self.stdout.write(f"grant {row.pk}: {agency} → {registry} for {scope}")

    def _revoke(self, grant_id, reason, **_) -> None:
        from motcua.exchange import services

        try:
            row = services.revoke(grant_id, reason=reason)
        except services.ExchangeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"grant {row.pk} revoked at {row.revoked_at:%Y-%m-%d %H:%M:%S}")

    def _figures(self, agency, start, end, **_) -> None:
        from motcua.core.calendar import TZ
        from motcua.exchange import queries

        figures = queries.exchange_figures(datetime.combine(start, time(), tzinfo=TZ),
                                           datetime.combine(end, time(), tzinfo=TZ), agency or None)
        self.stdout.write(json.dumps(figures, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def _grants(self, agency, **_) -> None:
        from motcua.exchange import queries

        qs = queries.active_grants()
        if agency:
            qs = qs.filter(agency__code=agency)
        for row in qs:
            self.stdout.write(f"{row.pk:6} {row.agency.code:16} {row.registry:17} "
                              f"{', '.join(row.procedure_codes) or '*'}  {row.legal_basis}")
