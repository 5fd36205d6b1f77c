"""Keyed hash chains for the append-only logs (issue 4 point 5, issue 12 point 3).

Each entry's hash covers its content and the previous entry's hash: editing, deleting or reordering an entry breaks
every later link, which `motcua audit verify` finds by recomputing the chain. Content is hashed in a canonical JSON
form (sorted keys, no spaces, UTF-8), so the same values give the same hash on SQLite and PostgreSQL.

The hash is an HMAC-SHA-256 under a key kept **outside the database** (``MOTCUA_AUDIT_KEY_FILE``, default
``$MOTCUA_VAR_DIR/audit/chain.key``): someone who can write the database but not read that file cannot re-seal an
edited chain. A stored hash is ``"<key id>:<hex digest>"``, so entries sealed under an earlier key still verify after
a rotation (`motcua audit rotate-key` appends a key to the file; the last one seals, all of them verify). Hashes
without a key id are plain SHA-256 from before keys existed: verification accepts them only up to a signed
checkpoint (:mod:`motcua.core.checkpoints`), never after it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

GENESIS = ""  # the "previous hash" of a chain's first entry
HASH_LENGTH = 80  # column width of hash / prev_hash: "<key id>:<64 hex>"

# Outcomes of :func:`check_text`.
OK, BAD, UNKEYED, UNSEALED, UNKNOWN_KEY = "ok", "bad", "unkeyed", "unsealed", "unknown_key"


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: sorted keys, compact separators, non-ASCII kept, Django types as strings."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# Keys -------------------------------------------------------------------------------------------------------------

class AuditKeyError(Exception):
    """The audit key file is missing where it must exist, or unreadable."""


def key_file() -> Path:
    """``MOTCUA_AUDIT_KEY_FILE``, default ``$MOTCUA_VAR_DIR/audit/chain.key``."""
    return Path(settings.MOTCUA_AUDIT_KEY_FILE)


_lock = threading.Lock()
_keys: tuple[str, dict[str, bytes], str] | None = None  # (configured file, key id → key, current key id)


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f"{secrets.token_hex(4)} {secrets.token_hex(32)}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as out:
        out.write(line)


def load_keys() -> tuple[dict[str, bytes], str]:
    """Every key of the key file (id → bytes) and the id of the current (last) one. The file is created with one new
    key on first use unless ``MOTCUA_AUDIT_KEY_AUTOCREATE`` is off (production: create it with
    `motcua audit rotate-key` and back it up)."""
    global _keys
    cached = _keys
    configured = settings.MOTCUA_AUDIT_KEY_FILE  # the cheap check on the hot path
    if cached is not None and cached[0] == configured:
        return cached[1], cached[2]
    path = key_file()
    with _lock:
        if not path.exists():
            if not settings.MOTCUA_AUDIT_KEY_AUTOCREATE:
                raise AuditKeyError(f"The audit key file {path} does not exist: run `motcua audit rotate-key`.")
            _write_new_key(path)
        keys: dict[str, bytes] = {}
        current = ""
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key_id, _, secret = line.partition(" ")
            keys[key_id] = bytes.fromhex(secret.strip())
            current = key_id
        if not current:
            raise AuditKeyError(f"The audit key file {path} holds no key.")
        _keys = (configured, keys, current)
        return keys, current


def reset_keys() -> None:
    """Forget the loaded keys (after a rotation, or when a test changes the key file)."""
    global _keys
    _keys = None


def rotate_key() -> str:
    """Append a new key to the key file (it seals from now on; the older ones still verify); return its id."""
    path = key_file()
    with _lock:
        _write_new_key(path)
    reset_keys()
    return load_keys()[1]


# Hashing ----------------------------------------------------------------------------------------------------------

_pads: dict[bytes, tuple[Any, Any]] = {}  # key → its HMAC inner and outer SHA-256 states


def _mac(key: bytes, message: bytes) -> str:
    """HMAC-SHA-256 (RFC 2104) hex, from the key's inner and outer states computed once: about what one SHA-256
    costs (OpenSSL's one-shot HMAC sets a context up each time, about three times that). A test holds it equal to
    :func:`hmac.digest`."""
    pads = _pads.get(key)
    if pads is None:
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        pads = _pads[key] = (hashlib.sha256(bytes(b ^ 0x36 for b in block)),
                             hashlib.sha256(bytes(b ^ 0x5C for b in block)))
    inner = pads[0].copy()
    inner.update(message)
    outer = pads[1].copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def link_hash_text(prev_hash: str, content_json: str) -> str:
    """The keyed link of an entry whose canonical content is ``content_json``: ``"<key id>:<HMAC-SHA-256 hex>"``."""
    keys, current = load_keys()
    message = f"{prev_hash}\n{content_json}".encode()
    return f"{current}:{_mac(keys[current], message)}"


def link_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """The keyed link of the previous hash and the entry's canonical content."""
    return link_hash_text(prev_hash, canonical_json(content))


def plain_link_hash(prev_hash: str, content_json: str) -> str:
    """The unkeyed SHA-256 link written before keys existed (verification of old entries only)."""
    return hashlib.sha256(f"{prev_hash}\n{content_json}".encode()).hexdigest()


def check_text(prev_hash: str, content_json: str, stored: str) -> str:
    """Whether ``stored`` is the link of ``prev_hash`` and ``content_json``: :data:`OK`, :data:`BAD` (it is not),
    :data:`UNSEALED` (empty), :data:`UNKNOWN_KEY` (its key id is not in the key file) or :data:`UNKEYED` (a plain
    SHA-256 link that matches — trusted only where a signed checkpoint covers it)."""
    if not stored:
        return UNSEALED
    key_id, sep, digest = stored.partition(":")
    if not sep:
        return UNKEYED if hmac.compare_digest(plain_link_hash(prev_hash, content_json), stored) else BAD
    key = load_keys()[0].get(key_id)
    if key is None:
        return UNKNOWN_KEY
    expected = _mac(key, f"{prev_hash}\n{content_json}".encode())
    return OK if hmac.compare_digest(expected, digest) else BAD


def check(prev_hash: str, content: dict[str, Any], stored: str) -> str:
    """:func:`check_text` of a content dict."""
    return check_text(prev_hash, canonical_json(content), stored)
