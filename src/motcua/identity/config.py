"""Identity settings: ``settings.MOTCUA_IDENTITY_PROVIDERS`` and ``settings.MOTCUA_OIDC_*``, each declared with its
type, default and meaning in :mod:`motcua.core.config` (docs/operations.md's table).

- ``MOTCUA_IDENTITY_PROVIDERS``: the provider keys offered on the sign-in page (``oidc`` shows only when configured).
  The demo provider is refused whenever ``MOTCUA_ENV=production``.
- ``MOTCUA_OIDC_<NAME>``: the OpenID Connect provider (client, endpoints, algorithm, scopes, claims, label, timeout).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def oidc(name: str) -> Any:
    """``settings.MOTCUA_OIDC_<name>`` (``CLIENT_ID``, ``TOKEN_ENDPOINT``, ``TIMEOUT`` …)."""
    return getattr(settings, f"MOTCUA_OIDC_{name}")


def is_production() -> bool:
    return settings.ENVIRONMENT == "production"


def enabled_keys() -> list[str]:
    value = settings.MOTCUA_IDENTITY_PROVIDERS
    keys = value if isinstance(value, list | tuple) else str(value).split(",")
    return [k.strip() for k in keys if k.strip()]
