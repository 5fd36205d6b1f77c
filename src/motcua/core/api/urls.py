"""``/api/v1/calendar/``: the working calendar."""

from django.urls import path

from motcua.core.api.views import CalendarYearsView, DueDateView

urlpatterns = [
    path("due-date", DueDateView.as_view(), name="calendar-due-date"),
    path("years", CalendarYearsView.as_view(), name="calendar-years"),
]
