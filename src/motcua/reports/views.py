"""``/bao-cao/``: the monthly report, the same document as ``motcua report monthly``, prepared in the background
(issue 14 point 9): the form starts the job, a page follows its nine steps and offers the file when it is ready."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import downloads
from .access import may_draw, scope_choices
from .monthly import ReportError, check_month, parse_scope

CONTENT_TYPES = downloads.CONTENT_TYPES


def _last_month(today: date) -> str:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


@login_required
@require_http_methods(["GET", "POST"])
def monthly(request: HttpRequest) -> HttpResponse:
    """The form; a POST (or the old ``?download=1`` link) checks the choice and starts the report's job."""
    choices = scope_choices(request.user)
    data = request.POST if request.method == "POST" else request.GET
    context = {"choices": choices, "period": data.get("period") or _last_month(timezone.localdate()),
               "scope": data.get("scope") or (choices[0][0] if choices else ""),
               "format": data.get("format") or "pdf", "error": ""}
    if not choices:
        context["error"] = _("Tài khoản của bạn không có quyền lập báo cáo (chỉ lãnh đạo và cán bộ giám sát).")
        return render(request, "reports/monthly.html", context, status=403)
    if request.method == "GET" and "download" not in request.GET:
        return render(request, "reports/monthly.html", context)
    fmt = context["format"] if context["format"] in CONTENT_TYPES else "pdf"
    try:
        check_month(context["period"])
        scope = parse_scope(context["scope"])
        if not may_draw(request.user, scope):
            context["error"] = _("Bạn không có quyền lập báo cáo cho phạm vi này.")
            return render(request, "reports/monthly.html", context, status=403)
    except ReportError as exc:
        context["error"] = str(exc)
        return render(request, "reports/monthly.html", context, status=400)
    job = downloads.start(request.user, context["period"], context["scope"], fmt)
    response = redirect(reverse("reports:prepared", args=[job.pk]))
    response.status_code = 303  # see the progress page (a GET), whatever asked for it
    return response


def _job(request: HttpRequest, job_id: int):
    job = downloads.for_user(job_id, request.user)
    if job is None:  # another user's report, or none: not found (never whose it is)
        raise Http404(_("Không có báo cáo này."))
    return job


@login_required
def prepared(request: HttpRequest, job_id: int) -> HttpResponse:
    """``/bao-cao/chuan-bi/<id>/``: the report's progress, then its file. Scripts update the progress bar from
    :func:`prepared_json`; without them the page offers a link to reload."""
    from motcua.oversight.rules import parse_period

    job = _job(request, job_id)
    state = downloads.status(job)
    return render(request, "reports/prepared.html", {
        "job": job, "status": state, "period_label": parse_period(state["period"]).label(),
        "scope_name": dict(scope_choices(request.user)).get(state["scope"], state["scope"]),
        "file_url": reverse("reports:prepared_file", args=[job.pk]),
        "json_url": reverse("reports:prepared_json", args=[job.pk])})


@login_required
def prepared_json(request: HttpRequest, job_id: int) -> JsonResponse:
    """``/bao-cao/chuan-bi/<id>.json``: ``{"state", "done", "steps", "percent", "step", "file_url"}``."""
    job = _job(request, job_id)
    state = downloads.status(job)
    if state["state"] == "ready":
        state["file_url"] = reverse("reports:prepared_file", args=[job.pk])
    return JsonResponse(state, headers={"Cache-Control": "no-store"})


@login_required
def prepared_file(request: HttpRequest, job_id: int) -> HttpResponse:
    """``/bao-cao/chuan-bi/<id>/tep/``: the finished report as an attachment."""
    job = _job(request, job_id)
    handle = downloads.open_file(job)
    if handle is None:
        return redirect(reverse("reports:prepared", args=[job.pk]))
    p = job.payload
    return FileResponse(handle, as_attachment=True, content_type=CONTENT_TYPES[p["format"]],
                        filename=downloads.file_name(p["period"], p["scope"], p["format"]))
