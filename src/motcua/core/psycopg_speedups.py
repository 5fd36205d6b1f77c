"""PostgreSQL through psycopg, faster: timestamps read by its C loader, and long statements' parsing cached. Both use
psycopg's private API; each has its plain path beside it, and ``core/tests/test_psycopg_speedups_read_what_django_
reads.py`` holds both paths to the same result.

**Timestamps** (justified by ``bench/dossiers.py --only queue``, the officer queue; figures in ``bench/``). Django
5.2 registers, on every PostgreSQL connection, a ``timestamptz`` loader derived from psycopg's pure-Python one
(``psycopg_any.BaseTzLoader``: it pins the result to the connection's time zone), so every timestamp read through the
ORM is parsed by a regular expression in Python even when psycopg's C extension is installed (Django ticket 36960;
psycopg issue 1273: the C loader cannot be subclassed). :func:`use_c_timestamptz_loader` (connected to
``connection_created``) registers instead a loader with the same contract — the same ``timezone`` attribute, which
Django's ``create_cursor`` compares, and the same result, the parsed instant with that time zone — whose parsing is
done by the C loader. Without the C extension (or should psycopg's private ``_get_optimised`` go away) nothing
changes. Plain path: :func:`use_django_timestamptz_loader` (what Django registers itself).

**Long statements** (justified by ``bench/dossiers.py --only submit``). psycopg caches how it splits a statement
around its ``%s`` only for statements with at most 50 parameters; the submission's one statement (the day counter,
the dossier, its first event and the idempotency record: ``dossiers.services.fast_submission.insert_submission``) has
about seventy, and was split again on every submission. :func:`cache_statements_with_many_parameters` raises the
limit to 128; the cache itself stays bounded (128 entries). Plain path: psycopg's own limit
(:func:`set_statement_parameters_cached` with :data:`PSYCOPG_STATEMENT_PARAMETERS_CACHED`).
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


def use_django_timestamptz_loader(connection: Any, context: Any = None) -> None:
    """The plain path: Django's own ``timestamptz`` loader for ``connection``'s time zone, registered on ``context``
    (a psycopg connection or cursor; the connection's by default)."""
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    register_tzloader(connection.timezone, context if context is not None else connection.connection)


STATEMENT_PARAMETERS_CACHED = 128
PSYCOPG_STATEMENT_PARAMETERS_CACHED = 50  # psycopg's own limit (psycopg._queries), the plain path


def set_statement_parameters_cached(limit: int) -> int | None:
    """Set psycopg's parameter limit for caching a statement's parsing (a module constant); the previous limit, or
    ``None`` when there is no such limit to set (psycopg2, or psycopg reorganised)."""
    try:
        from psycopg import _queries
    except ImportError:
        return None
    previous = getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", None)
    if not isinstance(previous, int):
        return None
    _queries.MAX_CACHED_STATEMENT_PARAMS = limit
    return previous


def cache_statements_with_many_parameters() -> bool:
    """Raise psycopg's parameter limit for caching a statement's parsing to :data:`STATEMENT_PARAMETERS_CACHED`
    (never lower it). True when it did."""
    previous = set_statement_parameters_cached(STATEMENT_PARAMETERS_CACHED)
    if previous is None:
        return False
    if previous > STATEMENT_PARAMETERS_CACHED:
        set_statement_parameters_cached(previous)
    return True
