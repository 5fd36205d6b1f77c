"""A dossier's documents: :func:`add_document` (an uploaded file: checks, scan, storage, signing)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
from datetime import datetime

from django.db import transaction

from motcua.catalog.models import RequiredDocument

from .. import digitisation, documents
from ..models import DossierDocument
from .actors import check_actor
from .errors import UploadRejected
from .events import at_or_now, lock_dossier, record_change


def _inspect_upload(upload) -> tuple[documents.FileType, int, str]:
    """Size, type from the bytes and SHA-256 of an uploaded file (rewound afterwards)."""
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise UploadRejected("empty_file", "The file is empty.")
    limit = documents.max_bytes()
    if size > limit:
        raise UploadRejected("file_too_large", f"The file has {size} bytes; the limit is {limit}.", limit=limit)
    upload.seek(0)
    head = upload.read(documents.SNIFF_BYTES)
    file_type = documents.sniff(head)
    allowed = documents.allowed_types()
    if file_type is None or file_type.key not in allowed:
        found = file_type.key if file_type else "unknown"
        raise UploadRejected("type_not_allowed",
                             f"The file's content is {found}; accepted: {', '.join(allowed)}.", allowed=list(allowed))
    digest = hashlib.sha256(head)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return file_type, size, digest.hexdigest()


def add_document(dossier_code: str, upload, *, actor, role: str, required_document: int | None = None,
                 name: str = "", expected_version: int | None = None, at: datetime | None = None,
                 digital_data: dict | None = None) -> DossierDocument:
    """Store an uploaded file as a document of the dossier (issue 3 point 8) and append an ``upload_document`` event.

    ``upload`` is a Django ``File`` (``UploadedFile``). Checked before anything is stored: size and type limits
    (:mod:`..documents`), the content type from the bytes, the scan hook. Then, with the dossier locked: the version
    (when ``expected_version`` is given), the actor's role, that ``role`` may add documents in the current state,
    and that ``required_document`` is a component of the dossier's procedure version. Raises
    :class:`UploadRejected`, :class:`DossierNotFound`, :class:`VersionConflict`, :class:`ActorNotAllowed`.
    """
    at = at_or_now(at)
    file_type, size, sha256 = _inspect_upload(upload)
    filename = documents.name_for_type(getattr(upload, "name", ""), file_type)  # extension = sniffed type
    try:
        documents.scanner()(upload, name=filename, content_type=file_type.mime, size=size)
    except Exception as error:  # any failure of the hook rejects the file
        raise UploadRejected("rejected_by_scanner", f"The file was rejected by the scan: {error}") from error
    finally:
        upload.seek(0)
    stored = None
    try:
        with transaction.atomic():
            dossier = lock_dossier(dossier_code, expected_version)
            check_actor(dossier, actor, role)
            if not documents.may_upload(dossier.state, role):
                raise UploadRejected("upload_not_allowed_in_state",
                                     f"A {role} cannot add documents to a dossier in state '{dossier.state}'.")
            component = None
            if required_document is not None:
                component = RequiredDocument.objects.filter(pk=required_document,
                                                            version_id=dossier.procedure_version_id).first()
                if component is None:
                    raise UploadRejected("unknown_required_document",
                                         f"{required_document} is not a component of this dossier's procedure.")
            display = str(name or "").strip()[:500] or (component.name[:500] if component else filename)
            document = DossierDocument(dossier=dossier, required_document=component, name=display,
                                       filename=filename, content_type=file_type.mime, size=size, sha256=sha256,
                                       uploaded_by=actor, uploaded_role=role, uploaded_at=at)
            _store_file(document, documents.stored_name(file_type), upload)
            stored = document.file.name
            document.save(force_insert=True)
            # Decree 118/2025 Art. 17(1)(c), 19(2), 22(4): officers' scans and results are signed and described.
            digitised = digitisation.digitise(document, dossier, actor=actor, role=role, at=at, given=digital_data)
            record_change(dossier, action=documents.UPLOAD_ACTION, actor=actor, role=role, at=at, fields=[],
                          data={"document": document.pk, "name": display, "filename": filename,
                                 "content_type": file_type.mime, "size": size, "sha256": sha256,
                                 "required_document": component.pk if component else None, **digitised})
    except BaseException:
        if stored:
            DossierDocument._meta.get_field("file").storage.delete(stored)
            if document.signed_file:
                DossierDocument._meta.get_field("signed_file").storage.delete(document.signed_file.name)
        raise
    return document


STORAGE_FULL = (errno.ENOSPC, errno.EDQUOT)


def _store_file(document: DossierDocument, name: str, upload) -> None:
    """Write the upload to the document store. A write that fails part-way (the disk full) leaves no partial file:
    Django's file storage does not remove what it wrote, so the generated name is removed here. A full store is an
    :class:`UploadRejected` (``storage_full``) the caller turns into a clear message; other failures propagate."""
    try:
        document.file.save(name, upload, save=False)
    except OSError as error:
        storage = document.file.storage
        partial = document.file.field.generate_filename(document, name)
        with contextlib.suppress(OSError):
            if storage.exists(partial):
                storage.delete(partial)
        if error.errno in STORAGE_FULL:
            raise UploadRejected("storage_full", "The document store is full: the file was not stored.") from error
        raise
