"""The officer workspace under ``/can-bo/`` (issue 3 point 6)."""

from django.urls import path, re_path

from . import officer_views as views

app_name = "dossiers_officer"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/moi/", views.desk_entry, name="entry"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/hanh-dong/", views.dossier_action, name="action"),
    path("ho-so/<str:code>/tai-lieu/", views.document_upload, name="document_upload"),
    path("ho-so/<str:code>/tai-lieu/<int:document_id>/", views.document_file, name="document"),
    re_path(r"^ho-so/(?P<code>[^/]+)/mau/(?P<form>0[1-7])/$", views.form_html, name="form"),
    re_path(r"^ho-so/(?P<code>[^/]+)/mau/(?P<form>0[1-7])\.pdf$", views.form_pdf, name="form_pdf"),
    path("thu-tuc-can-sua-thoi-han/", views.time_limit_corrections, name="time_limit_corrections"),
    path("so-theo-doi/", views.register_html, name="register"),
    path("so-theo-doi.pdf", views.register_pdf, name="register_pdf"),
]
