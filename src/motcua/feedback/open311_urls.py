"""``/open311/v2/``: Open311 GeoReport v2 over PAKN (issue 5 point 4); views in :mod:`motcua.feedback.open311`."""

from django.urls import re_path

from . import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, open311.services, name="open311-services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, open311.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, open311.requests_view, name="open311-requests"),
    re_path(r"^requests/(?P<code>[\w.-]+?)" + FMT, open311.request_detail, name="open311-request"),
    re_path(r"^(?P<path>.*)$", open311.not_found),
]
