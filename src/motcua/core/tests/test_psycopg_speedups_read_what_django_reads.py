"""Issue 15 point 7: psycopg's private API behind one name (``motcua.core.psycopg_speedups``). On PostgreSQL,
timestamps are parsed by psycopg's C loader with Django's contract, and read exactly what Django's own loader reads;
a statement with more parameters than psycopg caches by default is cached and returns what it returns uncached."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

from motcua.core import psycopg_speedups

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders"),
]

LITERALS = ["2026-01-28 08:30:15.123456+07", "2025-12-31 23:59:59.5+00", "2026-03-29 02:30:00+01",
            "2000-02-29 00:00:00-09:30", "0001-01-01 00:00:00+00", "9999-12-31 23:59:59.999999+00",
            "1969-12-31 23:59:59.999999-12", "2026-07-01 00:00:00+14"]


def test_timestamps_come_back_as_the_same_instants_in_utc():
    with connection.cursor() as cursor:
        assert cursor.cursor.adapters.get_loader(1184, 0).__name__ == "CTimestamptzLoader"
        hanoi = timezone(timedelta(hours=7))
        moment = datetime(2026, 1, 28, 8, 30, 15, 123456, tzinfo=hanoi)  # 01:30:15 UTC
        cursor.execute("SELECT %s::timestamptz, '2025-12-31 23:59:59.5+00'::timestamptz, NULL::timestamptz",
                       [moment])
        got, literal, empty = cursor.fetchone()
    assert got == moment and got.utcoffset() == timedelta(0)
    assert (got.hour, got.minute, got.microsecond) == (1, 30, 123456)
    assert literal == datetime(2025, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)
    assert empty is None


def _read(cursor) -> list:
    cursor.execute("SELECT " + ", ".join(["%s::timestamptz"] * len(LITERALS)) + ", NULL::timestamptz", LITERALS)
    return [(value, value.tzinfo if value else None) for value in cursor.fetchone()]


def test_the_c_loader_reads_what_djangos_loader_reads():
    with connection.cursor() as fast, connection.cursor() as plain:
        psycopg_speedups.use_django_timestamptz_loader(connection, plain.cursor)  # this cursor only
        assert plain.cursor.adapters.get_loader(1184, 0).__name__ != "CTimestamptzLoader"
        assert _read(fast) == _read(plain)


def _hits(queries) -> int:
    """Cache hits of psycopg's statement splitting (server-side and client-side binding: Django uses the latter)."""
    return queries._query2pg.cache_info().hits + queries._query2pg_client.cache_info().hits


def test_a_statement_of_seventy_parameters_is_cached_and_reads_what_it_reads_uncached():
    from psycopg import _queries

    statement = "SELECT " + " + ".join(["%s::int"] * 70)
    values = list(range(70))
    previous = psycopg_speedups.set_statement_parameters_cached(psycopg_speedups.PSYCOPG_STATEMENT_PARAMETERS_CACHED)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, values)
            uncached = cursor.fetchone()
        assert psycopg_speedups.cache_statements_with_many_parameters()
        with connection.cursor() as cursor:
            cursor.execute(statement, values)
            hits = _hits(_queries)
            cursor.execute(statement, values)
            assert _hits(_queries) == hits + 1
            cached = cursor.fetchone()
    finally:
        psycopg_speedups.set_statement_parameters_cached(previous)
    assert cached == uncached == (sum(values),)
