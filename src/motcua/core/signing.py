"""PAdES signatures on PDF documents (issue 11 point 8): sign with a key from configuration, verify against the
configured trust roots. Independent of dossiers: the one-stop rules (who signs what, which data go in) are in
:mod:`motcua.dossiers.digitisation`.

Keys and certificates (``MOTCUA_SIGNING_*`` settings, docs/operations.md's environment table):

- ``MOTCUA_SIGNING_DIR`` (default ``$MOTCUA_VAR_DIR/signing``) holds one PKCS#12 file per signer::

      officers/<user name>.p12     an officer's personal signature (Decree 118/2025 Art. 17(1)(c))
      agencies/<agency code>.p12   an agency's organisational signature (Decree 118/2025 Art. 19(2), 22(1))

  the file names are the user name or agency code with every character other than ``A–Z a–z 0–9 . _ -`` replaced
  by ``_``; each file holds the key, its certificate and the chain up to (not necessarily including) the root.
- ``MOTCUA_SIGNING_PASSPHRASE``: the passphrase of those files (empty: not encrypted).
- ``MOTCUA_SIGNING_TRUST_ROOTS``: comma-separated PEM or DER files of the root certificates a signature must chain
  to (e.g. the Government's specialised CA and the public CAs); the demo root is added when the demo CA is on.
- ``MOTCUA_SIGNING_DEMO_CA``: ``1`` (default outside production) issues a certificate from a demo CA generated on
  first use under ``$MOTCUA_VAR_DIR/signing-demo/`` to any signer that has no PKCS#12 file. Its certificates say
  "(DEMO)" in the common name and "DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" as organisational unit, and the pages show it.
  Refused when ``MOTCUA_ENV=production``.

:func:`sign_pdf` adds one PAdES baseline (B-B) signature, SHA-256, in an incremental update, with the given
metadata written into the document information dictionary in the same revision; :func:`verify_pdf` checks every
signature (integrity, trust chain to the configured roots, nothing changed after signing) without network access.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEMO_MARK = "DEMO — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
OFFICER = "officer"
AGENCY = "agency"
KINDS = (OFFICER, AGENCY)
# Custom entries of the document information dictionary hold the document's data (see digitisation).
INFO_PREFIX = "Motcua"


class SigningUnavailable(Exception):
    """No key for this signer: no PKCS#12 file, and the demo CA is off."""


@dataclass(frozen=True)
class SignerRef:
    """Who signs: an officer (``key`` = user name) or an agency (``key`` = agency code); ``name`` is shown in the
    demo certificate's subject."""

    kind: str
    key: str
    name: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a PDF's signatures.

    ``status``: ``valid`` (intact, chains to a trusted root, nothing changed after signing), ``tampered`` (the
    signed bytes changed, or content was changed after signing), ``untrusted`` (intact, but the signer's certificate
    does not chain to a configured root, or is not valid at the signing time), ``unsigned`` (no signature), ``error``
    (the file could not be read as a PDF)."""

    status: str
    signer: str = ""
    signed_at: dt.datetime | None = None
    demo: bool = False
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


STATUS_LABELS = {
    "valid": "Chữ ký số hợp lệ",
    "tampered": "Tài liệu đã bị sửa sau khi ký",
    "untrusted": "Chữ ký không thuộc tổ chức chứng thực được tin cậy",
    "unsigned": "Chưa ký số",
    "error": "Không đọc được tệp để kiểm tra chữ ký",
}


# Configuration -------------------------------------------------------------------------------------------------------


def signing_dir() -> Path:
    return Path(settings.MOTCUA_SIGNING_DIR)


def demo_dir() -> Path:
    return Path(settings.VAR_DIR) / "signing-demo"


def demo_enabled() -> bool:
    on = bool(settings.MOTCUA_SIGNING_DEMO_CA)
    if on and settings.ENVIRONMENT == "production":
        raise ImproperlyConfigured("MOTCUA_SIGNING_DEMO_CA must be off when MOTCUA_ENV=production.")
    return on


def _passphrase() -> bytes | None:
    value = settings.MOTCUA_SIGNING_PASSPHRASE
    return value.encode("utf-8") if value else None


_SAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_name(key: str) -> str:
    """The PKCS#12 file name of a user name or agency code (the documented layout)."""
    safe = _SAFE.sub("_", str(key)).lstrip(".")
    if not safe:
        raise SigningUnavailable("empty signer key")
    return f"{safe}.p12"


