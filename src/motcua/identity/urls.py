"""Web pages of identity (``/dinh-danh/``)."""

from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("demo/", views.demo, name="demo"),
    path("oidc/", views.OidcStart.as_view(), name="oidc_start"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
