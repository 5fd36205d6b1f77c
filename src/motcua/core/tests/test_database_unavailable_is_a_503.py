"""Issue 13 point 6: PostgreSQL unreachable (restarting, down, connection cut) is a 503 with Retry-After that a client
retries, not a 500; other database errors keep their handling. Drilled for real in
``test_fault_postgres_restarted_during_submissions.py``; this table pins the classification."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

from motcua.core.problems import database_unavailable, problem_exception_handler


def _django_error(django_cls, cause: Exception) -> Exception:
    try:
        raise django_cls(str(cause)) from cause
    except django_cls as error:
        return error


@pytest.mark.parametrize("error, unavailable", [
    (_django_error(OperationalError, psycopg.OperationalError("connection refused")), True),
    (_django_error(InterfaceError, psycopg.InterfaceError("the connection is closed")), True),
    (_django_error(OperationalError, psycopg.errors.AdminShutdown("terminating connection")), True),
    (_django_error(OperationalError, psycopg.errors.DeadlockDetected("deadlock")), False),
    (_django_error(IntegrityError, psycopg.errors.UniqueViolation("duplicate")), False),
    (OperationalError("database is locked"), False),  # SQLite: contention, handled apart
    (DatabaseError("other"), False),
], ids=["refused", "closed", "admin-shutdown-57P01", "deadlock", "unique", "sqlite-locked", "other"])
def test_only_an_unreachable_postgresql_counts_as_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


def test_an_unreachable_database_answers_503_with_retry_after():
    error = _django_error(OperationalError, psycopg.OperationalError("server closed the connection unexpectedly"))
    response = problem_exception_handler(error, {})
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "nothing was saved" in response.data["detail"]
