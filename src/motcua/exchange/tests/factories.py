"""Builders for exchange tests: a citizen account, an officer with a dossier of their agency, a grant."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from motcua.dossiers.tests.factories import AGENCY, officer, procedure, submitted
from motcua.exchange import services

AN = "001090012345"  # demo citizen Nguyễn Văn An (Hà Nội, male, 1990)
BINH = "001185004321"  # demo citizen Trần Thị Bình
PROCEDURE = "1.000001"

__all__ = ["AGENCY", "AN", "BINH", "PROCEDURE", "citizen", "officer", "officer_case", "procedure", "submitted"]


def citizen(personal_id: str = AN, *, linked: bool = False):
    """A citizen account whose user name is the personal ID (the demo convention), optionally with a PersonLink."""
    user, _ = get_user_model().objects.get_or_create(username=personal_id if not linked else f"u{personal_id}")
    if linked:
        services.link_person(user, personal_id, source="test")
    return user


def officer_case(role: str = "specialist", *, registry: str = "population", granted: bool = True,
                 procedures: tuple[str, ...] = ()):
    """(officer, dossier) at :data:`AGENCY`, with a grant for ``registry`` when ``granted``."""
    procedure(PROCEDURE)
    dossier = submitted(PROCEDURE)
    user = officer(f"{role}-x", role)
    if granted:
        services.grant(AGENCY, registry, procedure_codes=procedures, legal_basis="Nghị định 59/2022/NĐ-CP")
    return user, dossier
