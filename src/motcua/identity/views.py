"""Identity pages under ``/dinh-danh/``: the demo provider's page and the OpenID Connect start and callback."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from mozilla_django_oidc.views import OIDCAuthenticationRequestView
from requests import RequestException

from . import services
from .models import Level
from .oidc import MotcuaOIDCBackend, get_setting, identified_from_claims
from .providers import registry


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return resolve_url("portal:home")


class DemoSignInForm(forms.Form):
    personal_id = forms.CharField(label=gettext_lazy("Số định danh cá nhân"), max_length=20,
                                  help_text=gettext_lazy("12 chữ số, như trên thẻ căn cước."))
    level = forms.TypedChoiceField(label=gettext_lazy("Mức định danh điện tử"), coerce=int, choices=Level.choices,
                                   initial=Level.TWO, widget=forms.RadioSelect)
    full_name = forms.CharField(label=gettext_lazy("Họ và tên (khi tạo tài khoản mới)"), max_length=255,
                                required=False)


def _demo_citizens() -> list:
    """Citizens' accounts (user name = a 12-digit personal ID) to pick from, e.g. those of ``motcua demo load``."""
    User = get_user_model()
    users = User.objects.filter(is_staff=False, username__regex=r"^[0-9]{12}$").order_by("username")[:12]
    return list(users)


@require_http_methods(["GET", "POST"])
def demo(request: HttpRequest) -> HttpResponse:
    """``/dinh-danh/demo/``: sign in as a citizen at e-identification level 1 or 2 — demo only, 404 in production."""
    if registry.get("demo") is None:
        raise Http404
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = DemoSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.demo_sign_in(request, data["personal_id"], data["level"], data["full_name"])
        except services.IdentityRefused as refused:
            form.add_error(refused.field or None, str(refused))
        else:
            return HttpResponseRedirect(_safe_next(request, next_url))
    return render(request, "identity/demo.html", {"form": form, "next": next_url, "citizens": _demo_citizens()},
                  status=400 if request.method == "POST" else 200)


class OidcStart(OIDCAuthenticationRequestView):
    """``/dinh-danh/oidc/``: redirect to the provider's authorization endpoint (state, nonce, PKCE in the session)."""

    @staticmethod
    def get_settings(attr, *args):
        return get_setting(attr, *args)

    def get(self, request):
        if registry.get("oidc") is None:
            raise Http404
        return super().get(request)


def _failed(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "identity/failed.html", {"message": message}, status=400)


@require_safe
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """``/dinh-danh/oidc/callback/``: check the state, exchange the code, verify the ID token, sign in."""
    if registry.get("oidc") is None:
        raise Http404
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    if request.GET.get("error"):
        states.pop(state, None)
        request.session["oidc_states"] = states
        return _failed(request, _("Nhà cung cấp định danh từ chối đăng nhập: %(error)s")
                       % {"error": request.GET.get("error_description") or request.GET["error"]})
    if not state or state not in states or not request.GET.get("code"):
        return _failed(request, _("Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Hãy đăng nhập lại."))
    entry = states.pop(state)
    request.session["oidc_states"] = states
    request.session.save()
    backend = MotcuaOIDCBackend()
    try:
        claims = backend.authenticate(request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))
        if not claims:
            raise SuspiciousOperation("No claims.")
        who = identified_from_claims(claims)
        next_url = request.session.get("oidc_login_next")
        services.sign_in(request, who)
    except RequestException:
        return _failed(request, _("Không kết nối được với nhà cung cấp định danh. Hãy thử lại sau."))
    except (SuspiciousOperation, services.IdentityRefused, ValueError) as error:
        return _failed(request, _("Không xác thực được danh tính: %(reason)s") % {"reason": error})
    return HttpResponseRedirect(_safe_next(request, next_url))
