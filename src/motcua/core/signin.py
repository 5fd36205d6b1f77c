"""Sign-in brute force (issue 12 point 8) with django-axes: failed sign-ins are counted per user name and per client
address (``core.clientip``) in the database; past ``AXES_FAILURE_LIMIT`` the web sign-in (``/dang-nhap/``) and the
admin's refuse, even the right password, for ``AXES_COOLOFF_TIME``. The answer is a Vietnamese page (or a
problem+json document under ``/api/``) with status 429."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .problems import json_problem

LOCKED_OUT = ("Đăng nhập tạm thời bị khóa vì nhập sai mật khẩu quá nhiều lần. "
              "Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị viên.")


class LockoutBackend(AxesStandaloneBackend):
    """Axes's check, for sign-ins that come with a request (the web and admin forms). ``authenticate`` without a
    request — the test client's ``login``, a management command — is not a guessable sign-in form: skipped here,
    checked by the password backend as before."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _minutes() -> int:
    from django.conf import settings

    cooloff = settings.AXES_COOLOFF_TIME
    seconds = cooloff.total_seconds() if hasattr(cooloff, "total_seconds") else float(cooloff or 0) * 3600
    return max(1, round(seconds / 60))


def locked_out(request: HttpRequest, credentials: dict | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the refusal, in Vietnamese, status 429."""
    message = LOCKED_OUT.format(minutes=_minutes())
    if request.path.startswith("/api/"):
        response = json_problem(429, "Too many failed sign-ins", message)
    else:
        response = render(request, "portal/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(_minutes() * 60)
    return response
