"""Who sees which dossiers through the API, and in which role a user acts on one (issue 3 point 10).

- **Officers** (desk officer, specialist, leader) see the dossiers of the agencies they hold a role in, and of those
  agencies' child units (a province's committee sees its service centre's and communes' dossiers). They act in the
  roles they hold there.
- **Supervisors** see, read-only, every dossier of their province or ministry (agencies whose code is the root code
  of their own, ``H01`` and ``H01.*``), or every dossier when they supervise at the Government Office (``VPCP``).
- **Applicants** see their own dossiers: those they submitted online (``Dossier.applicant_user``) and those whose
  applicant's personal identification number is their verified one (the e-identification's link; outside
  production, the demo convention of a citizen account named by it).
- Anything else is not found (404): the existence of a dossier is not revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from motcua.units.models import Membership
from motcua.units.queries import under_codes

from ..models import Dossier
from ..transitions import Role, allowed_actions

GOVERNMENT_OFFICE = "VPCP"
OFFICER_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
# The order in which a user's roles are tried when the client does not name one.
ROLE_ORDER = (Role.APPLICANT, Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)


@dataclass
class Viewer:
    user: object
    roles_by_agency: dict[int, set[str]] = field(default_factory=dict)
    supervisor_roots: set[str] = field(default_factory=set)
    supervises_all: bool = False
    personal_id: str = ""

    @property
    def officer_agencies(self) -> set[int]:
        return set(self.roles_by_agency)

    def is_desk_officer_of(self, agency_id: int, parent_id: int | None) -> bool:
        return any(Role.DESK_OFFICER in self.roles_by_agency.get(a, ()) for a in (agency_id, parent_id) if a)


def viewer_for(user) -> Viewer:
    """The user's memberships, read once per request."""
    viewer = Viewer(user=user)
    if user is None or not user.is_authenticated:
        return viewer
    rows = Membership.objects.filter(user=user).values_list("agency_id", "agency__code", "role")
    for agency_id, code, role in rows:
        if role in OFFICER_ROLES:
            viewer.roles_by_agency.setdefault(agency_id, set()).add(role)
        elif role == Role.SUPERVISOR:
            root = code.split(".")[0]
            if root == GOVERNMENT_OFFICE:
                viewer.supervises_all = True
            viewer.supervisor_roots.add(root)
    # The verified personal ID (the e-identification link; the user-name convention only outside production and
    # only for accounts without an officer role): a user name alone proves nothing (issue 12 point 2).
    from motcua.exchange.queries import personal_id_of

    viewer.personal_id = personal_id_of(user) or ""
    return viewer


def visible(viewer: Viewer, queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """The dossiers ``viewer`` may read."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    if viewer.user is None:
        return queryset.none()
    if viewer.supervises_all:
        return queryset
    condition = Q(applicant_user=viewer.user)
    if viewer.personal_id:
        condition |= Q(applicant_personal_id=viewer.personal_id)
    if viewer.roles_by_agency:
        agencies = viewer.officer_agencies
        condition |= Q(agency_id__in=agencies) | Q(agency__parent_id__in=agencies)
    if viewer.supervisor_roots:
        condition |= under_codes(viewer.supervisor_roots, "agency__code")
    return queryset.filter(condition)


def is_applicant(viewer: Viewer, dossier: Dossier) -> bool:
    if viewer.user is None:
        return False
    if dossier.applicant_user_id is not None:
        return dossier.applicant_user_id == viewer.user.pk
    return bool(viewer.personal_id) and dossier.applicant_personal_id == viewer.personal_id


def acting_roles(viewer: Viewer, dossier: Dossier) -> list[str]:
    """The roles in which the viewer may act on the dossier (supervisors only read), in :data:`ROLE_ORDER`."""
    held: set[str] = set()
    for agency_id in (dossier.agency_id, dossier.agency.parent_id):
        held |= viewer.roles_by_agency.get(agency_id, set()) if agency_id else set()
    if is_applicant(viewer, dossier):
        held.add(Role.APPLICANT)
    return [str(r) for r in ROLE_ORDER if r in held]


def actions_for_roles(state: str, roles: Iterable[str]) -> list[str]:
    """Every action one of ``roles`` may take in ``state``, without duplicates."""
    out: list[str] = []
    for role in roles:
        for action in allowed_actions(state, role):
            if action not in out:
                out.append(action)
    return out


def sees_personal_data(viewer: Viewer, dossier: Dossier) -> bool:
    """Issue 12 point 15: the applicant's personal ID and phone in full for its applicant and the officers who may act
    on it; masked for readers only (supervisors)."""
    return bool(acting_roles(viewer, dossier))
