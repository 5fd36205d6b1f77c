"""Admin for the calendar exceptions: the yearly swaps the government (or an agency) announces (domain.md §2)."""

from django.contrib import admin

from motcua.core.models import CalendarException


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    """Days off and make-up working days; they take effect on the next due-time calculation."""

    list_display = ("date", "kind", "agency", "reason")
    list_filter = ("kind", ("agency", admin.EmptyFieldListFilter))
    search_fields = ("reason", "agency__code", "agency__name")
    date_hierarchy = "date"
    raw_id_fields = ("agency",)
    list_select_related = ("agency",)
    ordering = ("-date",)
