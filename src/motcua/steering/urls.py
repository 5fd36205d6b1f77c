"""Web pages of the Working Group's follow-up, under ``/chi-dao/``."""

from django.urls import path

from . import views

app_name = "steering"

urlpatterns = [
    path("", views.home, name="home"),
    path("bao-cao/", views.reports, name="reports"),
    path("bao-cao/moi/", views.new_report, name="new_report"),
    path("vuong-mac/", views.obstacles, name="obstacles"),
    path("vuong-mac/<str:code>/", views.obstacle, name="obstacle"),
    path("tong-hop/", views.figures_current, name="figures_current"),
    path("tong-hop/<str:period>/", views.figures, name="figures"),
    path("tong-hop/<str:period>/nhac-nho/", views.remind, name="remind"),
    path("van-ban/", views.directives, name="directives"),
    path("van-ban/moi/", views.new_directive, name="new_directive"),
    path("van-ban/<int:pk>/", views.directive, name="directive"),
    path("nhiem-vu/", views.tasks, name="tasks"),
    path("nhiem-vu/<int:pk>/", views.task, name="task"),
    path("tong-quan/", views.overview, name="overview"),
]
