"""``/api/v1/procedures``: the catalog API."""

from django.urls import path

from .views import ProcedureDetailView, ProcedureListView

urlpatterns = [
    path("procedures", ProcedureListView.as_view(), name="procedure-list"),
    path("procedures/<str:code>", ProcedureDetailView.as_view(), name="procedure-detail"),
]
