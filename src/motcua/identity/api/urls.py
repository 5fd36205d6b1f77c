"""``/api/v1/``: identity API routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/identity", views.MyIdentityView.as_view(), name="identity-me"),
]
