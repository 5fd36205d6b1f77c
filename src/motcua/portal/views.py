"""Portal pages. Error handlers answer problem+json under /api/ and an HTML page elsewhere."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.core.problems import json_problem


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(404, "Not found", "No resource at this address.")
    return render(request, "portal/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(500, "Internal error", "The server could not complete the request.")
    return render(request, "portal/500.html", status=500)