def _folder(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown signer kind {kind!r}")
    return "officers" if kind == OFFICER else "agencies"


def _load_certificate(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)


_roots: dict[tuple, list[x509.Certificate]] = {}


def trust_roots() -> list[x509.Certificate]:
    """The configured roots, plus the demo root when the demo CA is on. Read once per process for each set of files
    and modification times (the pages verify every signed document they show)."""
    raw = settings.MOTCUA_SIGNING_TRUST_ROOTS
    paths = [Path(p.strip()) for p in (raw.split(",") if isinstance(raw, str) else raw) if str(p).strip()]
    if demo_enabled():
        if not (demo_dir() / "root.pem").exists():
            _demo_root()
        paths.append(demo_dir() / "root.pem")
    key = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    roots = _roots.get(key)
    if roots is None:
        roots = _roots[key] = [_load_certificate(p) for p in paths]
    return list(roots)


# The demo CA ---------------------------------------------------------------------------------------------------------

_lock = threading.Lock()


def _clip(text: str, limit: int = 64) -> str:
    """At most ``limit`` UTF-8 bytes (X.520's upper bound for these names), cut on a character boundary."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore").strip() or "?"


def _name(common: str, organisation: str = "", unit: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _clip(organisation)))
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _clip(unit)))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, _clip(common)))
    return x509.Name(parts)


def make_root(common: str, *, unit: str = "", days: int = 3650) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed root CA certificate and its key (P-256). Used for the demo CA and in tests."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = _name(common, unit=unit)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def issue(root: x509.Certificate, root_key: ec.EllipticCurvePrivateKey, common: str, organisation: str = "", *,
          unit: str = "", days: int = 730) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A signing certificate (non-repudiation, digital signature) issued by ``root``."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(common, organisation, unit)).issuer_name(root.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    return cert, key


def pkcs12_bytes(cert: x509.Certificate, key, chain: Sequence[x509.Certificate] = (), *,
                 passphrase: bytes | None = None, friendly: str = "motcua") -> bytes:
    """A PKCS#12 file of the documented layout: key, certificate, chain."""
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    return pkcs12.serialize_key_and_certificates(friendly.encode("utf-8"), key, cert, list(chain) or None,
                                                 encryption)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


class _FileLock:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")  # closed in __exit__
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _demo_root() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The demo root CA, generated once per ``$MOTCUA_VAR_DIR`` (a file lock keeps two processes from racing)."""
    folder = demo_dir()
    cert_path, key_path = folder / "root.pem", folder / "root-key.pem"
    with _lock:
        if not cert_path.exists():
            with _FileLock(folder / ".lock"):
                if not cert_path.exists():
                    cert, key = make_root("motcua DEMO CA", unit=DEMO_MARK)
                    _write_atomic(key_path, key.private_bytes(serialization.Encoding.PEM,
                                                              serialization.PrivateFormat.PKCS8,
                                                              serialization.NoEncryption()))
                    _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key


def _demo_pkcs12(ref: SignerRef) -> Path:
    path = demo_dir() / _folder(ref.kind) / file_name(ref.key)
    if path.exists():
        return path
    root, root_key = _demo_root()
    with _FileLock(demo_dir() / ".lock"):
        if not path.exists():
            cert, key = issue(root, root_key, f"{ref.name or ref.key} (DEMO)", ref.organisation, unit=DEMO_MARK)
            _write_atomic(path, pkcs12_bytes(cert, key, [root]))
    return path


# Signing -------------------------------------------------------------------------------------------------------------

_signers: dict[tuple[str, float, bytes | None], object] = {}


def pkcs12_path(ref: SignerRef) -> Path:
    """The PKCS#12 file of a signer: the configured one, else one issued by the demo CA when it is on."""
    path = signing_dir() / _folder(ref.kind) / file_name(ref.key)
    if path.exists():
        return path
    if demo_enabled():
        return _demo_pkcs12(ref)
    raise SigningUnavailable(f"no signing key for {ref.kind} {ref.key!r}: expected {path}")


def _signer(path: Path):
    from pyhanko.sign import signers

    demo = path.is_relative_to(demo_dir())
    cache_key = (str(path), path.stat().st_mtime, None if demo else _passphrase())
    signer = _signers.get(cache_key)
    if signer is None:
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), [],
                                                           passphrase=None if demo else _passphrase())
        except ValueError as error:
            raise SigningUnavailable(f"cannot read {path}: {error}") from error
        _signers[cache_key] = signer
    return signer


def _common_name(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)


def signer_name(ref: SignerRef) -> str:
    """The common name of the certificate ``ref`` signs with."""
    return _common_name(_signer(pkcs12_path(ref)).signing_cert)


