"""A transaction the database aborts because of a concurrent one (deadlock, serialisation failure, SQLite busy) is
answered 503 with Retry-After, not 500: it was rolled back whole and can be sent again."""

import psycopg.errors
import pytest
from django.db import OperationalError

from motcua.core.problems import problem_exception_handler


def _wrapped(cause: Exception) -> OperationalError:
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as exc:
        return exc


@pytest.mark.parametrize("cause", [psycopg.errors.DeadlockDetected("deadlock detected"),
                                   psycopg.errors.SerializationFailure("could not serialize access"),
                                   psycopg.errors.LockNotAvailable("could not obtain lock")])
def test_postgresql_lock_races_are_503_with_retry_after(cause):
    response = problem_exception_handler(_wrapped(cause), {})
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert response.data["title"] == "Busy, try again"


def test_sqlite_busy_is_503():
    response = problem_exception_handler(OperationalError("database is locked"), {})
    assert response.status_code == 503


def test_other_database_errors_stay_500():
    response = problem_exception_handler(_wrapped(psycopg.errors.UndefinedTable("no such table")), {})
    assert response.status_code == 500
