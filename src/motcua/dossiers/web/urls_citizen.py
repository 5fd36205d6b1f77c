"""The citizen's pages under ``/ho-so/`` (issue 3 point 7): submit online, track, supplement, withdraw, result,
rating."""

from django.urls import path

from . import citizen_views as views

app_name = "citizen"

urlpatterns = [
    path("nop/<str:procedure_code>/", views.submit, name="submit"),
    path("da-nop/<str:code>/", views.submitted, name="submitted"),
    path("tra-cuu/", views.track, name="track"),
    path("<str:code>/", views.details, name="details"),
    path("<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("<str:code>/rut/", views.withdraw, name="withdraw"),
    path("<str:code>/dieu-chinh/", views.amend, name="amend"),
    path("<str:code>/ket-qua/<int:document_id>/", views.result, name="result"),
    path("<str:code>/danh-gia/", views.rate, name="rate"),
]
