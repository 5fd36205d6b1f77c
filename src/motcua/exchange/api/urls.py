"""``/api/v1/``: exchange API routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("prefill", views.PrefillView.as_view(), name="exchange-prefill"),
    path("me/data-access", views.DataAccessView.as_view(), name="exchange-data-access"),
    path("registries", views.RegistryListView.as_view(), name="exchange-registries"),
    path("registries/figures", views.FiguresView.as_view(), name="exchange-figures"),
    path("registries/<str:name>/lookup", views.LookupView.as_view(), name="exchange-lookup"),
]
