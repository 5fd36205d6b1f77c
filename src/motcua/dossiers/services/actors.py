"""Who may act on a dossier: officers in a role they hold in the receiving agency's tree, the applicant on
their own dossier, the system only on a dossier it opened for an automatic decision (Decree 224/2026 Art. 16(4))."""

from __future__ import annotations

from motcua.units.models import Agency, Membership

from .. import access
from ..models import Dossier, DossierEvent
from ..transitions import Action, Role
from .errors import ActorNotAllowed


def agency_root(agency_id: int) -> int:
    seen = set()
    current = agency_id
    while current not in seen:
        seen.add(current)
        parent = Agency.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        if parent is None:
            return current
        current = parent
    return current


def check_actor(dossier: Dossier, actor, role: str, action: str = "") -> None:
    """Officers act in a role they hold in the receiving agency's tree (its ministry or province); the applicant
    only on their own dossier; the system without a user. Finer routing to units is the queues' concern."""
    if role == Role.SYSTEM:
        if actor is not None:
            raise ActorNotAllowed("System actions have no user.")
        check_automatic_decision(dossier, action)
        return
    if role == Role.APPLICANT:
        if dossier.applicant_user_id is not None and (actor is None or actor.pk != dossier.applicant_user_id):
            raise ActorNotAllowed("Only the applicant acts as the applicant.")
        if dossier.applicant_user_id is None and actor is not None and not access.is_applicant_user(actor, dossier):
            # A desk-entered dossier has no account: "no owner yet" is not ownership (issue 12 point 2). Only the
            # person whose verified personal ID (e-identification) is the applicant's acts as the applicant.
            raise ActorNotAllowed("Only the applicant acts as the applicant.")
        return
    if actor is None:
        raise ActorNotAllowed(f"A {role} action needs the officer who takes it.")
    agencies = list(Membership.objects.filter(user=actor, role=role).values_list("agency_id", flat=True))
    if dossier.agency_id in agencies:
        return
    root = agency_root(dossier.agency_id)
    if any(agency_root(a) == root for a in agencies):
        return
    raise ActorNotAllowed(f"{actor} is not a {role} of {dossier.agency.code} or its parent bodies.")


AUTOMATIC_ACTIONS = frozenset({Action.RECEIVE, Action.ASSIGN, Action.APPROVE})


def check_automatic_decision(dossier: Dossier, action: str) -> None:
    """Decree 224/2026 Art. 16(4)(a): the system receives, takes and decides a dossier without an officer only when
    it opened that dossier itself for an automatic decision (a proactive level-4 trigger whose law allows it): a
    dossier a person or a desk submitted, or a linked group's, is decided by its officers."""
    if action not in AUTOMATIC_ACTIONS:
        return
    opened_by_system = DossierEvent.objects.filter(dossier=dossier, action=Action.SUBMIT, role=Role.SYSTEM).exists()
    if not opened_by_system or dossier.group_code or dossier.group_parent_code or dossier.applicant_user_id:
        raise ActorNotAllowed("The system decides only a dossier it opened for an automatic decision "
                              "(Decree 224/2026 Art. 16(4)).")
