"""Web pages of exchange (``/du-lieu-cua-toi/``)."""

from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.data_access, name="data_access"),
    path("truy-cap/", views.data_access, name="data_access_log"),
]