def _text(value) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def sign_pdf(pdf: bytes, ref: SignerRef, *, reason: str = "", location: str = "",
             metadata: Mapping[str, object] | None = None, title: str = "", subject: str = "",
             keywords: Sequence[str] = ()) -> bytes:
    """``pdf`` with one more PAdES signature by ``ref``; ``metadata`` entries are written into the document
    information dictionary as ``/Motcua<Key>`` text strings (plus title, subject and keywords), in the signed
    revision. Raises :class:`SigningUnavailable`; ``ValueError`` when ``pdf`` is not a readable PDF."""
    from pyhanko.pdf_utils.misc import PdfError

    signer = _signer(pkcs12_path(ref))
    try:
        return _sign(pdf, signer, reason=reason, location=location, metadata=metadata, title=title,
                     subject=subject, keywords=keywords)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ValueError(f"not a readable PDF: {error}") from error


def _sign(pdf: bytes, signer, *, reason: str, location: str, metadata: Mapping[str, object] | None, title: str,
          subject: str, keywords: Sequence[str]) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    entries = {f"/{INFO_PREFIX}{key}": _text(value) for key, value in (metadata or {}).items()}
    # Written straight into the information dictionary: pyHanko only updates entries that exist once it also
    # writes XMP (PDF 2.0 output), and it sets the same values in the XMP below.
    entries.update({k: v for k, v in (("/Title", title), ("/Subject", subject), ("/Keywords", ",".join(keywords)))
                    if v})
    if entries:
        info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
        info = info_ref.get_object() if info_ref is not None else generic.DictionaryObject()
        for key, value in entries.items():
            info[generic.NameObject(key)] = generic.TextStringObject(value)
        if info_ref is not None:
            writer.mark_update(info_ref)
        else:
            writer.set_info(info)
    meta = writer.document_meta
    if title:
        meta.title = title
    if subject:
        meta.subject = subject
    if keywords:
        meta.keywords = list(keywords)
    existing = len(writer.prev.embedded_signatures)
    signature = signers.PdfSignatureMetadata(
        field_name=f"Signature{existing + 1}", reason=reason or None, location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    out = signers.PdfSigner(signature, signer).sign_pdf(writer)
    return out.getvalue()


def read_metadata(pdf: bytes) -> dict[str, str]:
    """The ``/Motcua…`` entries of the document information dictionary, without the prefix."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    info = reader.trailer_view.get("/Info")
    if info is None:
        return {}
    info = info.get_object() if hasattr(info, "get_object") else info
    prefix = f"/{INFO_PREFIX}"
    return {str(k)[len(prefix):]: str(v) for k, v in info.items() if str(k).startswith(prefix)}


# Verification --------------------------------------------------------------------------------------------------------


def _validation_context(roots: Sequence[x509.Certificate]):
    from pyhanko_certvalidator import ValidationContext

    anchors = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots]
    # No network: revocation information is not fetched (soft-fail); the chain and validity times are checked.
    return ValidationContext(trust_roots=anchors, allow_fetching=False, revocation_mode="soft-fail")


def verify_pdf(pdf: bytes, roots: Sequence[x509.Certificate] | None = None) -> list[Verification]:
    """Check every signature of ``pdf`` against ``roots`` (default: :func:`trust_roots`). One entry per signature,
    in signing order; ``[Verification("unsigned")]`` when there is none, ``[Verification("error")]`` when the file
    cannot be read."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        roots = trust_roots() if roots is None else list(roots)
    except (OSError, ValueError) as error:  # a configured root that is missing or not a certificate
        return [Verification("error", detail=f"trust roots: {error}"[:300])]
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:  # a broken file is a finding, not a crash
        return [Verification("error", detail=str(error)[:300])]
    if not signatures:
        return [Verification("unsigned")]
    context = _validation_context(roots)
    found = []
    for embedded in signatures:
        try:
            status = validate_pdf_signature(embedded, context)
        except Exception as error:
            found.append(Verification("tampered", detail=str(error)[:300]))
            continue
        cert = status.signing_cert
        signer = _common_name(cert) if cert is not None else ""
        when = status.signer_reported_dt
        # Later signatures and form filling are allowed updates; anything else (a page, new content) is a change.
        changed = status.modification_level == ModificationLevel.OTHER or status.docmdp_ok is False
        if not status.intact or not status.valid or changed:
            result = "tampered"
        elif not status.trusted:
            result = "untrusted"
        else:
            result = "valid"
        demo = cert is not None and cert.subject.native.get("organizational_unit_name") == DEMO_MARK
        found.append(Verification(result, signer=signer, signed_at=when, demo=demo,
                                  detail=status.summary()))
    return found


def verdict(found: Sequence[Verification]) -> Verification:
    """One verdict for a document: the first signature that is not valid, else the last one."""
    return next((v for v in found if not v.ok), found[-1])
