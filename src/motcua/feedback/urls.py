"""Web pages of PAKN, mounted at ``/phan-anh-kien-nghi/``."""

from django.urls import path

from . import views

app_name = "feedback"

CODE = "<str:code>"

urlpatterns = [
    path("", views.answers, name="answers"),
    path("gui/", views.submit, name="submit"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("cua-toi/", views.mine, name="mine"),
    path("can-bo/", views.officer_queue, name="officer_queue"),
    path("can-bo/nhap/", views.officer_entry, name="officer_entry"),
    path(f"can-bo/{CODE}/", views.officer_item, name="officer_item"),
    path(f"can-bo/{CODE}/<slug:action>/", views.officer_act, name="officer_act"),
    path(f"da-gui/{CODE}/", views.submitted, name="submitted"),
    path(f"{CODE}/", views.answer_detail, name="answer"),
    path(f"{CODE}/danh-gia/", views.rate, name="rate"),
    path(f"{CODE}/phan-anh-lai/", views.recomplain, name="recomplain"),
    path(f"{CODE}/bo-sung/", views.supplement, name="supplement"),
]
