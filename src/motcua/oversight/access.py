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
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=DRILL_ROLES).exists()
