"""OpenID Connect (authorization code flow) through mozilla-django-oidc, configured from ``MOTCUA_OIDC_*``
(:mod:`.config`) instead of Django settings, and mapping the provider's claims to a motcua identity.

The token exchange, the ID token's signature and nonce check (RS256 with the provider's JWKS by default) and the
userinfo call are mozilla-django-oidc's; this module decides who the person is (:func:`identified_from_claims`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from motcua.core.identifiers import personal_id_error

from . import config, rules
from .services import Identified

# mozilla-django-oidc setting name → MOTCUA_OIDC_* name.
_NAMES = {
    "OIDC_RP_CLIENT_ID": "CLIENT_ID", "OIDC_RP_CLIENT_SECRET": "CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT": "TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "USERINFO_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT": "JWKS_ENDPOINT",
    "OIDC_RP_SIGN_ALGO": "SIGN_ALGO", "OIDC_RP_SCOPES": "SCOPES",
}
_FIXED: dict[str, Any] = {
    "OIDC_AUTHENTICATION_CALLBACK_URL": "identity:oidc_callback",
    "OIDC_USE_NONCE": True, "OIDC_USE_PKCE": True, "OIDC_CREATE_USER": True, "OIDC_STORE_ID_TOKEN": False,
}


def get_setting(attr: str, *args: Any) -> Any:
    if attr in _NAMES:
        value = config.oidc(_NAMES[attr])
        return value or (args[0] if args else None)
    if attr == "OIDC_TIMEOUT":
        return float(config.oidc("TIMEOUT"))
    if attr in _FIXED:
        return _FIXED[attr]
    return import_from_settings(attr, *args)


def identified_from_claims(claims: dict[str, Any]) -> Identified:
    """The motcua identity in the provider's claims: ``sub`` (required), the personal ID (the configured claim,
    or ``sub`` itself when it is one), the level (the configured claim, ``acr`` by default), name and e-mail.
    Raises ``SuspiciousOperation`` when the claims do not identify a person."""
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise SuspiciousOperation("The identity provider gave no subject (sub).")
    personal_id = str(claims.get(config.oidc("PERSONAL_ID_CLAIM")) or "").strip()
    if not personal_id and not personal_id_error(subject):
        personal_id = subject
    if personal_id and personal_id_error(personal_id):
        raise SuspiciousOperation(f"Invalid personal ID from the identity provider: {personal_id_error(personal_id)}")
    parts = " ".join(str(claims.get(k) or "") for k in ("family_name", "given_name"))
    name = str(claims.get("name") or parts).strip()
    return Identified(provider="oidc", level=rules.level_from_claim(claims.get(config.oidc("LEVEL_CLAIM"))),
                      subject=subject, personal_id=personal_id, full_name=name, email=str(claims.get("email") or ""))


class MotcuaOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured by :func:`get_setting`. ``authenticate`` returns the claims
    (from the verified ID token merged with userinfo) instead of a user: :mod:`.views` turns them into a sign-in
    through :func:`motcua.identity.services.sign_in`, which records the level."""

    @staticmethod
    def get_settings(attr, *args):
        return get_setting(attr, *args)

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(self.get_userinfo(access_token, id_token, payload) or {})
            if claims.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
        return claims
