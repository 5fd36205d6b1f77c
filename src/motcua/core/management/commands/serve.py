"""``motcua serve [ADDR:PORT]``: serve the application with a production-grade WSGI server (waitress).

Static files come from the installed packages through WhiteNoise: nothing is fetched from the internet.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve motcua over HTTP (default 127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, addrport: str, threads: int, **options) -> None:
        from waitress import serve

        from motcua.wsgi import application

        host, _, port = addrport.rpartition(":")
        host = host or "127.0.0.1"
        self.stdout.write(f"motcua serving on http://{host}:{port}/ (Ctrl-C to stop)")
        serve(application, host=host, port=int(port), threads=threads, ident="motcua")
