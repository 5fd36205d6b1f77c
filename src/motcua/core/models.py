"""Shared tables of the core: calendar exceptions an administrator adds as data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ bổ sung")
    WORKING_DAY = "working_day", _("Ngày làm việc bù")


class CalendarException(models.Model):
    """A day off or make-up working day announced by the government for a year (domain.md §2).

    Takes effect on the next calculation, without a code change. ``agency`` empty means nationwide.
    """

    date = models.DateField()
    kind = models.CharField(max_length=12, choices=CalendarExceptionKind.choices)
    reason = models.CharField(max_length=255, blank=True)
    agency = models.ForeignKey("units.Agency", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="calendar_exceptions")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date"], condition=models.Q(agency__isnull=True),
                                    name="calendar_exception_national_unique"),
            models.UniqueConstraint(fields=["date", "agency"], name="calendar_exception_agency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
