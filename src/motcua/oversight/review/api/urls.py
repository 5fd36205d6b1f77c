"""API routes of the reviews, under ``/api/v1/oversight/review/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("dormant", views.DormantView.as_view(), name="review-dormant"),
    path("overlaps", views.OverlapsView.as_view(), name="review-overlaps"),
    path("proposals", views.ProposalsView.as_view(), name="review-proposals"),
    path("local-practice", views.PracticeView.as_view(), name="review-local-practice"),
    path("cost", views.CostView.as_view(), name="review-cost"),
    path("plans", views.PlansView.as_view(), name="review-plans"),
    path("cost-profiles", views.CostProfilesView.as_view(), name="review-cost-profiles"),
    path("bottlenecks", views.BottlenecksView.as_view(), name="review-bottlenecks"),
    path("workload", views.WorkloadView.as_view(), name="review-workload"),
]
