"""API routes of exchange_store (``/api/v1/me/store/``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.StoreListView.as_view(), name="store-list"),
    path("registry-extract", views.RegistryExtractView.as_view(), name="store-registry-extract"),
    path("<int:item_id>", views.StoreItemView.as_view(), name="store-item"),
    path("<int:item_id>/reuse", views.StoreReuseView.as_view(), name="store-reuse"),
]
