"""Every write of the personal data store (issue 4 point 7): results issued by motcua land in the applicant's store
(:func:`keep_results`), the citizen keeps files (:func:`keep_upload`, :func:`keep_dossier_document`) or removes them
(:func:`remove`), and a later dossier reuses an item instead of an upload (:func:`reuse`), recorded per dossier
document (``StoreItemUse`` and the document's flags).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import digitisation, evidence
from motcua.dossiers import documents as dossier_documents
from motcua.dossiers.documents import UPLOAD_ACTION
from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument, DossierEvent
from motcua.dossiers.transitions import Role, State
from motcua.exchange.rules import clip_words

from . import rules
from .models import ItemSource, StoreItem, StoreItemUse

# Officers' files attached once the result was approved are the electronic result (Decree 45/2020 Art. 10; the same
# rule as the citizen's result download).
RESULT_FROM_STATES = (State.APPROVED, State.RESULT_ISSUED)


class StoreError(Exception):
    """The store refuses: ``rule`` is a stable key (not_found, removed, not_matching, type_not_allowed, empty_file,
    file_too_large)."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(message)


def _kind_of(*names: str) -> str:
    for name in names:
        kind = rules.evidence_kind(name)
        if kind is not None:
            return kind.key
    return ""


def owner_of(dossier: Dossier):
    """The citizen whose store receives the dossier's result: the applicant's account, or the account whose verified
    personal ID (e-identification link; the user-name convention outside production) is the applicant's."""
    if dossier.applicant_user_id:
        return dossier.applicant_user
    if dossier.applicant_personal_id:
        from motcua.exchange.models import PersonLink
        from motcua.exchange.queries import personal_id_of

        link = PersonLink.objects.filter(personal_id=dossier.applicant_personal_id).select_related("user").first()
        if link is not None:
            return link.user
        user = get_user_model().objects.filter(username=dossier.applicant_personal_id).first()
        if user is not None and personal_id_of(user) == dossier.applicant_personal_id:
            return user  # outside production only (the demo convention), never an officer account
    return None


def result_documents(dossier: Dossier) -> list[DossierDocument]:
    ids = [e.data.get("document") for e in DossierEvent.objects.filter(
        dossier=dossier, action=UPLOAD_ACTION, from_state__in=[str(s) for s in RESULT_FROM_STATES]).exclude(
        role=Role.APPLICANT)]
    return list(DossierDocument.objects.filter(pk__in=[i for i in ids if i]).order_by("pk"))


def keep_results(dossier: Dossier, at: datetime | None = None) -> list[StoreItem]:
    """Put the dossier's electronic result documents in the applicant's store (idempotent: a document lands once)."""
    owner = owner_of(dossier)
    if owner is None:
        return []
    at = at or timezone.now()
    results = list(dossier.procedure_version.results.values_list("name", flat=True))
    kept = []
    for document in result_documents(dossier):
        if StoreItem.objects.filter(owner=owner, origin_document=document).exists():
            continue
        item = StoreItem(owner=owner, title=document.name[:500], kind=_kind_of(document.name, *results),
                         source=ItemSource.ISSUED_RESULT, origin_dossier=dossier, origin_document=document,
                         issuer=dossier.agency.name[:255], filename=document.filename,
                         content_type=document.content_type, size=document.size, sha256=document.sha256, added_at=at)
        item.file.name = document.file.name  # the same stored file: the result is not copied
        if document.signed_file:  # the signed PDF with its document code is what is kept (Decree 118/2025 Art. 22(4))
            item.file.name, item.content_type = document.signed_file.name, "application/pdf"
            item.filename, item.sha256 = digitisation.signed_filename(document), document.signed_sha256
            item.size = document.signed_file.size
        try:
            with transaction.atomic():
                item.save(force_insert=True)
        except IntegrityError:  # kept concurrently
            continue
        kept.append(item)
    return kept


def on_dossier_event(event: DossierEvent) -> None:
    """Called for every new dossier event (signal receiver, same transaction): issuing the result, or an officer's
    file added after the result was issued, lands in the applicant's store."""
    if event.action == "issue_result" or (event.action == UPLOAD_ACTION and event.from_state == State.RESULT_ISSUED
          and event.role != Role.APPLICANT):
        keep_results(event.dossier, event.at)


def _inspect(upload) -> tuple[dossier_documents.FileType, int, str]:
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise StoreError("empty_file", "The file is empty.")
    if size > dossier_documents.max_bytes():
        raise StoreError("file_too_large", f"The file has {size} bytes; the limit is {dossier_documents.max_bytes()}.")
    upload.seek(0)
    head = upload.read(dossier_documents.SNIFF_BYTES)
    file_type = dossier_documents.sniff(head)
    if file_type is None or file_type.key not in dossier_documents.allowed_types():
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
    item = StoreItem(owner=owner, title=title, kind=_kind_of(title), source=ItemSource.KEPT,
                     filename=dossier_documents.name_for_type(getattr(upload, "name", ""), file_type),
                     content_type=file_type.mime, size=size, sha256=sha256, added_at=at or timezone.now())
    item.file.save(dossier_documents.stored_name(file_type), upload, save=False)
    try:
        item.save(force_insert=True)
    except BaseException:
        item.file.storage.delete(item.file.name)
        raise
    return item


