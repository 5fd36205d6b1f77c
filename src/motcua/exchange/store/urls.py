"""Web pages of the personal data store (``/du-lieu-cua-toi/kho/``)."""

from django.urls import path

from . import views

app_name = "exchange_store"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:item_id>/tai-ve/", views.download, name="download"),
    path("<int:item_id>/xoa/", views.remove, name="remove"),
]
