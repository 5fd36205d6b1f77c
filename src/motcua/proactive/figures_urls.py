from django.urls import path

from . import views

app_name = "proactive_figures"

urlpatterns = [path("", views.figures, name="figures")]
