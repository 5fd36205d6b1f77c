"""Citizen pages under ``/du-lieu-cua-toi/`` (issue 4 point 6): who looked at my data (Estonia's Data Tracker)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import queries

PAGE_SIZE = 20


@login_required
def data_access(request: HttpRequest) -> HttpResponse:
    """Every access to the signed-in person's data, newest first, 20 a page."""
    personal_id = queries.personal_id_of(request.user)
    context = {"personal_id": personal_id, "rows": [], "page": None}
    if personal_id:
        page = Paginator(queries.data_access(personal_id), PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, rows=queries.describe_access(list(page.object_list)))
    return render(request, "exchange/data_access.html", context)
