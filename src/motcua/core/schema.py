"""OpenAPI post-processing: the same schema whichever database the generating process is configured for.

DRF gives a model serializer's integer field the range of the database column, and that range is the backend's
(SQLite reports 64-bit limits, PostgreSQL 16/32-bit ones), so the committed schema would differ between the two.
The database's integer range is not part of the API contract: it is removed; explicit limits (page sizes …) stay.
"""

from __future__ import annotations

from typing import Any

BACKEND_LIMITS = {32767, 2147483647, 9223372036854775807, -32768, -2147483648, -9223372036854775808}


def _clean(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for bound in ("maximum", "minimum"):
                if node.get(bound) in BACKEND_LIMITS:
                    del node[bound]
            if node.get("format") == "int64" and "maximum" not in node:
                del node["format"]
        for value in node.values():
            _clean(value)
    elif isinstance(node, list):
        for value in node:
            _clean(value)


def drop_backend_integer_limits(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (see ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    _clean(result.get("components", {}))
    return result
