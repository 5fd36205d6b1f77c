from django.urls import path

from . import views

app_name = "proactive"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("<int:case_id>/xac-nhan/", views.confirm, name="confirm"),
    path("<int:case_id>/bo-qua/", views.dismiss, name="dismiss"),
    path("<int:case_id>/tra-loi/", views.respond, name="respond"),
    path("dong-y/", views.consent, name="consent"),
]

