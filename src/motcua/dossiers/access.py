"""Who may see a dossier, and in which roles a user acts on it: one rule for the API, the officer pages and the
citizen pages (issue 3 point 10; issue 15 point 3: it was written three times).

- **Officers** (the handling roles: desk officer, specialist, leader) see the dossiers of the agencies they hold a role
  in, and of those agencies' child units (a province's committee sees its service centre's and communes' dossiers).
  They act in the roles they hold there (Decree 118/2025 Art. 15–22).
- **Supervisors** see, read-only, every dossier of their province or ministry (agencies whose code is the root code
  of their own, ``H01`` and ``H01.*``), or every dossier when they supervise at the central agency of the day
  (``core.central``: the Government Office ``VPCP`` until 4/8/2026, the Ministry of Justice ``BTP`` from 5/8/2026).
- **Applicants** see their own dossiers: those they submitted online (``Dossier.applicant_user``) and those whose
  applicant's personal identification number is their verified one (the e-identification's link; outside
  production, the demo convention of a citizen account named by it).
- A deactivated account sees nothing. Anything else is not found (404): the existence of a dossier is not revealed.

The rule is a QuerySet method, ``Dossier.objects.visible_to(user)`` (:func:`visible`); a page that serves one
relationship only narrows it (the officer pages: ``as_applicant=False``; the citizen pages: ``as_officer=False``).
The officer pages also need the user's roles per agency for the whole queue (:func:`officer_scope`): the same rule,
read from the same memberships (:func:`viewer_for`), as a mapping of agency ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core import central
from motcua.core.ttlcache import MISSING, TTLCache
from motcua.units.models import Agency, Membership
from motcua.units.queries import under_codes
from motcua.units.roles import APPLICANT, DOSSIER_ROLES, HANDLING_ROLES
from motcua.units.roles import Role as MembershipRole

from .transitions import allowed_actions

if TYPE_CHECKING:
    from .models import Dossier

GOVERNMENT_OFFICE = central.GOVERNMENT_OFFICE  # read by reports.access
# The order in which a user's roles are tried when the client does not name one.
ROLE_ORDER = (APPLICANT, *HANDLING_ROLES)


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
        return any(MembershipRole.DESK_OFFICER in self.roles_by_agency.get(a, ())
                   for a in (agency_id, parent_id) if a)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and getattr(user, "is_active", True)


def viewer_for(user, *, as_applicant: bool = True) -> Viewer:
    """The user's memberships, read once per request (and the verified personal ID when ``as_applicant``)."""
    if not _active(user):
        return Viewer(user=None)
    viewer = Viewer(user=user)
    rows = Membership.objects.filter(user=user, role__in=DOSSIER_ROLES).values_list("agency_id", "agency__code", "role")
    for agency_id, code, role in rows:
        if role in HANDLING_ROLES:
            viewer.roles_by_agency.setdefault(agency_id, set()).add(role)
        else:  # a supervisor
            root = code.split(".")[0]
            if central.supervises_everything({root}, timezone.now()):
                viewer.supervises_all = True
            viewer.supervisor_roots.add(root)
    if as_applicant:
        # The verified personal ID (the e-identification link; the user-name convention only outside production and
        # only for accounts without an officer role): a user name alone proves nothing (issue 12 point 2).
        from motcua.exchange.queries import personal_id_of

        viewer.personal_id = personal_id_of(user) or ""
    return viewer


def visible(viewer: Viewer, queryset: QuerySet[Dossier] | None = None, *, as_applicant: bool = True,
            as_officer: bool = True, proved_codes: Iterable[str] = ()) -> QuerySet[Dossier]:
    """The dossiers ``viewer`` may read: as their applicant, and as an officer or supervisor of their agency (either
    relationship may be left out); and, on the citizen's pages, the dossiers whose applicant's personal ID, enterprise
    code or phone the visitor gave in this session (``proved_codes``, signed in or not)."""
    if queryset is None:
        from .models import Dossier

        queryset = Dossier.objects.all()
    proved = [str(code) for code in proved_codes]
    condition = Q(code__in=proved) if proved else Q(pk__in=[])
    if viewer.user is None:
        return queryset.filter(condition) if proved else queryset.none()
    if as_officer and viewer.supervises_all:
        return queryset
    if as_applicant:
        condition |= Q(applicant_user=viewer.user)
        if viewer.personal_id:
            condition |= Q(applicant_personal_id=viewer.personal_id)
    if as_officer and viewer.roles_by_agency:
        agencies = viewer.officer_agencies
        condition |= Q(agency_id__in=agencies) | Q(agency__parent_id__in=agencies)
    if as_officer and viewer.supervisor_roots:
        condition |= under_codes(viewer.supervisor_roots, "agency__code")
    return queryset.filter(condition)


