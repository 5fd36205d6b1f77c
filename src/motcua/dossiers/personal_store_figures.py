"""The once-only reuse figures (issue 4 points 7 and 10), counted over the dossiers and registered with the personal
data store (``motcua.exchange.store.queries.register_reuse_figures``) in ``DossiersConfig.ready()``: the store's
``reuse_figures``, the exchange's supervision figures and ``motcua store figures`` answer with them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from motcua.exchange.store.queries import ReuseFigures
from motcua.units.models import Agency

from .models import DocumentKind, Dossier, DossierDocument


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
