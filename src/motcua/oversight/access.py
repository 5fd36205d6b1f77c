"""Who may see what in oversight.

The service index and the one-stop evaluation are published figures (DVCQG publishes the index): anyone may read
them. The lists of dossiers behind a figure are for supervisors, leaders and staff (they name dossier codes, never
applicants)."""

from __future__ import annotations

from motcua.units.models import Membership

DRILL_ROLES = ("supervisor", "leader")


def may_drill(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:  # staff status alone is for the admin site, not a role (issue 12 point 15)
        return True
    return Membership.objects.filter(user=user, role__in=DRILL_ROLES).exists()


def watch_agencies(user) -> set[int] | None:
    """The agencies whose open dossiers the dashboard's watch list shows to ``user``: every agency (``None``) for the
    Government Office's supervisors and administrators, their province's or ministry's agencies for other
    supervisors, their own agencies (and the units under them) for leaders; an empty set for anyone else. The
    memberships are read by :func:`motcua.dossiers.access.viewer_for`, as for every other visibility rule."""
    from motcua.dossiers.access import viewer_for
    from motcua.units.models import Agency
    from motcua.units.queries import under_codes

    if not may_drill(user):
        return set()
    if user.is_superuser:
        return None
    viewer = viewer_for(user)
    if viewer.supervises_all:
        return None
    led = {aid for aid, roles in viewer.roles_by_agency.items() if "leader" in roles}
    codes = set(viewer.supervisor_roots) | set(Agency.objects.filter(pk__in=led).values_list("code", flat=True))
    return set(Agency.objects.filter(under_codes(codes)).values_list("pk", flat=True))


def drill_scope(user) -> set[int] | None:
    """The agencies whose dossiers the index drill-down may list to ``user`` (issue 12 point 15: a commune's leader
    lists their commune's dossier codes, not the nation's): the same scope as the watch list."""
    return watch_agencies(user)


def viewer_scope(user) -> str | None:
    """The index scope an oversight page starts at for ``user`` (issue 14 point 7): ``province:<code>`` for a
    province's supervisor, ``ministry:<code>`` for a ministry's, ``None`` (the nation) for the Government Office,
    administrators, anyone supervising several roots and anyone who is not a supervisor (published figures)."""
    from motcua.dossiers.access import viewer_for

    from . import index

    if user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    viewer = viewer_for(user)
    if viewer.supervises_all or len(viewer.supervisor_roots) != 1:
        return None
    (root,) = viewer.supervisor_roots
    d = index.directory()
    info = d.by_code.get(root)
    if info is None:
        return None
    if info.ministry_id == info.id:
        return f"ministry:{info.code}"
    if info.province_id is not None:
        return f"province:{d.provinces[info.province_id][0]}"
    return None


def supervisor_roots(user) -> set[str] | None:
    """The agency code roots a supervisor's review pages start at (``None``: national)."""
    from motcua.dossiers.access import viewer_for

    if user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    viewer = viewer_for(user)
    if viewer.supervises_all or not viewer.supervisor_roots:
        return None
    return set(viewer.supervisor_roots)


_UNSET = object()


def page_scope(user, requested: str | None, own=_UNSET) -> tuple[str, bool]:
    """The scope an oversight page shows to ``user`` (issue 14 point 7) and whether the one asked for was refused.

    ``requested`` is the ``scope`` parameter (``None`` when absent, ``""`` for the nation). A viewer who is not a
    province's or ministry's supervisor (the Government Office, administrators, the public reading published
    figures) gets what they ask for. A province's or ministry's supervisor starts at their own scope and may look
    inside it (a commune, an agency of theirs), never outside: another province, another ministry or the nation
    gives their own scope back, with ``True`` so that the page says so (a scope that does not parse too; for other
    viewers it is left for the page to refuse with a 400)."""
    from . import index

    if own is _UNSET:
        own = viewer_scope(user)
    if own is None:
        return requested or "", False
    if requested is None or requested == own:
        return own, False
    if not requested:
        return own, True
    d = index.directory()
    try:
        inside = index.Scope.parse(requested).agencies(d)
    except index.IndexError_:
        return own, True
    if inside and inside <= index.Scope.parse(own).agencies(d):
        return requested, False
    return own, True


def catalog_procedures(roots: set[str]) -> set[int]:
    """The procedures the provinces or ministries of ``roots`` (agency codes such as ``H01`` or ``BTP``) are
    answerable for, by the index's catalog rule (a province: procedures at province or commune level, national or
    its own; a ministry: those naming it competent or implementing)."""
    from . import index
    from .models import CatalogFact

    d = index.directory()
    keys = set()
    for code in roots:
        info = d.by_code.get(code)
        if info is None:
            continue
        if info.ministry_id == info.id:
            keys.add(("ministry", info.id))
        elif info.province_id is not None:
            keys.add(("province", info.province_id))
    return {cf.procedure_id for cf in CatalogFact.objects.only("procedure_id", "levels", "province_id", "ministry_id")
            if any(index.applies(cf, key) for key in keys)}
