"""``/api/v1/dossiers``: the dossiers API (issue 3 point 10)."""

from django.urls import path

from .views import DossierActionView, DossierDetailView, DossierDocumentsView, DossierEventsView, DossierListView

urlpatterns = [
    path("dossiers", DossierListView.as_view(), name="dossier-list"),
    path("dossiers/<str:code>", DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/events", DossierEventsView.as_view(), name="dossier-events"),
    path("dossiers/<str:code>/documents", DossierDocumentsView.as_view(), name="dossier-documents"),
    path("dossiers/<str:code>/actions/<str:action>", DossierActionView.as_view(), name="dossier-action"),
]
