"""PostgreSQL through psycopg: timestamps read by its C loader, and long statements' parsing cached.

Django 5.2 registers, on every PostgreSQL connection, a ``timestamptz`` loader derived from psycopg's pure-Python one
(``psycopg_any.BaseTzLoader``: it pins the result to the connection's time zone), so every timestamp read through the
ORM is parsed by a regular expression in Python even when psycopg's C extension is installed (Django ticket 36960;
psycopg issue 1273: the C loader cannot be subclassed). On the officer queue that was a tenth of the page's CPU.

:func:`use_c_timestamptz_loader` (connected to ``connection_created``) registers instead a loader with the same
contract — the same ``timezone`` attribute, which Django's ``create_cursor`` compares, and the same result, the parsed
instant with that time zone — whose parsing is done by the C loader. Without the C extension (or should psycopg's
private ``_get_optimised`` go away) nothing changes.

:func:`cache_statements_with_many_parameters`: psycopg caches how it splits a statement around its ``%s`` only for
statements with at most 50 parameters; the submission's one statement (the day counter, the dossier, its first
event and the idempotency record: ``dossiers.services.fast_submission.insert_submission``) has about seventy, and
was split again on every submission (4 % of its Python work). The limit is raised to 128; the cache itself stays
bounded (128 entries).
"""

from __future__ import annotations

from typing import Any


def use_c_timestamptz_loader(sender: Any = None, connection: Any = None, **_ignored: Any) -> bool:
    """Register the C-backed ``timestamptz`` loader on a new PostgreSQL connection. True when it did."""
    if connection is None or connection.vendor != "postgresql":
        return False
    try:
        from psycopg.types.datetime import TimestamptzLoader

        adapters = connection.connection.adapters
        optimised = adapters._get_optimised(TimestamptzLoader)
    except Exception:  # psycopg2, or a psycopg without the private lookup: keep Django's loader
        return False
    if optimised is TimestamptzLoader:  # no C extension
        return False
    zone = connection.timezone  # what Django's create_cursor compares with the loader's ``timezone``

    class CTimestamptzLoader(TimestamptzLoader):
        timezone = zone

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._c_load = optimised(oid, context).load

        def load(self, data: Any) -> Any:
            return self._c_load(data).replace(tzinfo=self.timezone)

    adapters.register_loader("timestamptz", CTimestamptzLoader)
    return True


STATEMENT_PARAMETERS_CACHED = 128


def cache_statements_with_many_parameters() -> bool:
    """Raise psycopg's parameter limit for caching a statement's parsing (a module constant). True when it did."""
    try:
        from psycopg import _queries
    except ImportError:  # psycopg2, or psycopg reorganised: nothing to tune
        return False
    limit = getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None)
    if not isinstance(limit, int):
        return False
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(limit, STATEMENT_PARAMETERS_CACHED)
    return True

