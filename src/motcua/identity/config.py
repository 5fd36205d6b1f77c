"""Identity settings, read from Django settings or the environment (settings win, for tests).

- ``MOTCUA_IDENTITY_PROVIDERS``: comma-separated provider keys offered on the sign-in page (default ``demo,oidc``;
  ``oidc`` shows only when configured). The demo provider is refused whenever ``MOTCUA_ENV=production``.
- ``MOTCUA_OIDC_CLIENT_ID``, ``MOTCUA_OIDC_CLIENT_SECRET``, ``MOTCUA_OIDC_AUTHORIZATION_ENDPOINT``,
  ``MOTCUA_OIDC_TOKEN_ENDPOINT``, ``MOTCUA_OIDC_USERINFO_ENDPOINT``, ``MOTCUA_OIDC_JWKS_ENDPOINT``,
  ``MOTCUA_OIDC_SIGN_ALGO`` (default ``RS256``), ``MOTCUA_OIDC_SCOPES`` (default ``openid profile``),
  ``MOTCUA_OIDC_LEVEL_CLAIM`` (default ``acr``), ``MOTCUA_OIDC_PERSONAL_ID_CLAIM`` (default ``personal_id``),
  ``MOTCUA_OIDC_LABEL`` (default ``VNeID``), ``MOTCUA_OIDC_TIMEOUT`` seconds (default 10).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

OIDC_DEFAULTS: dict[str, Any] = {
    "CLIENT_ID": "", "CLIENT_SECRET": "", "AUTHORIZATION_ENDPOINT": "", "TOKEN_ENDPOINT": "",
    "USERINFO_ENDPOINT": "", "JWKS_ENDPOINT": "", "SIGN_ALGO": "RS256", "SCOPES": "openid profile",
    "LEVEL_CLAIM": "acr", "PERSONAL_ID_CLAIM": "personal_id", "LABEL": "VNeID", "TIMEOUT": "10",
}


def setting(name: str, default: Any = "") -> Any:
    """``settings.<name>`` if set, else the environment variable ``<name>``, else ``default``."""
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def oidc(name: str) -> Any:
    return setting(f"MOTCUA_OIDC_{name}", OIDC_DEFAULTS[name])


def is_production() -> bool:
    return getattr(settings, "ENVIRONMENT", "") == "production"


def enabled_keys() -> list[str]:
    value = setting("MOTCUA_IDENTITY_PROVIDERS", "demo,oidc")
    keys = value if isinstance(value, list | tuple) else str(value).split(",")
    return [k.strip() for k in keys if k.strip()]
