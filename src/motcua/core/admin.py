"""Admin for the working calendar's year data: the days off and worked days the government (or an agency) announces
each year, and each year's notice — provisional until its number and date are recorded (domain.md §2)."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import FIRST_YEAR, LAST_YEAR
from motcua.core.models import CalendarException, CalendarYear, provisional_years


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    """Days off and make-up working days; they take effect on the next due-time calculation. A day of a year whose
    notice is not recorded is shown as provisional."""

    list_display = ("date", "kind", "agency", "reason", "provisional")
    list_filter = ("kind", ("agency", admin.EmptyFieldListFilter))
    search_fields = ("reason", "agency__code", "agency__name")
    date_hierarchy = "date"
    raw_id_fields = ("agency",)
    list_select_related = ("agency",)
    ordering = ("-date",)

    _provisional: frozenset[int] | None = None

    def changelist_view(self, request, extra_context=None):
        # One query for the whole page: which years are provisional (the same answer for every request of the page;
        # recomputed on each listing).
        self._provisional = frozenset(provisional_years(range(FIRST_YEAR, LAST_YEAR + 1)))
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("Tạm tính"), boolean=True)
    def provisional(self, obj: CalendarException) -> bool:
        years = self._provisional
        if years is None:
            years = frozenset(provisional_years([obj.date.year]))
        return obj.date.year in years


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """A year's notice. Enter its number and date when the government's decision is published: the year stops being
    provisional in the admin and the calendar API."""

    list_display = ("year", "provisional", "notice_number", "notice_date")
    fields = ("year", "notice_number", "notice_date", "source", "note", "days")
    readonly_fields = ("days",)
    ordering = ("-year",)

    @admin.display(description=_("Tạm tính"), boolean=True)
    def provisional(self, obj: CalendarYear) -> bool:
        return obj.provisional

    @admin.display(description=_("Ngày nghỉ, ngày làm bù đã nhập (toàn quốc)"))
    def days(self, obj: CalendarYear) -> str:
        if obj.pk is None:
            return "—"
        rows = CalendarException.objects.filter(date__year=obj.year, agency__isnull=True).order_by("date")
        return format_html_join("", "<div>{} — {}: {}</div>",
                                ((r.date.strftime("%d/%m/%Y"), r.get_kind_display(), r.reason) for r in rows)) or "—"
