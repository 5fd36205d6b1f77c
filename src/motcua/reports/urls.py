"""``/bao-cao/``: generated official documents."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.monthly, name="monthly"),
]
