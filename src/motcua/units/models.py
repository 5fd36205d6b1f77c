"""Administrative units (34 provinces, 3,321 communes since 1/7/2025), agencies and officers' roles."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role as Role  # re-exported: the memberships' roles


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


class Membership(models.Model):
    """An officer's role in an agency. One officer may hold several roles, in several agencies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency.code}"
