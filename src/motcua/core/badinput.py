"""One place where input the server refuses to read becomes a 4xx, for the API and the pages alike.

Django raises :class:`~django.core.exceptions.RequestDataTooBig` (a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``),
:class:`~django.core.exceptions.TooManyFieldsSent` / ``TooManyFilesSent`` (more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``
/ ``_FILES``) when a view first reads the body; Python's JSON decoder raises ``RecursionError`` on deeply nested
arrays (``[`` × 100,000); PostgreSQL refuses the NUL characters a query string can carry. :func:`refusal` names the
status and message for each; the DRF exception handler (``core.problems``) and :class:`BadInputMiddleware` (plain
Django views, and NUL in any address) use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as _DRFJSONParser


def refusal(exc: BaseException) -> tuple[int, str, str] | None:
    """``(status, title, detail)`` for an exception that means "the client sent what we will not read", else None."""
    if isinstance(exc, RequestDataTooBig):
        return 413, "Request too large", "The request body is larger than the server accepts."
    if isinstance(exc, RecursionError):
        return 400, "Invalid request", "The request body is nested too deeply."
    if isinstance(exc, SuspiciousOperation):  # TooManyFieldsSent, TooManyFilesSent, SuspiciousMultipartForm, …
        return 400, "Invalid request", "The request cannot be read (too many fields or a malformed body)."
    return None


class JSONParser(_DRFJSONParser):
    """DRF's JSON parser, with nesting too deep for the decoder a parse error (400) instead of a crash."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None


def loads(text: str | bytes) -> Any:
    """``json.loads`` for request bodies read by hand: ``ValueError`` for too deep nesting, like any bad JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply.") from None


class BadInputMiddleware:
    """Turns the refusals above raised by a plain Django view into a 4xx: problem+json under ``/api/``, a page
    elsewhere. (DRF views answer through ``core.problems``; Open311 in its own error format.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A NUL character in the address or the query string: PostgreSQL refuses it in any text value (a 500 on
        # the first filter that uses it); no page or API reads one. Form and serializer fields refuse it themselves.
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            response = self._refuse(request, 400, "Invalid request", "The address contains a NUL character.")
            if request.path.startswith("/api/"):
                # Name the parameters at fault, as every other 400 problem of the API does.
                body = json.loads(response.content)
                body["errors"] = {name: ["Không được chứa ký tự NUL."] for name, values in request.GET.lists()
                                  if "\x00" in name or any("\x00" in value for value in values)}
                response.content = json.dumps(body, ensure_ascii=False).encode()
            return response
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            from motcua.core.problems import json_problem

            return json_problem(status, title, detail)
        return render(request, "portal/400.html", {"status": status}, status=status)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        found = refusal(exception)
        if found is None:
            return None
        return self._refuse(request, *found)
