"""Subcommands of ``motcua catalog``: one module each, with ``NAME``, ``add_arguments`` and ``run``."""
