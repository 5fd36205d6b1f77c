"""Reads of the personal data store, and the reuse figures the supervision and the service index read.

The reuse figures are counted over the dossiers, above the store: the dossiers register the counting
(:func:`register_reuse_figures`, in their ``AppConfig.ready()``; ``motcua.dossiers.personal_store_figures``), and
:func:`reuse_figures` answers with it (issue 15 point 4: the store knows no dossier table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

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


ReuseCounter = Callable[[Agency | str | None, tuple[datetime, datetime]], ReuseFigures]
_counter: ReuseCounter | None = None


def register_reuse_figures(counter: ReuseCounter) -> None:
    """``counter(agency, (start, end))`` → the :class:`ReuseFigures` of the dossiers submitted in the period."""
    global _counter
    _counter = counter


def reuse_figures(agency: Agency | str | None, period: tuple[datetime, datetime]) -> ReuseFigures:
    """Once-only figures for dossiers submitted in ``[start, end)`` at ``agency`` and the agencies below it (all
    agencies when ``None``): the share of applicant fields prefilled from registries, of required components replaced
    by registry data or reused (personal store, digitised results), and of dossiers from VNeID level-2 accounts.
    All zero when no package counts them (the dossiers are not installed)."""
    if _counter is None:
        return ReuseFigures(dossiers=0, applicant_fields=0, prefilled_fields=0, components=0, replaced_by_data=0,
                            replaced_by_population_data=0, reused_from_digitised=0, from_personal_store=0,
                            verified_accounts=0)
    return _counter(agency, period)
