"""API routes of exchange_store (``/api/v1/me/store/``). ``registry-extract`` and ``<id>/reuse`` write dossiers:
``motcua.dossiers.api.store``, routed at the same addresses in ``motcua.api.urls``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.StoreListView.as_view(), name="store-list"),
    path("<int:item_id>", views.StoreItemView.as_view(), name="store-item"),
]
