"""A dossier's documents: :func:`write_document`, the one writer of their rows, files and events, and
:func:`add_document` (an uploaded file: checks, scan, then the writer). Registry extracts and files from the citizen's
store come through the writer too (:mod:`motcua.dossiers.evidence`)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.catalog.models import RequiredDocument

from .. import digitisation, documents
from ..models import Dossier, DossierDocument
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

    def may_upload(dossier: Dossier) -> None:
        if not documents.may_upload(dossier.state, role):
            raise UploadRejected("upload_not_allowed_in_state",
                                 f"A {role} cannot add documents to a dossier in state '{dossier.state}'.")

    incoming = Incoming(body=upload, stored_name=documents.stored_name(file_type), filename=filename,
                        content_type=file_type.mime, size=size, sha256=sha256, name=name)
    # Decree 118/2025 Art. 17(1)(c), 19(2), 22(4): officers' scans and results are signed and described.
    return write_document(dossier_code, incoming, actor=actor, role=role, at=at, required_document=required_document,
                          allowed=may_upload, expected_version=expected_version, digitise=True,
                          digital_data=digital_data)


@dataclass(frozen=True)
class Incoming:
    """A file to write as a dossier document: its bytes and how they are described.

    ``body`` is a Django ``File`` (an upload, a ``ContentFile``); ``stored_name`` the generated name in the document
    store; ``filename`` the name shown and downloaded; ``name`` the display name (the required document's, or the
    file name, when empty). ``columns`` sets further :class:`~motcua.dossiers.models.DossierDocument` columns (kind,
    provenance, the service index's reuse flags) and ``event_data`` adds to the ``upload_document`` event's data."""

    body: Any
    stored_name: str
    filename: str
    content_type: str
    size: int
    sha256: str
    name: str = ""
    columns: dict[str, Any] = field(default_factory=dict)
    event_data: dict[str, Any] = field(default_factory=dict)


def write_document(dossier_code: str, incoming: Incoming, *, actor, role: str, at: datetime,
                   required_document: int | None, allowed: Callable[[Dossier], None],
                   expected_version: int | None = None, digitise: bool = False,
                   digital_data: dict | None = None) -> DossierDocument:
    """The one writer of a dossier's documents: uploads and desk scans (:func:`add_document`), registry extracts and
    files from the citizen's store (:func:`motcua.dossiers.evidence.attach`) all come through here.

    In one transaction, with the dossier locked: the version (when ``expected_version`` is given), the actor's role
    (:func:`.actors.check_actor`), ``allowed(dossier)`` (the caller's rule of when such a document may be added; it
    raises :class:`UploadRejected`), that ``required_document`` is a component of the dossier's procedure version;
    then the file is stored, the row inserted, (``digitise``) signed and described (:mod:`..digitisation`), and the
    ``upload_document`` event appended with the version bumped. Anything failing removes the stored files."""
    stored = None
    document = None
    try:
        with transaction.atomic():
            dossier = lock_dossier(dossier_code, expected_version)
            check_actor(dossier, actor, role)
            allowed(dossier)
            component = None
            if required_document is not None:
                component = RequiredDocument.objects.filter(pk=required_document,
                                                            version_id=dossier.procedure_version_id).first()
                if component is None:
                    raise UploadRejected("unknown_required_document",
                                         f"{required_document} is not a component of this dossier's procedure.")
            display = (str(incoming.name or "").strip()[:500]
                       or (component.name[:500] if component else incoming.filename[:500]))
            document = DossierDocument(dossier=dossier, required_document=component, name=display,
                                       filename=incoming.filename, content_type=incoming.content_type,
                                       size=incoming.size, sha256=incoming.sha256, uploaded_by=actor,
                                       uploaded_role=role, uploaded_at=at, **incoming.columns)
            _store_file(document, incoming.stored_name, incoming.body)
            stored = document.file.name
            document.save(force_insert=True)
            digitised = (digitisation.digitise(document, dossier, actor=actor, role=role, at=at, given=digital_data)
                         if digitise else {})
            record_change(dossier, action=documents.UPLOAD_ACTION, actor=actor, role=role, at=at, fields=[],
                          data={"document": document.pk, "name": display, "filename": incoming.filename,
                                "content_type": incoming.content_type, "size": incoming.size,
                                "sha256": incoming.sha256, "required_document": component.pk if component else None,
                                **incoming.event_data, **digitised})
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
