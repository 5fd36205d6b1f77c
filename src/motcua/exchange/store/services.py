"""Every write of the personal data store (issue 4 point 7): the citizen keeps files (:func:`keep_upload`) or removes
them (:func:`remove`); the catalog's reuse flags (:func:`flag_catalog_documents`).

The store knows no dossier internals (issue 15 point 4): the dossiers, above it, file their results and their
applicants' documents into it (:func:`keep_issued_result`, :func:`keep_from_case`) and record a reuse
(:func:`usable_item`, :func:`record_use`) — ``motcua.dossiers.personal_store``. An item names the case and the
document it came from by their ids only.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.core import files

from . import rules
from .models import ItemSource, StoreItem, StoreItemUse


class StoreError(Exception):
    """The store refuses: ``rule`` is a stable key (not_found, removed, not_matching, type_not_allowed, empty_file,
    file_too_large)."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


def kind_of(*names: str) -> str:
    """The evidence kind (``rules.KINDS`` key) of the first of ``names`` that has one, else ``""``."""
    for name in names:
        kind = rules.evidence_kind(name)
        if kind is not None:
            return kind.key
    return ""


def keep_issued_result(owner, *, title: str, kinds: tuple[str, ...], dossier_id: int, document_id: int,
                       issuer: str, filename: str, content_type: str, size: int, sha256: str, stored_file: str,
                       at: datetime) -> StoreItem | None:
    """File an electronic result issued by a case into ``owner``'s store (Decree 45/2020 Art. 10), pointing at the
    same stored file (not copied). ``kinds``: names to take the evidence kind from. Idempotent: ``None`` when the
    document is already in the store (also when filed concurrently)."""
    if StoreItem.objects.filter(owner=owner, origin_document_id=document_id).exists():
        return None
    item = StoreItem(owner=owner, title=title[:500], kind=kind_of(*kinds), source=ItemSource.ISSUED_RESULT,
                     origin_dossier_id=dossier_id, origin_document_id=document_id, issuer=issuer[:255],
                     filename=filename, content_type=content_type, size=size, sha256=sha256, added_at=at)
    item.file.name = stored_file
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:  # kept concurrently
        return None
    return item


def keep_from_case(owner, *, title: str, kinds: tuple[str, ...], dossier_id: int, document_id: int, filename: str,
                   content_type: str, size: int, sha256: str, stored_file: str,
                   at: datetime | None = None) -> StoreItem:
    """The citizen keeps a document they submitted with a case (the same stored file; idempotent). Whether it is
    theirs is the caller's check (``motcua.dossiers.personal_store.keep_dossier_document``)."""
    existing = StoreItem.objects.filter(owner=owner, origin_document_id=document_id).first()
    if existing is not None:
        return existing
    item = StoreItem(owner=owner, title=title[:500], kind=kind_of(*kinds), source=ItemSource.KEPT,
                     origin_dossier_id=dossier_id, origin_document_id=document_id, filename=filename,
                     content_type=content_type, size=size, sha256=sha256, added_at=at or timezone.now())
    item.file.name = stored_file
    item.save(force_insert=True)
    return item


def usable_item(owner, item_id: int) -> StoreItem:
    """``owner``'s item ``item_id``, still in the store. Raises :class:`StoreError` (``not_found``, ``removed``)."""
    item = StoreItem.objects.filter(pk=item_id, owner=owner).first()
    if item is None:
        raise StoreError("not_found", "No such item in your store.")
    if item.removed_at is not None:
        raise StoreError("removed", "This item was removed from your store.")
    return item


def record_use(item: StoreItem, *, dossier_id: int, document_id: int, at: datetime) -> StoreItemUse:
    """Record (append-only) that ``item`` became the case's document ``document_id`` instead of an upload."""
    return StoreItemUse.objects.create(item=item, dossier_id=dossier_id, document_id=document_id, used_at=at)


def _inspect(upload) -> tuple[files.FileType, int, str]:
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise StoreError("empty_file", "The file is empty.")
    if size > files.max_bytes():
        raise StoreError("file_too_large", f"The file has {size} bytes; the limit is {files.max_bytes()}.")
    upload.seek(0)
    head = upload.read(files.SNIFF_BYTES)
    file_type = files.sniff(head)
    if file_type is None or file_type.key not in files.allowed_types():
        raise StoreError("type_not_allowed", "Send a PDF or an image (JPEG, PNG, TIFF).")
    digest = hashlib.sha256(head)
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return file_type, size, digest.hexdigest()


def keep_upload(owner, upload, title: str, at: datetime | None = None) -> StoreItem:
    """The citizen keeps a file in their store (type from the bytes, size limit, like dossier uploads)."""
    title = (title or "").strip()[:500]
    if not title:
        raise StoreError("title_required", "Name the document.")
    file_type, size, sha256 = _inspect(upload)
    item = StoreItem(owner=owner, title=title, kind=kind_of(title), source=ItemSource.KEPT,
                     filename=files.name_for_type(getattr(upload, "name", ""), file_type),
                     content_type=file_type.mime, size=size, sha256=sha256, added_at=at or timezone.now())
    item.file.save(files.stored_name(file_type), upload, save=False)
    try:
        item.save(force_insert=True)
    except BaseException:
        item.file.storage.delete(item.file.name)
        raise
    return item


def remove(owner, item_id: int, at: datetime | None = None) -> StoreItem:
    """Take an item out of the store: it is no longer offered; past reuses stay recorded."""
    with transaction.atomic():
        item = StoreItem.objects.select_for_update().filter(pk=item_id, owner=owner).first()
        if item is None:
            raise StoreError("not_found", "No such item in your store.")
        if item.removed_at is None:
            item.removed_at = at or timezone.now()
            item.save(update_fields=["removed_at"])
    return item


def flag_catalog_documents(version_ids=None) -> tuple[int, int]:
    """Set the catalog's reuse flags of required documents from their names (:func:`rules.catalog_flags`): a paper
    whose data a base registry holds is replaceable by registry data; a paper issued as a procedure's result is
    reusable. Flags already set (by a catalog officer) are kept. Returns (replaceable, reusable) counts set now."""
    documents = RequiredDocument.objects.all()
    if version_ids is not None:
        documents = documents.filter(version_id__in=list(version_ids))
    replaceable, reusable = [], []
    for pk, name, is_replaceable, is_reusable in documents.values_list(
            "pk", "name", "replaceable_by_registry", "reusable_from_result").iterator(chunk_size=2000):
        can_replace, can_reuse = rules.catalog_flags(name)
        if can_replace and not is_replaceable:
            replaceable.append(pk)
        if can_reuse and not is_reusable:
            reusable.append(pk)
    with transaction.atomic():
        for start in range(0, len(replaceable), 500):
            RequiredDocument.objects.filter(pk__in=replaceable[start:start + 500]).update(replaceable_by_registry=True)
        for start in range(0, len(reusable), 500):
            RequiredDocument.objects.filter(pk__in=reusable[start:start + 500]).update(reusable_from_result=True)
    return len(replaceable), len(reusable)
