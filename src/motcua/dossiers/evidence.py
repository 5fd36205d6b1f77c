"""Documents that are not uploads (issue 4 points 2 and 7): a registry extract attached instead of a paper the
registry replaces, and a document taken from the citizen's personal data store. Both are dossier documents with their
provenance and the service index's reuse flags, and each appends an ``upload_document`` event like an upload does
(so the dossier's timeline, version and hash chain cover them).

Also :func:`record_sources`: the applicant's e-identification level and the prefilled fields of a new dossier.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from . import documents
from .models import DocumentKind, Dossier, DossierDocument
from .services import DossierNotFound, UploadRejected
from .services.documents import Incoming, write_document
from .transitions import Role, State

# Evidence is attached while the applicant completes the dossier (the submission, a supplement).
EVIDENCE_STATES = frozenset({State.SUBMITTED, State.RECEIPT_SUPPLEMENT_REQUESTED, State.SUPPLEMENT_REQUESTED})


@dataclass(frozen=True)
class Evidence:
    """What to attach: the bytes and how to describe them."""

    content: bytes
    filename: str
    content_type: str
    name: str
    kind: str
    provenance: dict = field(default_factory=dict)
    reused_from_digitised: bool = False
    from_personal_store: bool = False
    replaced_by_population_data: bool = False


# Issue 14 point 11: the extract's file is named in Vietnamese (it was ``trich-xuat-population.json``).
EXTRACT_FILE_NAMES = {"population": "du-lieu-dan-cu", "civil_status": "du-lieu-ho-tich", "residence": "du-lieu-cu-tru",
                      "business": "du-lieu-dang-ky-doanh-nghiep", "social_insurance": "du-lieu-bao-hiem"}


def extract_filename(registry: str, label: str = "") -> str:
    """``trich-xuat-du-lieu-dan-cu.json`` for the population registry; another registry by its label, folded."""
    from motcua.core.text import terms

    stem = EXTRACT_FILE_NAMES.get(registry) or "-".join(terms(label)[:8]) or registry
    return f"trich-xuat-{stem}.json"


def registry_extract(*, registry: str, label: str, authority: str, identifier: str, fields: dict[str, Any],
                     labels: dict[str, str], fetched_at: datetime, document_name: str,
                     population: bool) -> Evidence:
    """The extract of a registry lookup as a JSON document that says where each value came from and when."""
    body = {"type": "registry_extract", "document": document_name, "registry": registry, "registry_label": label,
            "authority": authority, "identifier": identifier, "fetched_at": fetched_at,
            "fields": [{"name": k, "label": labels.get(k, k), "value": v} for k, v in fields.items()]}
    content = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")
    provenance = {"registry": registry, "label": label, "authority": authority,
                  "fetched_at": timezone.localtime(fetched_at),
                  "fields": sorted(fields), "field_labels": [labels.get(k, k) for k in sorted(fields)]}
    return Evidence(content=content, filename=extract_filename(registry, label), content_type="application/json",
                    name=document_name, kind=DocumentKind.REGISTRY_EXTRACT, provenance=provenance,
                    reused_from_digitised=not population, replaced_by_population_data=population)


def attach(dossier_code: str, evidence: Evidence, *, required_document: int | None, actor, role: str,
           at: datetime | None = None) -> DossierDocument:
    """Attach ``evidence`` as a document of the dossier, with an ``upload_document`` event carrying its kind and
    provenance, through the one writer of dossier documents (:func:`.services.documents.write_document`). Raises
    :class:`UploadRejected` (``upload_not_allowed_in_state``, ``unknown_required_document``, ``storage_full``),
    :class:`DossierNotFound`, :class:`~motcua.dossiers.services.ActorNotAllowed`."""

    def while_completing(dossier: Dossier) -> None:
        if State(dossier.state) not in EVIDENCE_STATES:
            raise UploadRejected("upload_not_allowed_in_state",
                                 f"Evidence cannot be added to a dossier in state '{dossier.state}'.")

    extension = "." + evidence.filename.rsplit(".", 1)[-1] if "." in evidence.filename else ""
    incoming = Incoming(
        body=ContentFile(evidence.content), stored_name=f"{uuid.uuid4().hex}{extension[:10]}",
        filename=documents.name_for_type(evidence.filename, evidence.content_type),
        content_type=evidence.content_type, size=len(evidence.content),
        sha256=hashlib.sha256(evidence.content).hexdigest(), name=evidence.name,
        columns={"kind": evidence.kind, "provenance": evidence.provenance,
                 "reused_from_digitised": evidence.reused_from_digitised,
                 "from_personal_store": evidence.from_personal_store,
                 "replaced_by_population_data": evidence.replaced_by_population_data},
        event_data={"kind": str(evidence.kind), "provenance": evidence.provenance})
    return write_document(dossier_code, incoming, actor=actor, role=role, at=at or timezone.now(),
                          required_document=required_document, allowed=while_completing)


def record_sources(dossier_code: str, *, identity_level: int, prefill: dict | None) -> None:
    """Store, on a dossier being submitted (same transaction as the submission), the applicant's e-identification
    level and which applicant fields the registries filled (``{"fields": {name: source}, "applicant_fields": n}``).

    Called right after ``services.submit`` in the same transaction, before any other change (version 1): no reader
    sees the dossier without them. Each registry lookup behind the prefill is in the exchange's access log."""
    prefill = dict(prefill or {})
    if prefill:
        # The count beside the fields, so that the figures sum it in the database instead of reading every row.
        prefill["prefilled"] = len(prefill.get("fields") or {})
        prefill["applicant_fields"] = int(prefill.get("applicant_fields") or 0)
    updated = Dossier.objects.filter(code=dossier_code, state=State.SUBMITTED, version=1).update(
        applicant_identity_level=max(0, min(int(identity_level or 0), 2)), prefill=prefill)
    if not updated:
        raise DossierNotFound(dossier_code)


__all__ = ["EVIDENCE_STATES", "Evidence", "Role", "attach", "record_sources", "registry_extract"]
