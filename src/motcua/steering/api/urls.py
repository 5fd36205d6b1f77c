"""``/api/v1/steering/``: the Working Group's follow-up API (issue 5 points 5 and 6)."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports", views.ReportListView.as_view(), name="steering-reports"),
    path("obstacles", views.ObstacleListView.as_view(), name="steering-obstacles"),
    path("obstacles/<str:code>", views.ObstacleDetailView.as_view(), name="steering-obstacle"),
    path("obstacles/<str:code>/actions/<str:action>", views.ObstacleActionView.as_view(),
         name="steering-obstacle-action"),
    path("figures/<str:period>", views.FiguresView.as_view(), name="steering-figures"),
    path("directives", views.DirectiveListView.as_view(), name="steering-directives"),
    path("directives/<int:pk>", views.DirectiveDetailView.as_view(), name="steering-directive"),
    path("tasks", views.AssignmentListView.as_view(), name="steering-tasks"),
    path("tasks/<int:pk>", views.AssignmentDetailView.as_view(), name="steering-task"),
    path("tasks/<int:pk>/actions/<str:action>", views.AssignmentActionView.as_view(), name="steering-task-action"),
    path("overview", views.OverviewView.as_view(), name="steering-overview"),
]
