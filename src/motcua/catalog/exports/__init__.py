"""Catalog exports: the project's own JSON, a spreadsheet-friendly CSV and EU CPSV-AP 3.2 (JSON-LD and Turtle).

Every format is a pure function from canonical records (``records.ProcedureRecord``) to text, so the same code
serves the command line, the API and the tests. ``EXPORT_FORMATS`` maps the ``--format`` names to those functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..records import ProcedureRecord


def _json(records: Iterable[ProcedureRecord]) -> str:
    from .json_format import dump_records

    return dump_records(records)


def _csv(records: Iterable[ProcedureRecord]) -> str:
    from .csv_format import dump_csv

    return dump_csv(records)


def _jsonld(records: Iterable[ProcedureRecord]) -> str:
    from .cpsv import build_graph, to_jsonld

    return to_jsonld(build_graph(records))


def _turtle(records: Iterable[ProcedureRecord]) -> str:
    from .cpsv import build_graph, to_turtle

    return to_turtle(build_graph(records))


EXPORT_FORMATS: dict[str, Callable[[Iterable[ProcedureRecord]], str]] = {
    "json": _json,
    "csv": _csv,
    "cpsv-jsonld": _jsonld,
    "cpsv-turtle": _turtle,
}


def export_records(fmt: str, records: Iterable[ProcedureRecord]) -> str:
    """The records in format ``fmt`` (a key of ``EXPORT_FORMATS``) as text."""
    try:
        writer = EXPORT_FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}") from None
    return writer(records)
