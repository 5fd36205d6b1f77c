"""Reads of the personal data store, and the reuse figures the supervision and the service index read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument
from motcua.units.models import Agency

from . import rules
from .models import StoreItem


def items_of(owner) -> QuerySet[StoreItem]:
    """The owner's items in the store (not removed), newest first."""
    return StoreItem.objects.filter(owner=owner, removed_at__isnull=True).select_related("origin_dossier")


def offers(owner, required_documents) -> dict[int, list[StoreItem]]:
    """For each required document, the owner's stored items that can stand for it (``rules.matches``)."""
    if owner is None or not owner.is_authenticated:
        return {}
    items = list(items_of(owner))
    if not items:
        return {}
    out: dict[int, list[StoreItem]] = {}
    for doc in required_documents:
        found = [i for i in items if rules.matches(doc.name, i.kind, i.title)]
        if found:
            out[doc.pk] = found
    return out


def _agency_ids(agency: Agency | str | None) -> list[int] | None:
    """The agency and every agency below it (a province takes its departments and communes)."""
    if agency is None:
        return None
    root = agency if isinstance(agency, Agency) else Agency.objects.filter(code=agency).first()
    if root is None:
        return []
    ids, frontier = {root.pk}, [root.pk]
    while frontier:
        frontier = list(Agency.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids.update(frontier)
    return list(ids)


@dataclass(frozen=True)
class ReuseFigures:
    dossiers: int
    applicant_fields: int
    prefilled_fields: int
    components: int  # dossier documents answering a required document
    replaced_by_data: int  # registry extracts
    replaced_by_population_data: int
    reused_from_digitised: int
    from_personal_store: int
    verified_accounts: int  # dossiers submitted with a VNeID level-2 account

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def prefilled_share(self) -> float | None:
        return self._share(self.prefilled_fields, self.applicant_fields)

    @property
    def replaced_or_reused_share(self) -> float | None:
        reused = self.replaced_by_data + self.from_personal_store + self.reused_from_digitised_only
        return self._share(reused, self.components)

    reused_from_digitised_only: int = 0  # digitised reuse not already counted as a registry extract or store item

    @property
    def verified_share(self) -> float | None:
        return self._share(self.verified_accounts, self.dossiers)

    def as_dict(self) -> dict:
        return {"dossiers": self.dossiers, "applicant_fields": self.applicant_fields,
                "prefilled_fields": self.prefilled_fields, "prefilled_share": self.prefilled_share,
                "components": self.components, "replaced_by_data": self.replaced_by_data,
                "replaced_by_population_data": self.replaced_by_population_data,
                "reused_from_digitised": self.reused_from_digitised, "from_personal_store": self.from_personal_store,
                "replaced_or_reused_share": self.replaced_or_reused_share,
                "verified_accounts": self.verified_accounts, "verified_share": self.verified_share}


def reuse_figures(agency: Agency | str | None, period: tuple[datetime, datetime]) -> ReuseFigures:
    """Once-only figures for dossiers submitted in ``[start, end)`` at ``agency`` and the agencies below it (all
    agencies when ``None``): the share of applicant fields prefilled from registries, of required components replaced
    by registry data or reused (personal store, digitised results), and of dossiers from VNeID level-2 accounts."""
    start, end = period
    dossiers = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    ids = _agency_ids(agency)
    if ids is not None:
        dossiers = dossiers.filter(agency_id__in=ids)
    counts = dossiers.aggregate(
        n=Count("pk"), verified=Count("pk", filter=Q(applicant_identity_level__gte=2)),
        # Summed in the database: dossiers.evidence.record_sources stores both counts in the prefill object.
        prefilled=Sum(Cast(KeyTextTransform("prefilled", "prefill"), IntegerField())),
        applicant_fields=Sum(Cast(KeyTextTransform("applicant_fields", "prefill"), IntegerField())))
    applicant_fields, prefilled = counts["applicant_fields"] or 0, counts["prefilled"] or 0
    docs = DossierDocument.objects.filter(dossier__in=dossiers, required_document__isnull=False).aggregate(
        components=Count("pk"),
        extracts=Count("pk", filter=Q(kind=DocumentKind.REGISTRY_EXTRACT)),
        population=Count("pk", filter=Q(replaced_by_population_data=True)),
        digitised=Count("pk", filter=Q(reused_from_digitised=True)),
        digitised_only=Count("pk", filter=Q(reused_from_digitised=True) & Q(kind=DocumentKind.UPLOAD)),
        store=Count("pk", filter=Q(from_personal_store=True)),
    )
    return ReuseFigures(dossiers=counts["n"], applicant_fields=applicant_fields, prefilled_fields=prefilled,
                        components=docs["components"], replaced_by_data=docs["extracts"],
                        replaced_by_population_data=docs["population"], reused_from_digitised=docs["digitised"],
                        from_personal_store=docs["store"], verified_accounts=counts["verified"],
                        reused_from_digitised_only=docs["digitised_only"])
