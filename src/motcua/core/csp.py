"""Content-Security-Policy (Django 5.2 has none built in): one header on every response, the policy from
``settings.MOTCUA_CSP``. The pages carry no inline script or style and load every asset from this site, so the
default policy allows only ``'self'``. A view that needs more (the API's documentation pages, whose viewers set
styles inline) marks its response with :func:`relax_styles`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy(*, inline_styles: bool = False) -> str:
    text = settings.MOTCUA_CSP
    if inline_styles:
        text = text.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return text


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response and settings.MOTCUA_CSP:
            response[HEADER] = policy(inline_styles=getattr(response, "csp_inline_styles", False))
        return response


def relax_styles(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let this view's page use inline styles (never inline scripts)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
        response = view(*args, **kwargs)
        response.csp_inline_styles = True
        return response

    return wrapped
