"""``/api/v1/calendar/``: the working calendar."""

from django.urls import path

from motcua.core.api.views import DueDateView

urlpatterns = [
    path("due-date", DueDateView.as_view(), name="calendar-due-date"),
]
