"""Ed25519 keys of this deployment (``cryptography``): generate, load, sign, verify.

The private key lives in ``MOTCUA_SIGNING_KEY_FILE`` (PEM, PKCS#8, mode 0600; default
``$MOTCUA_VAR_DIR/exchange/signing-key.pem``); public keys travel as the raw 32 bytes in base64.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class KeyMissing(Exception):
    """This deployment has no signing key yet (``motcua exchange keygen``)."""


def key_file() -> Path:
    return Path(settings.MOTCUA_SIGNING_KEY_FILE)


def generate(path: Path | None = None, *, overwrite: bool = False) -> str:
    """Write a new private key to ``path`` (refusing to replace one unless ``overwrite``); return the public key."""
    path = path or key_file()
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass --force to replace it (peers must then get the new public key).")
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    private_key.cache_clear()
    return public_key_text(key)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyMissing(f"{path} is not an Ed25519 private key.")
    return key


def private_key() -> Ed25519PrivateKey:
    path = key_file()
    if not path.exists():
        raise KeyMissing(f"No signing key at {path}: run `motcua exchange keygen`.")
    return _load(str(path), path.stat().st_mtime)


private_key.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


def public_key_text(key: Ed25519PrivateKey | None = None) -> str:
    raw = (key or private_key()).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(data: bytes) -> str:
    return base64.b64encode(private_key().sign(data)).decode()


def verify(public_key_b64: str, data: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is the Ed25519 signature of ``data`` by that public key (False on any malformation)."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_key_error(value: str) -> str | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        return "Not base64."
    return None if len(raw) == 32 else "An Ed25519 public key has 32 bytes."
