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
    """Every access to the signed-in person's data, one row per dossier and registry (issue 14 point 11), newest
    first, 20 rows a page."""
    personal_id = queries.personal_id_of(request.user)
    context = {"personal_id": personal_id, "rows": [], "page": None, "accesses": 0}
    if personal_id:
        groups = queries.grouped_access(personal_id)
        page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, rows=list(page.object_list), accesses=sum(g["count"] for g in groups))
    return render(request, "exchange/data_access.html", context)
