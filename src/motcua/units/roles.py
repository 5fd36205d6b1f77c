"""The roles officers hold in agencies, and every role code a dossier, a feedback item or an access-log entry names,
with their Vietnamese labels (issue 15 point 3: one roles enum). Pure: no table, no query; ``models.Membership``
stores a :class:`Role`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CATALOG_OFFICER = "catalog_officer", _("Cán bộ quản lý TTHC")
    DESK_OFFICER = "desk_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    SUPERVISOR = "supervisor", _("Giám sát")


# The sets of roles, each named for what it means (issue 15 point 3: ``OFFICER_ROLES`` was written eight times with
# three meanings). Tuples in the order the officer pages offer them.
HANDLING_ROLES: tuple[str, ...] = (Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER)
"""Who handles a dossier or a feedback item (receives, appraises, approves; Decree 118/2025 Art. 15–22): they act on
it and see the applicant's personal data in full (Law on Personal Data Protection 2025 Art. 3: minimum data)."""
DOSSIER_ROLES: tuple[str, ...] = (*HANDLING_ROLES, Role.SUPERVISOR)
"""Who works with dossiers: those who handle them, and supervisors, who only read them."""
STAFF_ROLES: tuple[str, ...] = tuple(Role.values)
"""Every role an officer holds in an agency, the catalog officer's (who handles no dossier) included."""
APPLICANT = "applicant"
SYSTEM = "system"
# The Vietnamese names of the roles that act without a membership; the membership roles' are ``Role``'s labels.
_ACTOR_LABELS = {APPLICANT: _("Người nộp hồ sơ"), SYSTEM: _("Hệ thống")}


def role_label(role: str | None, *, in_sentence: bool = False) -> str:
    """A role code (``desk_officer``) as people read it (Cán bộ một cửa), in the active language; the code itself
    for an unknown role, "" for none. ``in_sentence``: as written inside a sentence (cán bộ một cửa, cán bộ quản lý
    TTHC: only the first letter changes)."""
    if not role:
        return ""
    label = str(Role(role).label) if role in Role.values else str(_ACTOR_LABELS.get(str(role), role))
    return label[:1].lower() + label[1:] if in_sentence else label
