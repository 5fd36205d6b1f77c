"""``/bao-cao/``: generated official documents."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.monthly, name="monthly"),
    path("chuan-bi/<int:job_id>/", views.prepared, name="prepared"),
    path("chuan-bi/<int:job_id>.json", views.prepared_json, name="prepared_json"),
    path("chuan-bi/<int:job_id>/tep/", views.prepared_file, name="prepared_file"),
]
