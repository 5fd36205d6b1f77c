"""Signed checkpoints of the audit trails, kept outside the database (issue 12 point 3).

A checkpoint records, for every chain of every log, its length and the hash of its last entry, as verified at that
moment. It is one line of an append-only JSON-lines file (``MOTCUA_AUDIT_CHECKPOINT_FILE``, default
``$MOTCUA_VAR_DIR/audit/checkpoints.jsonl``), signed with Ed25519 (private key ``MOTCUA_AUDIT_SIGNING_KEY_FILE``,
default ``$MOTCUA_VAR_DIR/audit/checkpoint-key.pem``, created on first use) and linked to the previous line by its
SHA-256. Against the last checkpoint, `motcua audit verify` finds what the hash chains alone cannot: a deleted tail
(with the head rows rewound), a chain deleted whole, a chain re-sealed from the start.

To make the checkpoints worth more than the machine they are written on, publish them: each line's ``digest`` is the
SHA-256 of the line, and `motcua audit checkpoint` prints it — send it to a second party (the supervising agency, a
timestamping service, a mailing list) or copy the file to storage the database administrators cannot write. The
public key to check the signatures is printed by `motcua audit public-key`; pin it with
``MOTCUA_AUDIT_CHECKPOINT_PUBLIC_KEY`` so that a replaced key file is noticed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .chain import canonical_json

# log label → chain key → [length, hash of the last entry]
Pins = dict[str, dict[str, list]]


class CheckpointError(Exception):
    """The checkpoint file was altered: a signature or a link between lines does not hold."""


def checkpoint_file() -> Path:
    from django.conf import settings

    return Path(settings.MOTCUA_AUDIT_CHECKPOINT_FILE)


def signing_key_file() -> Path:
    from django.conf import settings

    return Path(settings.MOTCUA_AUDIT_SIGNING_KEY_FILE)


def _private_key() -> Ed25519PrivateKey:
    path = signing_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _raw(public: Ed25519PublicKey) -> str:
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def public_key() -> str:
    """The public key that checks the checkpoints (raw 32 bytes, base64): the pinned one if configured."""
    from django.conf import settings

    return settings.MOTCUA_AUDIT_CHECKPOINT_PUBLIC_KEY or _raw(_private_key().public_key())


def _lines() -> list[str]:
    path = checkpoint_file()
    if not path.exists():
        return []
    return [line for line in path.read_text().splitlines() if line.strip()]


def _check(lines: list[str]) -> dict[str, Any] | None:
    """Every line's signature and link; the last line's record."""
    verifier = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key()))
    previous, record = "", None
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
            signature = base64.b64decode(record.pop("sig"))
            verifier.verify(signature, canonical_json(record).encode())
        except (ValueError, KeyError, TypeError, InvalidSignature) as error:
            raise CheckpointError(f"checkpoint line {number} is not signed by the audit key ({error!r})") from None
        if record.get("prev") != previous:
            raise CheckpointError(f"checkpoint line {number} does not follow line {number - 1}: lines were removed "
                                  f"or replaced")
        previous = hashlib.sha256(line.encode()).hexdigest()
    return record


def latest() -> dict[str, Any] | None:
    """The last checkpoint (``{"at", "prev", "logs"}``) after checking the whole file, or ``None`` when there is
    none yet. Raises :class:`CheckpointError` when the file was altered."""
    return _check(_lines())


def write(logs: Pins, at: datetime | None = None) -> tuple[dict[str, Any], str]:
    """Append a signed checkpoint of ``logs``; return it and its digest (the SHA-256 of its line, to publish)."""
    lines = _lines()
    _check(lines)
    record = {"at": (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
              "prev": hashlib.sha256(lines[-1].encode()).hexdigest() if lines else "", "logs": logs}
    signature = base64.b64encode(_private_key().sign(canonical_json(record).encode())).decode()
    line = canonical_json({**record, "sig": signature})
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
    return record, hashlib.sha256(line.encode()).hexdigest()
