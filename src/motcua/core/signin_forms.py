"""Sign-in forms (web and admin) that say why a demo account is refused in production (issue 12 point 4); the
refusal itself is the authentication backend's (:class:`motcua.core.sessions.CachedModelBackend`)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .demo_accounts import DEMO_PASSWORD, REFUSED_MESSAGE, in_production, username_refused


class _RefuseDemo:
    def clean(self):
        if in_production() and (username_refused(str(self.data.get("username") or ""))
                                or self.data.get("password") == DEMO_PASSWORD):
            raise forms.ValidationError(REFUSED_MESSAGE, code="demo_account")
        return super().clean()


class SignInForm(_RefuseDemo, AuthenticationForm):
    pass


class AdminSignInForm(_RefuseDemo, AdminAuthenticationForm):
    pass
