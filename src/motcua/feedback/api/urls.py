"""``/api/v1/feedback/``: the PAKN API."""

from django.urls import path

from .views import ActionView, EventsView, FiguresView, ItemsView, ItemView, QueueView, RatingView, RecomplaintView

urlpatterns = [
    path("", ItemsView.as_view(), name="feedback-list"),
    path("queue", QueueView.as_view(), name="feedback-queue"),
    path("figures", FiguresView.as_view(), name="feedback-figures"),
    path("<str:code>", ItemView.as_view(), name="feedback-detail"),
    path("<str:code>/events", EventsView.as_view(), name="feedback-events"),
    path("<str:code>/actions/<str:action>", ActionView.as_view(), name="feedback-action"),
    path("<str:code>/rating", RatingView.as_view(), name="feedback-rating"),
    path("<str:code>/recomplaint", RecomplaintView.as_view(), name="feedback-recomplaint"),
]
