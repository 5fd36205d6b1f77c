"""Errors of the exchange: each carries the HTTP status an API answers with and a stable ``code``.

Callers (prefill, submission forms, linked groups) catch :class:`ExchangeError` and show ``str(error)``, which is
Vietnamese and says what to do; APIs turn it into problem+json with :attr:`ExchangeError.status`.
"""

from __future__ import annotations


class ExchangeError(Exception):
    """Base class. ``status`` is the HTTP status for APIs, ``code`` a stable key for clients."""

    status = 400
    code = "exchange_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class InvalidRequest(ExchangeError):
    """The call itself is malformed: unknown registry or attribute, missing purpose, malformed identifier (400)."""

    status = 400
    code = "invalid_request"


class InvalidIdentifier(InvalidRequest):
    """The personal ID or enterprise code breaks its rules (length, province, century/sex, future birth year)."""

    code = "invalid_identifier"


class AccessRefused(ExchangeError):
    """No grant, not the person's own data, or the actor does not act for the agency (403). The refusal is logged."""

    status = 403
    code = "access_refused"


class NotFound(ExchangeError):
    """The registry holds no record for the identifier (404)."""

    status = 404
    code = "not_found"


class RegistryUnavailable(ExchangeError):
    """The registry did not answer in time, answered with an error, or its circuit breaker is open (503).

    The applicant can still submit by uploading the document; nothing is lost.
    """

    status = 503
    code = "registry_unavailable"
