"""The project's own catalog file: ``{"format": "motcua-catalog", "version": 1, "procedures": [...]}``.

Each procedure is ``ProcedureRecord.to_dict()`` (documented in docs/catalog-json.md). The writer is deterministic
(records in the order given, keys in record order, two-space indent, UTF-8 without escapes, one trailing newline), so
export → import → export gives the same bytes. The reader validates the whole file before anything is stored and
names the file, the record, its line and the offending field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..records import FORMAT_VERSION, ProcedureRecord, RecordError

FORMAT_NAME = "motcua-catalog"


@dataclass
class CatalogFileError(ValueError):
    """A catalog file that cannot be imported; ``str()`` is a message a user can act on."""

    path: str
    message: str
    index: int | None = None  # 0-based position in ``procedures``
    line: int | None = None
    field: str = ""
    code: str = ""

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.index is not None:
            record = f"record {self.index + 1} (procedures[{self.index}]"
            record += f", code {self.code})" if self.code else ")"
            where.append(record)
        if self.field:
            where.append(f"field {self.field}")
        return f"{': '.join(where)}: {self.message}"


def dump_records(records: Iterable[ProcedureRecord]) -> str:
    """The catalog file for these records, as text ending in a newline."""
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "procedures": [r.to_dict() for r in records],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def load_records(text: str, path: str = "<input>") -> list[ProcedureRecord]:
    """Parse and validate a whole catalog file; raises ``CatalogFileError`` on the first problem."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise CatalogFileError(path, f"not valid JSON: {err.msg} (column {err.colno})", line=err.lineno) from None
    if not isinstance(document, dict):
        raise CatalogFileError(path, f'expected an object {{"format": "{FORMAT_NAME}", ...}}', line=1)
    if document.get("format") != FORMAT_NAME:
        raise CatalogFileError(path, f'"format" must be "{FORMAT_NAME}"', field="format")
    if document.get("version") != FORMAT_VERSION:
        raise CatalogFileError(path, f"unsupported version {document.get('version')!r}; this motcua reads "
                               f"version {FORMAT_VERSION}", field="version")
    procedures = document.get("procedures")
    if not isinstance(procedures, list):
        raise CatalogFileError(path, '"procedures" must be a list', field="procedures")
    extra = sorted(set(document) - {"format", "version", "procedures"})
    if extra:
        raise CatalogFileError(path, "unknown field", field=extra[0])

    records = []
    lines: list[int] | None = None
    for i, data in enumerate(procedures):
        try:
            records.append(ProcedureRecord.from_dict(data))
        except RecordError as err:
            if lines is None:
                lines = _procedure_lines(text)
            code = data.get("code", "") if isinstance(data, dict) else ""
            raise CatalogFileError(path, err.message, index=i, field=err.field,
                                   line=lines[i] if i < len(lines) else None,
                                   code=code if isinstance(code, str) else "") from None
    return records


def _procedure_lines(text: str) -> list[int]:
    """The line on which each element of the top-level ``procedures`` list starts (the file is valid JSON)."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if text[pos:pos + 1] != "{":
        return []
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the colon
        if key == "procedures" and text[pos] == "[":
            starts: list[int] = []
            line, counted = 1, 0
            pos = _skip(text, pos + 1)
            while text[pos] != "]":
                line += text.count("\n", counted, pos)
                counted = pos
                starts.append(line)
                _, pos = decoder.raw_decode(text, pos)
                pos = _skip(text, pos)
                if text[pos] == ",":
                    pos = _skip(text, pos + 1)
            return starts
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    return []


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos

