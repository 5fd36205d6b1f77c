"""Digitisation of dossier documents (issue 11 point 8): who signs which document, the minimum data fields of a
document, its document code, and the signing step of ``services.add_document``.

Decree 118/2025:

- Art. 17(1)(c): at receipt the desk officer copies each paper into an electronic copy and signs it with their own
  personal digital signature → :func:`signature_kind` gives ``officer`` for the desk officer's uploads.
- Art. 19(2): the handling officer signs, with the agency's digital signature, the certified copies of components
  that are results or must be digitised; the electronic data of a document carry at least: document-type code; the
  holder's identifier (without a personal identifier: name, year of birth, date of issue, issuer); the document's
  name; a summary of its main content; its validity period; its scope of validity (if any) → :class:`DigitalData`,
  :func:`missing_fields`.
- Art. 22(1): the result is signed and issued electronically; Art. 22(4): the electronic result carries a document
  code made of the holder's identifier and the document-type code (for results, the result-type code of the national
  procedure database) → :func:`document_code`.

Citizens' uploads are not signed (online submission stays as fast as before): only officers' scans and results are.
The original file is kept as uploaded (``DossierDocument.file``); the signed PDF is ``signed_file`` (images — JPEG,
PNG, TIFF — are wrapped into a PDF first). Formats that cannot carry a PAdES signature (DOCX, ZIP, text) stay
unsigned and say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from dataclasses import asdict, dataclass, field
from io import BytesIO

from django.core.files.base import ContentFile

from motcua.core import signing

from .transitions import Role, State

# Officer uploads in these states are the result (the same rule as the officer and citizen pages).
RESULT_STATES = frozenset({State.APPROVED, State.RESULT_ISSUED})
SIGNABLE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/tiff"})
# Decree 118/2025 Art. 22(4) names the two parts of the document code but not how they are written together
# [open]: the holder's identifier, a dot, the document-type code. Identifiers are digits (and hyphens for branch
# enterprise codes), so the first dot always separates the parts even when the type code has dots (KQ.G01.00262).
CODE_SEPARATOR = "."
_HOLDER = re.compile(r"^[0-9A-Z][0-9A-Z-]{0,19}$")
_TYPE = re.compile(r"^[0-9A-Z][0-9A-Z._-]{0,59}$")


class InvalidCode(ValueError):
    pass


def signature_kind(role: str, state: str) -> str | None:
    """Whose signature a document added by ``role`` in ``state`` carries: ``officer`` (Decree 118/2025 Art.
    17(1)(c): the desk officer's scans at receipt), ``agency`` (Art. 19(2), 22(1): results, and components the
    handling unit digitises), or ``None`` (the applicant's own uploads)."""
    if role in (Role.APPLICANT, Role.SYSTEM, "", None):
        return None
    if State(state) in RESULT_STATES:
        return signing.AGENCY
    return signing.OFFICER if role == Role.DESK_OFFICER else signing.AGENCY


def normalise_type_code(code: str) -> str:
    return str(code or "").strip().upper()


def document_code(holder_id: str, type_code: str) -> str:
    """Decree 118/2025 Art. 22(4): the document code is the holder's identifier (personal identifier or enterprise
    code) and the document-type code. Raises :class:`InvalidCode` when either part is missing or malformed."""
    holder = str(holder_id or "").strip().upper()
    kind = normalise_type_code(type_code)
    if not _HOLDER.match(holder):
        raise InvalidCode(f"holder identifier {holder_id!r} must be 1–20 letters, digits or hyphens")
    if not _TYPE.match(kind):
        raise InvalidCode(f"document-type code {type_code!r} must be 1–60 letters, digits, dots, hyphens, underscores")
    return f"{holder}{CODE_SEPARATOR}{kind}"


def split_document_code(code: str) -> tuple[str, str]:
    """The holder's identifier and the document-type code of a document code (the inverse of :func:`document_code`)."""
    holder, sep, kind = str(code or "").partition(CODE_SEPARATOR)
    if not sep:
        raise InvalidCode(f"{code!r} is not a document code")
    document_code(holder, kind)
    return holder, kind


@dataclass(frozen=True)
class DigitalData:
    """The minimum data fields of a document's electronic data (Decree 118/2025 Art. 19(2))."""

    document_type_code: str = ""
    holder_id: str = ""
    holder_name: str = ""
    # Only required when the holder has no identifier (Art. 19(2)).
    holder_birth_year: str = ""
    issued_on: str = ""
    issuer: str = ""
    document_name: str = ""
    summary: str = ""
    valid_until: str = ""  # ISO date; empty with valid_indefinitely for "no time limit"
    valid_indefinitely: bool = False
    validity_scope: str = ""  # optional ("nếu có")
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


FIELD_LABELS = {
    "document_type_code": "Mã loại giấy tờ",
    "holder_id": "Số định danh của tổ chức, cá nhân",
    "holder_name": "Họ tên",
    "holder_birth_year": "Năm sinh",
    "issued_on": "Ngày cấp",
    "issuer": "Cơ quan cấp",
    "document_name": "Tên giấy tờ",
    "summary": "Trích yếu nội dung",
    "valid_until": "Thời hạn có hiệu lực",
    "validity_scope": "Phạm vi có hiệu lực",
}


def missing_fields(data: DigitalData) -> list[str]:
    """The Art. 19(2) fields ``data`` lacks, in the article's order (names of :class:`DigitalData`)."""
    missing = []
    if not data.document_type_code:
        missing.append("document_type_code")
    if not data.holder_id:
        missing.extend(k for k in ("holder_name", "holder_birth_year", "issued_on", "issuer") if not getattr(data, k))
    if not data.document_name:
        missing.append("document_name")
    if not data.summary:
        missing.append("summary")
    if not data.valid_until and not data.valid_indefinitely:
        missing.append("valid_until")
    return missing


def _date(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value or "").strip()
    if text:
        dt.date.fromisoformat(text)  # ValueError on a bad date
    return text


def digital_data(dossier, *, name: str, is_result: bool, given: dict | None) -> DigitalData:
    """The data of a document added to ``dossier``: what the officer gave (``given``), else the dossier's applicant
    and, for a result, the procedure's result-type code in the catalog (Art. 22(4)). Raises ``ValueError`` on a bad
    date."""
    given = dict(given or {})
    type_code = normalise_type_code(given.get("document_type_code", ""))
    if not type_code and is_result:
        result = dossier.procedure_version.results.exclude(code="").order_by("position").first()
        type_code = normalise_type_code(result.code) if result else ""
    holder = dossier.applicant_personal_id or dossier.applicant_enterprise_code or ""
    return DigitalData(
        document_type_code=type_code, holder_id=str(given.get("holder_id") or holder).strip(),
        holder_name=str(given.get("holder_name") or dossier.applicant_name or "").strip(),
        holder_birth_year=str(given.get("holder_birth_year") or "").strip(),
        issued_on=_date(given.get("issued_on")), issuer=str(given.get("issuer") or "").strip(),
        document_name=name, summary=str(given.get("summary") or "").strip()[:1000],
        valid_until=_date(given.get("valid_until")), valid_indefinitely=bool(given.get("valid_indefinitely")),
        validity_scope=str(given.get("validity_scope") or "").strip()[:500])


def as_pdf(content: bytes, content_type: str) -> bytes | None:
    """The bytes as a PDF to sign: a PDF as it is; a JPEG, PNG or TIFF (every page) wrapped into PDF pages of the
    image's size at its resolution (200 dpi when it has none); ``None`` for other types. A JPEG is embedded as it is
    (no second lossy compression); other images losslessly."""
    if content_type == "application/pdf":
        return content
    if content_type not in SIGNABLE_TYPES:
        return None
    from fpdf import FPDF
    from PIL import Image, ImageSequence

    pdf = FPDF(unit="pt")
    pdf.set_creator("motcua")
    with Image.open(BytesIO(content)) as image:
        dpi = image.info.get("dpi") or (200, 200)
        scale = 72.0 / float(dpi[0] or 200), 72.0 / float(dpi[1] or dpi[0] or 200)
        frames = [BytesIO(content)] if image.format == "JPEG" else [
            frame.copy() if frame.mode in ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK") else frame.convert("RGB")
            for frame in ImageSequence.Iterator(image)]
        width, height = image.size[0] * scale[0], image.size[1] * scale[1]
        for frame in frames:
            pdf.add_page(format=(width, height))
            pdf.image(frame, x=0, y=0, w=width, h=height)
    return bytes(pdf.output())


def _signer(kind: str, dossier, actor) -> signing.SignerRef:
    agency = dossier.agency
    if kind == signing.OFFICER:
        full = (actor.get_full_name() or "").strip() if hasattr(actor, "get_full_name") else ""
        return signing.SignerRef(signing.OFFICER, actor.get_username(), full or actor.get_username(), agency.name)
    return signing.SignerRef(signing.AGENCY, agency.code, agency.name, agency.name)


def digitise(document, dossier, *, actor, role: str, at: dt.datetime, given: dict | None = None) -> dict:
    """Sign and describe a document just stored by ``services.add_document`` (same transaction). Returns what the
    ``upload_document`` event records (empty for the applicant's uploads, which are not signed).

    A file of a type that cannot carry a PAdES signature, or that cannot be parsed, is kept as received, unsigned,
    and the event and the pages say so. Raises ``services.UploadRejected`` (``no_signing_key``: no key for the
    signer and no demo CA; ``bad_digital_data``: a malformed date)."""
    from .services import UploadRejected

    kind = signature_kind(role, dossier.state)
    if kind is None:
        return {}
    is_result = State(dossier.state) in RESULT_STATES
    try:
        data = digital_data(dossier, name=document.name, is_result=is_result, given=given)
    except ValueError as error:
        raise UploadRejected("bad_digital_data", f"Ngày trong dữ liệu của giấy tờ không hợp lệ: {error}") from error
    try:
        code = document_code(data.holder_id, data.document_type_code)
    except InvalidCode:
        code = ""
    missing = missing_fields(data)
    document.digital_data = data.as_dict() | {"missing": missing, "missing_labels": [FIELD_LABELS[k] for k in missing]}
    document.document_type_code = data.document_type_code
    document.document_code = code
    fields = ["digital_data", "document_type_code", "document_code"]
    summary = {"document_code": code, "missing": missing_fields(data), "signature": ""}
    from PIL import Image

    document.file.seek(0)
    signed = None
    try:
        pdf = as_pdf(document.file.read(), document.content_type)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):  # Pillow: not a readable image
        pdf, summary["unsigned"] = None, "unreadable"
    if pdf is None:
        summary.setdefault("unsigned", "format")
    else:
        metadata = {"DocumentCode": code, "DocumentTypeCode": data.document_type_code, "HolderId": data.holder_id,
                    "HolderName": data.holder_name, "DocumentName": data.document_name, "Summary": data.summary,
                    "ValidUntil": "vô thời hạn" if data.valid_indefinitely else data.valid_until,
                    "ValidityScope": data.validity_scope, "DossierCode": dossier.code}
        reason = ("Ký số bản sao điện tử khi tiếp nhận (Nghị định 118/2025 Điều 17 khoản 1 điểm c)"
                  if kind == signing.OFFICER else
                  "Ký số của cơ quan vào kết quả, thành phần hồ sơ số hóa (Nghị định 118/2025 Điều 19 khoản 2)")
        ref = _signer(kind, dossier, actor)
        try:
            signed = signing.sign_pdf(pdf, ref, reason=reason, location=dossier.agency.name,
                                      metadata=metadata, title=data.document_name, subject=data.summary,
                                      keywords=[k for k in (code, data.document_type_code) if k])
        except signing.SigningUnavailable as error:
            raise UploadRejected("no_signing_key", f"Chưa cấu hình chữ ký số cho người ký: {error}") from error
        except ValueError:
            # A file that passed the type check but cannot be parsed is kept as received and shown as not signed.
            signed, summary["unsigned"] = None, "unreadable"
    if signed is not None:
        document.signed_file.save(f"{uuid.uuid4().hex}.signed.pdf", ContentFile(signed), save=False)
        document.signed_sha256 = hashlib.sha256(signed).hexdigest()
        document.signature_kind = kind
        document.signed_by = signing.signer_name(ref)[:255]
        document.signed_at = at
        fields += ["signed_file", "signed_sha256", "signature_kind", "signed_by", "signed_at"]
        summary["signature"] = kind
        summary["signed_sha256"] = document.signed_sha256
    document.save(update_fields=fields)
    return {"digitised": summary}


def verification(document) -> signing.Verification | None:
    """The verdict on a document's signature for the pages: ``None`` when it was never meant to be signed (an
    applicant's upload), ``unsigned`` when it should be but is not (a format that cannot carry a signature)."""
    if not document.signed_file:
        return signing.Verification("unsigned") if document.digital_data else None
    try:
        with document.signed_file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return signing.Verification("error", detail="missing file")
    return signing.verdict(signing.verify_pdf(content))


POSTED_FIELDS = ("document_type_code", "summary", "valid_until", "validity_scope", "holder_birth_year", "issued_on",
                 "issuer")


def posted_data(post) -> dict:
    """The Art. 19(2) fields an officer typed on the upload form (empty ones left out)."""
    data = {k: str(post.get(k, "")).strip() for k in POSTED_FIELDS if str(post.get(k, "")).strip()}
    if post.get("valid_indefinitely"):
        data["valid_indefinitely"] = True
    return data


def signed_filename(document) -> str:
    """The download name of a signed PDF: the original's stem with ``-da-ky.pdf``."""
    stem = document.filename.rsplit(".", 1)[0] if "." in document.filename else document.filename
    return f"{stem or 'tai-lieu'}-da-ky.pdf"