def keep_dossier_document(owner, document: DossierDocument, at: datetime | None = None) -> StoreItem:
    """The citizen keeps a document they submitted with a dossier (idempotent)."""
    if document.dossier.applicant_user_id != owner.pk or document.uploaded_role != Role.APPLICANT:
        raise StoreError("not_found", "Only your own submitted documents can be kept.")
    existing = StoreItem.objects.filter(owner=owner, origin_document=document).first()
    if existing is not None:
        return existing
    name = document.required_document.name if document.required_document_id else document.name
    item = StoreItem(owner=owner, title=document.name[:500], kind=_kind_of(name, document.name),
                     source=ItemSource.KEPT, origin_dossier=document.dossier, origin_document=document,
                     filename=document.filename, content_type=document.content_type, size=document.size,
                     sha256=document.sha256, added_at=at or timezone.now())
    item.file.name = document.file.name
    item.save(force_insert=True)
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


def reuse(owner, item_id: int, dossier_code: str, required_document: int,
          at: datetime | None = None) -> DossierDocument:
    """Use a store item as the dossier's document for ``required_document`` instead of an upload: a copy of the file
    becomes a dossier document flagged "taken from the personal store" (and "reused from digitised data" for an
    electronic result), with an ``upload_document`` event, and the use is recorded. Raises :class:`StoreError`
    (``not_found``, ``removed``, ``not_matching``) and what :func:`motcua.dossiers.evidence.attach` raises."""
    at = at or timezone.now()
    item = StoreItem.objects.filter(pk=item_id, owner=owner).first()
    if item is None:
        raise StoreError("not_found", "No such item in your store.")
    if item.removed_at is not None:
        raise StoreError("removed", "This item was removed from your store.")
    component = RequiredDocument.objects.filter(pk=required_document).first()
    if component is None or not rules.matches(component.name, item.kind, item.title):
        raise StoreError("not_matching", "This stored document is not the kind of evidence the component asks for.")
    with item.file.open("rb") as handle:
        content = handle.read()
    provenance = {"store_item": item.pk, "source": item.source, "title": item.title, "issuer": item.issuer,
                  "origin_dossier": item.origin_dossier.code if item.origin_dossier_id else "",
                  "sha256": item.sha256, "added_at": item.added_at}
    proof = evidence.Evidence(content=content, filename=item.filename or "tai-lieu", content_type=item.content_type,
                              name=component.name, kind=DocumentKind.PERSONAL_STORE, provenance=provenance,
                              from_personal_store=True,
                              reused_from_digitised=item.source == ItemSource.ISSUED_RESULT)
    with transaction.atomic():
        document = evidence.attach(dossier_code, proof, required_document=component.pk, actor=owner,
                                   role=Role.APPLICANT, at=at)
        StoreItemUse.objects.create(item=item, dossier=document.dossier, document=document, used_at=at)
    return document


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


def replace_by_registry(user, dossier_code: str, required_document: int, at: datetime | None = None
                        ) -> DossierDocument:
    """Attach to the citizen's own dossier, instead of ``required_document``, the extract of the registry that holds
    its data (issue 4 point 2, API path): a self-service read bound to the dossier (exchange.services.fetch logs
    it), then the extract as evidence with its provenance and flags. Raises :class:`StoreError` (``not_found``,
    ``not_replaceable``), the exchange's errors (``RegistryUnavailable``: upload instead; ``AccessRefused``) and
    what :func:`motcua.dossiers.evidence.attach` raises."""
    from motcua.exchange import registries
    from motcua.exchange import services as exchange
    from motcua.exchange.queries import personal_id_of

    dossier = Dossier.objects.filter(code=dossier_code, applicant_user=user).select_related("procedure").first()
    if dossier is None:
        raise StoreError("not_found", "No such dossier of yours.")
    component = RequiredDocument.objects.filter(pk=required_document, version_id=dossier.procedure_version_id).first()
    kind = rules.evidence_kind(component.name) if component is not None else None
    if component is None or not component.replaceable_by_registry or kind is None or not kind.registry:
        raise StoreError("not_replaceable", "Registry data cannot replace this component.")
    personal_id = personal_id_of(user) or ""
    result = exchange.fetch(kind.registry, personal_id, attributes=kind.attributes, actor=user, role="citizen",
                            dossier_code=dossier.code, procedure_code=dossier.procedure.code,
                            purpose=f"Thay thế giấy tờ “{clip_words(component.name, 200)}” trong hồ sơ {dossier.code}")
    spec = registries.SPECS[result.registry]
    proof = evidence.registry_extract(
        registry=result.registry, label=result.source, authority=result.authority, identifier=result.identifier,
        fields=result.values, labels=dict(spec.attributes), fetched_at=result.fetched_at, document_name=component.name,
        population=rules.replaced_by_population_data(result.registry))
    proof.provenance["access_log_entry"] = result.log_entry_id
    return evidence.attach(dossier.code, proof, required_document=component.pk, actor=None, role=Role.SYSTEM, at=at)