def is_applicant(viewer: Viewer, dossier: Dossier) -> bool:
    """The viewer is the dossier's applicant: the account that submitted it, or — for a dossier entered at the desk
    or submitted without an account — the person whose verified personal ID is the applicant's."""
    if viewer.user is None:
        return False
    if dossier.applicant_user_id is not None:
        return dossier.applicant_user_id == viewer.user.pk
    return bool(viewer.personal_id) and dossier.applicant_personal_id == viewer.personal_id


def is_applicant_user(user, dossier: Dossier) -> bool:
    """:func:`is_applicant` for a user, without reading their memberships: the verified personal ID is read only when
    the dossier has no account (the citizen's pages, and the services when someone acts as the applicant)."""
    if not _active(user):
        return False
    if dossier.applicant_user_id is not None:
        return dossier.applicant_user_id == user.pk
    from motcua.exchange.queries import personal_id_of

    own = personal_id_of(user)
    return bool(own) and own == dossier.applicant_personal_id


def acting_roles(viewer: Viewer, dossier: Dossier) -> list[str]:
    """The roles in which the viewer may act on the dossier (supervisors only read), in :data:`ROLE_ORDER`."""
    held: set[str] = set()
    for agency_id in (dossier.agency_id, dossier.agency.parent_id):
        held |= viewer.roles_by_agency.get(agency_id, set()) if agency_id else set()
    if is_applicant(viewer, dossier):
        held.add(APPLICANT)
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


def handles(roles: Iterable[str]) -> bool:
    """Whether one of ``roles`` handles dossiers (issue 12 point 15: whoever handles the dossier sees the applicant's
    personal ID and phone in full; a reader who does not, a supervisor, sees them masked)."""
    return any(r in HANDLING_ROLES for r in roles)


def holds_role(user, role: str) -> bool:
    """Whether the (active) user holds ``role`` in some agency (the catalog officer's pages)."""
    return _active(user) and Membership.objects.filter(user=user, role=role).exists()


# The officer pages' scope -----------------------------------------------------------------------------------------

# Shared caches of the officer pages (issue 3 "Speed": the queue's first page ran nine queries, four of them the same
# answer for every page of the same officer). Like the API token cache (core/auth.py) and for the same reasons
# (core.ttlcache, Django's default cache): a change through the ORM applies on every server at once (a membership, an
# agency or a user saved or deleted), a bulk write within MOTCUA_QUEUE_CACHE_SECONDS (default 5; 0 turns it off).


def _queue_cache_seconds() -> float:
    from .queries import queue_cache_seconds

    return queue_cache_seconds()


def _scope_senders() -> tuple[type, ...]:
    from django.contrib.auth import get_user_model

    return (Membership, Agency, get_user_model())


_scopes = TTLCache("officer-scopes", _queue_cache_seconds, _scope_senders)  # user id → roles by agency


def clear_scope_cache() -> None:
    _scopes.clear()


def officer_scope(user) -> Mapping[int, tuple[str, ...]]:
    """The dossier roles ``user`` holds, by agency id — :func:`visible`'s officer rule as agency ids, for the queue:
    each handling role in its agency and the agencies directly under it, the supervisor's role in every agency of its
    province or ministry (all of them at the Government Office). Roles in :data:`DOSSIER_ROLES` order.

    Cached per process by user id (see above); the answer is read-only (a mapping of tuples) since it is shared by the
    user's requests."""
    if not _active(user):
        return MappingProxyType({})
    scope = _scopes.get(user.pk)
    if scope is MISSING:
        scope = {agency: tuple(roles) for agency, roles in _scope_of(viewer_for(user, as_applicant=False)).items()}
        _scopes.put(user.pk, scope)
    return MappingProxyType(scope)


def _scope_of(viewer: Viewer) -> dict[int, list[str]]:
    scope: dict[int, list[str]] = {}
    if viewer.supervises_all or viewer.supervisor_roots:
        agencies = Agency.objects.all() if viewer.supervises_all else Agency.objects.filter(
            under_codes(viewer.supervisor_roots))
        for target in agencies.values_list("pk", flat=True):
            scope[target] = [MembershipRole.SUPERVISOR]
    children = dict(Agency.objects.filter(parent_id__in=viewer.officer_agencies).values_list("pk", "parent_id"))
    for agency_id, held in viewer.roles_by_agency.items():
        for target in [agency_id, *(c for c, p in children.items() if p == agency_id)]:
            roles = scope.setdefault(target, [])
            roles.extend(r for r in held if r not in roles)
    for roles in scope.values():
        roles.sort(key=DOSSIER_ROLES.index)
    return {agency: [str(r) for r in roles] for agency, roles in scope.items()}
