"""The ``motcua`` console script: Django's management commands under one name.

``motcua migrate``, ``motcua serve [ADDR:PORT]``, ``motcua catalog import-dvcqg FILE…``, ``motcua units load`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command; ``serve`` is the project's web server."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    args = list(sys.argv if argv is None else ["motcua", *argv])
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        # A bad environment variable (motcua.core.config names it): the message, not a traceback.
        sys.stderr.write(f"motcua: {error}\n")
        sys.exit(2)
    except BrokenPipeError:
        # `motcua catalog quality | head`: the reader closed the pipe; stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)


if __name__ == "__main__":
    main()
