"""The simulated registries as an HTTP/JSON service (``motcua registry serve --port N``); see :mod:`.http`.

A plain WSGI application (no Django request cycle, no database): fast, and runnable in a thread for tests. Dates
are ISO strings on the wire; the client returns them as strings too, exactly as a remote registry would.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, unquote

from django.core.serializers.json import DjangoJSONEncoder

from ..errors import ExchangeError
from .base import CallContext

logger = logging.getLogger(__name__)


def _json(start_response: Callable, status: str, body: dict[str, Any], problem: bool = False) -> Iterable[bytes]:
    data = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    start_response(status, [("Content-Type", "application/problem+json" if problem else "application/json"),
                            ("Content-Length", str(len(data)))])
    return [data]


STATUS_LINES = {400: "400 Bad Request", 404: "404 Not Found", 405: "405 Method Not Allowed",
                503: "503 Service Unavailable", 500: "500 Internal Server Error"}


def make_app(registries: dict[str, Any]) -> Callable:
    """A WSGI app serving ``registries`` (name → plugin with ``spec`` and ``lookup``)."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def problem(status: int, title: str, detail: str = "", code: str = "") -> Iterable[bytes]:
            return _json(start_response, STATUS_LINES[status],
                         {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code},
                         problem=True)

        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return problem(405, "Method not allowed")
        parts = [unquote(p) for p in environ.get("PATH_INFO", "").strip("/").split("/")]
        if parts == ["v1"]:
            return _json(start_response, "200 OK", {"registries": [r.spec.describe() for r in registries.values()]})
        if len(parts) not in (2, 3) or parts[0] != "v1" or parts[1] not in registries:
            return problem(404, "Not found", "Unknown registry or path.", "unknown_registry")
        registry = registries[parts[1]]
        if len(parts) == 2:
            return _json(start_response, "200 OK", registry.spec.describe())
        query = parse_qs(environ.get("QUERY_STRING", ""))
        attributes = [a for a in ",".join(query.get("attributes", [])).split(",") if a]
        context = CallContext(agency=environ.get("HTTP_X_MOTCUA_AGENCY", ""),
                              actor=environ.get("HTTP_X_MOTCUA_ACTOR", ""),
                              role=environ.get("HTTP_X_MOTCUA_ROLE", ""),
                              dossier_code=environ.get("HTTP_X_MOTCUA_DOSSIER", ""),
                              purpose=unquote(environ.get("HTTP_X_MOTCUA_PURPOSE", "")),
                              procedure_code=environ.get("HTTP_X_MOTCUA_PROCEDURE", ""))
        try:
            values = registry.lookup(parts[2], attributes, context)
        except ExchangeError as error:
            status = error.status if error.status in STATUS_LINES else 500
            return problem(status, type(error).__name__, str(error), error.code)
        except Exception as error:  # a fault of the registry itself: a 500 the client treats as "unavailable"
            logger.exception("registry %s failed", parts[1])
            return problem(500, "Internal error", str(error), "registry_error")
        return _json(start_response, "200 OK", {"registry": parts[1], "identifier": parts[2], "values": values})

    return app


def serve(registries: dict[str, Any], host: str = "127.0.0.1", port: int = 8700, threads: int = 8):
    """A waitress server for ``registries``; returns it (``.run()`` blocks, ``.close()`` stops)."""
    from waitress.server import create_server

    return create_server(make_app(registries), host=host, port=port, threads=threads, ident="motcua-registry")
