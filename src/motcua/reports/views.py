"""``/bao-cao/``: the monthly report drawn on demand, the same document as ``motcua report monthly``."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import may_draw, scope_choices
from .monthly import ReportError, build_monthly, parse_scope
from .monthly import render as render_report

CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}


def _last_month(today: date) -> str:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    choices = scope_choices(request.user)
    context = {"choices": choices, "period": request.GET.get("period") or _last_month(timezone.localdate()),
               "scope": request.GET.get("scope") or (choices[0][0] if choices else ""),
               "format": request.GET.get("format") or "pdf", "error": ""}
    if not choices:
        context["error"] = _("Tài khoản của bạn không có quyền lập báo cáo (chỉ lãnh đạo và cán bộ giám sát).")
        return render(request, "reports/monthly.html", context, status=403)
    if "download" not in request.GET:
        return render(request, "reports/monthly.html", context)
    fmt = context["format"] if context["format"] in CONTENT_TYPES else "pdf"
    try:
        scope = parse_scope(context["scope"])
        if not may_draw(request.user, scope):
            context["error"] = _("Bạn không có quyền lập báo cáo cho phạm vi này.")
            return render(request, "reports/monthly.html", context, status=403)
        data = render_report(build_monthly(context["period"], context["scope"]), fmt)
    except ReportError as exc:
        context["error"] = str(exc)
        return render(request, "reports/monthly.html", context, status=400)
    name = f"bao-cao-thang-{context['period']}-{context['scope'].replace(':', '-')}.{fmt}"
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
