"""On PostgreSQL, timestamps are parsed by psycopg's C loader with Django's contract (motcua.core.pgtypes)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders")
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
