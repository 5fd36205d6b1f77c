"""Who may draw which report: the Government Office's supervisors every scope; a province's (or ministry's)
supervisors their own province's scopes; an agency's leaders their agency (and the units under it)."""

from __future__ import annotations

from motcua.dossiers.access import GOVERNMENT_OFFICE, viewer_for
from motcua.units.models import Membership

from .monthly import ReportScope


def allowed_roots(user) -> tuple[bool, set[str], set[str]]:
    """(every scope, supervised root codes such as ``H01`` or ``BTP``, agency codes the user leads)."""
    if user is None or not user.is_authenticated:
        return False, set(), set()
    if user.is_superuser:
        return True, set(), set()
    viewer = viewer_for(user)
    led = set(Membership.objects.filter(user=user, role="leader").values_list("agency__code", flat=True))
    return viewer.supervises_all, viewer.supervisor_roots - {GOVERNMENT_OFFICE}, led


def may_draw(user, scope: ReportScope) -> bool:
    everything, roots, led = allowed_roots(user)
    if everything:
        return True
    if scope.kind == "national":
        return False
    if scope.kind == "province":
        return f"H{scope.code}" in roots
    root = scope.code.split(".")[0]
    return root in roots or any(scope.code == c or scope.code.startswith(c + ".") for c in led)


def scope_choices(user) -> list[tuple[str, str]]:
    """The scopes offered in the form, the widest first (the agencies' names in one query)."""
    everything, roots, led = allowed_roots(user)
    choices: list[tuple[str, str]] = []
    if everything:
        choices.append(("national", "Cả nước"))
    from motcua.units.models import Agency

    names = dict(Agency.objects.filter(code__in=roots | led).values_list("code", "name"))
    for code in sorted(roots):
        kind = f"province:{code[1:]}" if code.startswith("H") and code[1:].isdigit() else f"agency:{code}"
        choices.append((kind, names.get(code, code)))
    for code in sorted(led):
        choices.append((f"agency:{code}", names.get(code, code)))
    return choices
