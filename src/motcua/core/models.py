"""Shared tables of the core: calendar exceptions an administrator adds as data, and the background-job outbox."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
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


class CalendarYear(models.Model):
    """A year of the working calendar as the government decided it (domain.md §2): Tết, the day next to 2/9 and the
    swaps are set by notices late in the previous year. Until the notice is recorded (number and date) the year's
    days off and worked days are provisional, and the admin and the calendar API say so.

    A year without a row is provisional when it is later than the latest year with a notice (its days come from the
    ``holidays`` package's statutory calendar only); earlier years without a row are not flagged (history).
    """

    year = models.PositiveSmallIntegerField(unique=True)
    notice_number = models.CharField(_("Số văn bản"), max_length=80, blank=True,
                                     help_text=_("Số hiệu văn bản thông báo lịch nghỉ (vd. 12729/VPCP-KGVX)."))
    notice_date = models.DateField(_("Ngày văn bản"), null=True, blank=True)
    source = models.TextField(_("Nguồn"), blank=True, help_text=_("Nơi đọc được văn bản hoặc tin báo."))
    note = models.TextField(_("Ghi chú"), blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("Lịch làm việc năm")
        verbose_name_plural = _("Lịch làm việc các năm")

    def __str__(self) -> str:
        return f"{self.year}{' (tạm tính)' if self.provisional else ''}"

    @property
    def provisional(self) -> bool:
        """Provisional until the official notice (number and date) is recorded."""
        return not (self.notice_number.strip() and self.notice_date)


def provisional_years(years: range | list[int]) -> list[int]:
    """Which of ``years`` are provisional (see :class:`CalendarYear`). One query."""
    wanted = list(years)
    if not wanted:
        return []
    rows = {y.year: y for y in CalendarYear.objects.all()}
    official = [year for year, row in rows.items() if not row.provisional]
    latest_official = max(official, default=None)
    found = []
    for year in wanted:
        row = rows.get(year)
        if row is not None:
            if row.provisional:
                found.append(year)
        elif latest_official is None or year > latest_official:
            found.append(year)
    return found


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A background job in the outbox (see :mod:`motcua.core.jobs`).

    The row is written in the same transaction as the change that causes it, so a committed change never loses its
    job and a rolled-back one never has one; it runs only after the commit. ``key`` makes enqueueing idempotent
    (e.g. one notification per dossier event). A failed run goes back to ``pending`` with ``run_after`` pushed back
    (exponential back-off) until ``max_attempts``, then stays ``failed`` for an operator to look at.
    """

    kind = models.CharField(max_length=60, help_text="The registered handler, e.g. 'notify'.")
    key = models.CharField(max_length=200, null=True, blank=True, unique=True,
                           help_text="Idempotency key: enqueueing the same key twice gives one job.")
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder,
                               help_text="The handler's input, and what it already did (resumed on retry).")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    run_after = models.DateTimeField(help_text="Not run before this instant (back-off after a failure).")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "run_after"], name="job_due")]
        constraints = [models.CheckConstraint(condition=models.Q(max_attempts__gte=1), name="job_max_attempts_min")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk} {self.status}"
