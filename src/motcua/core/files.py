"""Uploaded files: what a file is (from its bytes), what it may be called, and the upload limits (issue 3 point 8).

Written once for every package that takes files (dossier documents, the personal data store, PAKN attachments).
Pure functions except :func:`scanner`, which imports the configured hook:

- the content type is detected from the first bytes (magic numbers), never from the client's name or header;
- the client's file name is only cleaned for display; files are stored under a generated name, so no path traversal;
- limits come from settings (declared with their defaults in ``motcua.core.config``): ``MOTCUA_UPLOAD_MAX_BYTES``
  (20 MiB), ``MOTCUA_UPLOAD_TYPES`` (pdf, jpeg, png, tiff — the formats scanned papers and electronic results come
  in), ``MOTCUA_UPLOAD_SCANNER`` (dotted path to ``callable(fileobj, *, name, content_type, size)``; it raises to
  reject the file; default: no scan).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    mime: str
    extension: str


TYPES: dict[str, FileType] = {t.key: t for t in (
    FileType("pdf", "application/pdf", ".pdf"),
    FileType("jpeg", "image/jpeg", ".jpg"),
    FileType("png", "image/png", ".png"),
    FileType("tiff", "image/tiff", ".tif"),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    FileType("zip", "application/zip", ".zip"),
    FileType("txt", "text/plain", ".txt"),
)}


def sniff(head: bytes) -> FileType | None:
    """The type of a file from its first bytes (give at least :data:`SNIFF_BYTES` when the file is that long).

    PDF ``%PDF-``; JPEG ``FF D8 FF``; PNG ``89 50 4E 47 0D 0A 1A 0A``; TIFF ``II*\\0`` or ``MM\\0*``; ZIP ``PK\\3\\4``,
    a DOCX when one of its first entries is under ``word/``; plain text when the bytes are UTF-8 without control
    characters other than tab, line feed, carriage return and form feed. ``None`` otherwise.
    """
    if head.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TYPES["tiff"]
    if head.startswith(b"PK\x03\x04"):
        return TYPES["docx"] if b"word/" in head and b"[Content_Types].xml" in head else TYPES["zip"]
    if head and _is_plain_text(head):
        return TYPES["txt"]
    return None


_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_plain_text(head: bytes) -> bool:
    if _CONTROL.search(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sniffed window is still text.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


_UNSAFE = re.compile(r"[^\w .()\-+,]")
MAX_FILENAME = 200


def clean_filename(name: str | None) -> str:
    """The client's file name made safe for display: the last path component only, NFC, no control or shell
    characters, no leading dots, at most 200 characters; ``tai-lieu`` when nothing is left."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    name = re.sub(r"_+", "_", name)
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_FILENAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_FILENAME]
    return name or "tai-lieu"


# Other spellings of a type's extension a client may use; kept when they match the sniffed type.
_ALIASES = {"jpeg": (".jpeg", ".jpe"), "tiff": (".tiff",)}
_BY_MIME = {t.mime: t for t in TYPES.values()}


def name_for_type(name: str | None, file_type: FileType | str | None) -> str:
    """The cleaned client name whose extension is the sniffed type's (issue 12 point 14): ``evil.html`` holding a PDF
    becomes ``evil.pdf``, ``scan`` a PNG ``scan.png``; a matching extension (any case, ``.jpeg`` for a JPEG) is kept
    in lower case. ``file_type`` is a :class:`FileType` or a MIME type; an unknown one gives the cleaned name with
    no extension the browser could act on."""
    if isinstance(file_type, str):
        file_type = _BY_MIME.get(file_type.split(";")[0].strip().lower())
    name = clean_filename(name)
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    ext = f".{ext.lower()}" if ext else ""
    if file_type is None:
        return stem or "tai-lieu"
    if ext == file_type.extension or ext in _ALIASES.get(file_type.key, ()):
        return f"{stem}{ext}"
    return f"{stem}{file_type.extension}"


def stored_name(file_type: FileType) -> str:
    """A generated storage name: a random UUID and the extension of the detected type."""
    return f"{uuid.uuid4().hex}{file_type.extension}"


def max_bytes() -> int:
    return settings.MOTCUA_UPLOAD_MAX_BYTES


def allowed_types() -> tuple[str, ...]:
    return tuple(settings.MOTCUA_UPLOAD_TYPES)


def no_scan(fileobj: Any, *, name: str, content_type: str, size: int) -> None:
    """The default scan hook: accepts everything."""


def scanner() -> Callable[..., None]:
    """The configured scan hook (``MOTCUA_UPLOAD_SCANNER``), called before a file is stored."""
    path = settings.MOTCUA_UPLOAD_SCANNER
    return import_string(path) if path else no_scan
