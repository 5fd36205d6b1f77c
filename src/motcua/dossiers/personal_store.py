"""The dossiers' side of the personal data store (kho dữ liệu cá nhân; issue 4 points 2 and 7).

The store (``motcua.exchange.store``) sits below the dossiers and knows none of their tables (issue 15 point 4);
what joins a dossier and the store is written here, through the store's public writers:

- results issued by motcua land in the applicant's store (:func:`keep_results`, called for every new dossier event
  by :func:`on_dossier_event`; Decree 45/2020 Art. 10: the electronic result is stored in the citizen's data store);
- the citizen keeps a document they submitted (:func:`keep_dossier_document`);
- a later dossier reuses a stored item instead of an upload (:func:`reuse`), recorded per dossier document
  (``StoreItemUse`` and the document's flags);
- a component is replaced by registry data (:func:`replace_by_registry`; Decree 118/2025 Art. 17(1)(b): a
  component whose electronic data can be read from a national database is not asked for again).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.exchange.rules import clip_words
from motcua.exchange.store import rules as store_rules
from motcua.exchange.store import services as store
from motcua.exchange.store.models import ItemSource, StoreItem
from motcua.exchange.store.services import StoreError

from . import digitisation, evidence, queries
from .documents import UPLOAD_ACTION
from .models import DocumentKind, Dossier, DossierDocument, DossierEvent
from .transitions import Role, State

__all__ = ["RESULT_FROM_STATES", "StoreError", "keep_dossier_document", "keep_results", "on_dossier_event", "owner_of",
           "replace_by_registry", "result_documents", "reuse"]

# Officers' files attached once the result was approved are the electronic result (Decree 45/2020 Art. 10; the same
# rule as the citizen's result download).
RESULT_FROM_STATES = queries.RESULT_UPLOAD_STATES


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
    """The dossier's electronic result documents (the one rule, :func:`.queries.result_document_ids`)."""
    ids = queries.result_document_ids(dossier)
    return list(DossierDocument.objects.filter(dossier=dossier, pk__in=ids).order_by("pk"))


def keep_results(dossier: Dossier, at: datetime | None = None) -> list[StoreItem]:
    """Put the dossier's electronic result documents in the applicant's store (idempotent: a document lands once)."""
    owner = owner_of(dossier)
    if owner is None:
        return []
    at = at or timezone.now()
    results = tuple(dossier.procedure_version.results.values_list("name", flat=True))
    kept = []
    for document in result_documents(dossier):
        stored = {"stored_file": document.file.name, "filename": document.filename,
                  "content_type": document.content_type, "size": document.size, "sha256": document.sha256}
        if document.signed_file:  # the signed PDF with its document code is what is kept (Decree 118/2025 Art. 22(4))
            stored = {"stored_file": document.signed_file.name, "filename": digitisation.signed_filename(document),
                      "content_type": "application/pdf", "size": document.signed_file.size,
                      "sha256": document.signed_sha256}
        item = store.keep_issued_result(owner, title=document.name, kinds=(document.name, *results),
                                        dossier_id=dossier.pk, document_id=document.pk, issuer=dossier.agency.name,
                                        at=at, **stored)
        if item is not None:
            kept.append(item)
    return kept


def on_dossier_event(event: DossierEvent) -> None:
    """Called for every new dossier event (same transaction): issuing the result, or an officer's file added after
    the result was issued, lands in the applicant's store."""
    if event.action == "issue_result" or (event.action == UPLOAD_ACTION and event.from_state == State.RESULT_ISSUED
          and event.role != Role.APPLICANT):
        keep_results(event.dossier, event.at)


def keep_dossier_document(owner, document: DossierDocument, at: datetime | None = None) -> StoreItem:
    """The citizen keeps a document they submitted with a dossier (idempotent)."""
    if document.dossier.applicant_user_id != owner.pk or document.uploaded_role != Role.APPLICANT:
        raise StoreError("not_found", "Only your own submitted documents can be kept.")
    name = document.required_document.name if document.required_document_id else document.name
    return store.keep_from_case(owner, title=document.name, kinds=(name, document.name),
                                dossier_id=document.dossier_id, document_id=document.pk, filename=document.filename,
                                content_type=document.content_type, size=document.size, sha256=document.sha256,
                                stored_file=document.file.name, at=at)


def _provenance(item: StoreItem) -> dict:
    origin = (Dossier.objects.filter(pk=item.origin_dossier_id).values_list("code", flat=True).first() or ""
              if item.origin_dossier_id else "")
    return {"store_item": item.pk, "source": item.source, "title": item.title, "issuer": item.issuer,
            "origin_dossier": origin, "sha256": item.sha256, "added_at": item.added_at}


def reuse(owner, item_id: int, dossier_code: str, required_document: int,
          at: datetime | None = None) -> DossierDocument:
    """Use a store item as the dossier's document for ``required_document`` instead of an upload: a copy of the file
    becomes a dossier document flagged "taken from the personal store" (and "reused from digitised data" for an
    electronic result), with an ``upload_document`` event, and the use is recorded. Raises :class:`StoreError`
    (``not_found``, ``removed``, ``not_matching``) and what :func:`motcua.dossiers.evidence.attach` raises."""
    at = at or timezone.now()
    item = store.usable_item(owner, item_id)
    component = RequiredDocument.objects.filter(pk=required_document).first()
    if component is None or not store_rules.matches(component.name, item.kind, item.title):
        raise StoreError("not_matching", "This stored document is not the kind of evidence the component asks for.")
    with item.file.open("rb") as handle:
        content = handle.read()
    proof = evidence.Evidence(content=content, filename=item.filename or "tai-lieu", content_type=item.content_type,
                              name=component.name, kind=DocumentKind.PERSONAL_STORE, provenance=_provenance(item),
                              from_personal_store=True,
                              reused_from_digitised=item.source == ItemSource.ISSUED_RESULT)
    with transaction.atomic():
        document = evidence.attach(dossier_code, proof, required_document=component.pk, actor=owner,
                                   role=Role.APPLICANT, at=at)
        store.record_use(item, dossier_id=document.dossier_id, document_id=document.pk, at=at)
    return document


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
    kind = store_rules.evidence_kind(component.name) if component is not None else None
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
        population=store_rules.replaced_by_population_data(result.registry))
    proof.provenance["access_log_entry"] = result.log_entry_id
    return evidence.attach(dossier.code, proof, required_document=component.pk, actor=None, role=Role.SYSTEM, at=at)
