"""Web pages of oversight (``/giam-sat/``)."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("chi-so/", views.index_page, name="index"),
    path("chuan-bi.json", views.preparation_state, name="preparation_state"),
    path("chi-so/don-vi/", views.unit_page, name="unit"),
    path("chi-so/ho-so/", views.dossiers_page, name="dossiers"),
    path("danh-gia/", views.evaluation_page, name="evaluation"),
    path("danh-gia/cong-khai/", views.public_evaluation, name="public_evaluation"),
    path("danh-gia/phieu/<str:code>/", views.record_rating, name="record_rating"),
]
