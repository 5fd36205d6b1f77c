"""Errors as ``application/problem+json`` (RFC 9457) with field details, for the whole API.

A client can act on every error: ``title`` says what went wrong, ``detail`` says what to do, ``errors`` lists the
offending fields. Unhandled exceptions still become a problem, never an HTML stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from motcua.core.badinput import refusal

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemResponse(Response):
    """A DRF response rendered as problem+json."""

    def __init__(self, problem: dict[str, Any], status_code: int) -> None:
        super().__init__(problem, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem(status_code: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None,
            type_: str = "about:blank") -> dict[str, Any]:
    """Build a problem document."""
    body: dict[str, Any] = {"type": type_, "title": title, "status": status_code}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(data, list) and data and all(not isinstance(v, dict | list) for v in data):
        out[prefix or "non_field_errors"] = [str(v) for v in data]
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.update(_flatten(value, f"{prefix}[{i}]"))
    else:
        out[prefix or "non_field_errors"] = [str(data)]
    return out


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: every error becomes problem+json."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)

    refused = refusal(exc)
    if refused is not None:  # a body too large, too many fields, JSON nested too deeply: the client's, a 4xx
        status_code, title, detail = refused
        return ProblemResponse(problem(status_code, title, detail), status_code)

    if _is_contention(exc):
        # The database gave up on the transaction because of another one (a deadlock between two officers acting
        # on linked dossiers, a serialisation failure, SQLite's busy timeout): it was rolled back whole, nothing
        # changed, and the same request can simply be sent again.
        logger.warning("API request lost a database lock race: %s", exc)
        busy = ProblemResponse(problem(503, "Busy, try again",
                                       "Another action on the same records was being saved at the same moment; "
                                       "nothing was changed. Send the request again."), 503)
        busy["Retry-After"] = "1"
        return busy

    if database_unavailable(exc):
        # PostgreSQL restarting or unreachable: the transaction never committed, nothing changed; a retry (with the
        # same Idempotency-Key for a submission) is safe and answers once the database is back.
        logger.warning("API request found the database unavailable: %s", exc)
        down = ProblemResponse(problem(503, "Database unavailable, try again",
                                       "The database did not answer; nothing was saved. Send the request again in a "
                                       "few seconds (with the same Idempotency-Key for a submission)."), 503)
        down["Retry-After"] = "2"
        return down

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return ProblemResponse(
            problem(500, "Internal error", "The server could not complete the request."),
            status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        body = problem(response.status_code, "Invalid request", "One or more fields are invalid.",
                       _flatten(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        title = {404: "Not found", 403: "Forbidden", 401: "Unauthorized", 405: "Method not allowed",
                 406: "Not acceptable", 415: "Unsupported media type", 429: "Too many requests"}.get(
            response.status_code, "Error")
        body = problem(response.status_code, title, str(detail))
    new = ProblemResponse(body, response.status_code)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            new[header] = response[header]
    return new


CONTENTION_SQLSTATES = {"40P01", "40001", "55P03"}  # deadlock detected, serialization failure, lock not available


def _is_contention(exc: Exception) -> bool:
    """Whether ``exc`` is the database refusing a transaction because of a concurrent one (safe to retry)."""
    from django.db import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in CONTENTION_SQLSTATES:
        return True
    return "database is locked" in str(exc)


def json_problem(status_code: int, title: str, detail: str = "") -> JsonResponse:
    """A plain Django problem response, for views outside DRF (404/500 handlers under /api/)."""
    return JsonResponse(problem(status_code, title, detail), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


# connection exceptions, operator intervention (admin/crash shutdown, cannot connect now)
UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P01", "57P02", "57P03")


def database_unavailable(exc: Exception) -> bool:
    """Whether ``exc`` is PostgreSQL being unreachable (restarting, down, the connection cut) rather than a fault of
    the request: psycopg's connection-level errors carry no SQLSTATE or one of class 08 / 57P0x."""
    from django.db import InterfaceError, OperationalError

    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if cause is None or not type(cause).__module__.startswith("psycopg"):
        return False
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(UNAVAILABLE_SQLSTATE_PREFIXES)
