"""Administrative units (34 provinces, 3,321 communes since 1/7/2025), agencies and officers' roles."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    COMMUNE = "commune", _("Xã, phường, đặc khu")


class AdministrativeUnit(models.Model):
    """A province or commune, with its official statistical code (General Statistics Office)."""

    level = models.CharField(max_length=10, choices=UnitLevel.choices)
    code = models.PositiveIntegerField(help_text="Official statistical code (provinces 1–96).")
    name = models.CharField(max_length=200)
    division_type = models.CharField(max_length=40)
    province = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="communes")

    class Meta:
        ordering = ["level", "code"]
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="unit_level_code_unique")]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ")
    MINISTRY_LEVEL = "ministry_level", _("Cơ quan ngang bộ")
    CENTRAL_OTHER = "central_other", _("Cơ quan trung ương khác")
    PROVINCIAL_COMMITTEE = "provincial_committee", _("UBND tỉnh, thành phố")
    DEPARTMENT = "department", _("Sở, ngành")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    COMMUNE_COMMITTEE = "commune_committee", _("UBND xã, phường, đặc khu")


class AgencyLevel(models.TextChoices):
    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


def _t(h: int, m: int = 0) -> dt.time:
    return dt.time(h, m)


class Agency(models.Model):
    """A public body that implements procedures and receives dossiers.

    Codes are stable: ministries by their abbreviation (``BTP``), provincial bodies ``H<province code>``
    (``H38`` for Thanh Hóa, also the suffix of a localised procedure code), departments ``H38.<dept>``, the service
    centre ``H38.TTPVHCC``, communes ``H38.X<commune code>``.

    Office hours and the cut-off follow domain.md §2 (defaults 07:30–11:30, 13:00–17:00, cut-off 15:00) and can be
    changed per agency.
    """

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    level = models.CharField(max_length=10, choices=AgencyLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    unit = models.ForeignKey(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="agencies")
    morning_start = models.TimeField(default=dt.time(7, 30))
    morning_end = models.TimeField(default=dt.time(11, 30))
    afternoon_start = models.TimeField(default=dt.time(13, 0))
    afternoon_end = models.TimeField(default=dt.time(17, 0))
    cutoff = models.TimeField(default=dt.time(15, 0), help_text="Dossiers received after this count from the next "
                              "working day (the 15:00 rule).")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    def office_hours(self):
        """The agency's office hours as the calendar's value object."""
        from motcua.core.calendar import OfficeHours

        return OfficeHours(
            periods=((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)),
            cutoff=self.cutoff,
        )


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


class Membership(models.Model):
    """An officer's role in an agency. One officer may hold several roles, in several agencies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency.code}"
