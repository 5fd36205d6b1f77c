"""``/api/v1/oversight/``: oversight API routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("index", views.IndexView.as_view(), name="oversight-index"),
    path("index/trend", views.TrendView.as_view(), name="oversight-index-trend"),
    path("index/dossiers", views.DrillView.as_view(), name="oversight-index-dossiers"),
    path("index/procedures", views.ProceduresView.as_view(), name="oversight-index-procedures"),
    path("evaluation", views.EvaluationView.as_view(), name="oversight-evaluation"),
    path("facts", views.FactsView.as_view(), name="oversight-facts"),
]
