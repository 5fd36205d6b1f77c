"""Portal URLs. Paths are Vietnamese like the national portal's; the page language follows the user's choice."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.results, name="results"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
]
