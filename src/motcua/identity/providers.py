"""Identity providers as plugins (the Open Forms pattern, style.md): each provider is a small class in a registry;
the sign-in page lists the enabled ones; a test can swap the registry for a fresh one.

- :class:`OidcProvider`: OpenID Connect (authorization code flow) for production — VNeID-style for citizens.
- :class:`DemoProvider`: the embedded default's demo e-identification, clearly labelled, that lets a tester choose
  level 1 or 2. Refused when ``MOTCUA_ENV=production``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from motcua.core.registry import Registry

from . import config


class IdentityProvider:
    key: str = ""
    label = ""
    description = ""
    demo = False

    def enabled(self) -> bool:
        return self.key in config.enabled_keys()

    def start_url(self, next_url: str = "") -> str:
        raise NotImplementedError


class DemoProvider(IdentityProvider):
    key = "demo"
    label = _("Định danh thử nghiệm (demo)")
    description = _("Chỉ dùng để trình diễn: chọn công dân và mức định danh 1 hoặc 2. Không phải VNeID.")
    demo = True

    def enabled(self) -> bool:
        # Never in production, whatever the provider list says (architecture.md: production refuses the demo
        # identity provider).
        return super().enabled() and not config.is_production()

    def start_url(self, next_url: str = "") -> str:
        url = reverse("identity:demo")
        return f"{url}?next={next_url}" if next_url else url


class OidcProvider(IdentityProvider):
    key = "oidc"
    description = _("Đăng nhập bằng tài khoản định danh điện tử.")

    @property
    def label(self) -> str:  # type: ignore[override]
        return str(config.oidc("LABEL"))

    def enabled(self) -> bool:
        configured = all(config.oidc(name) for name in ("CLIENT_ID", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT"))
        return super().enabled() and configured

    def start_url(self, next_url: str = "") -> str:
        url = reverse("identity:oidc_start")
        return f"{url}?next={next_url}" if next_url else url


class ProviderRegistry(Registry[IdentityProvider]):
    """The identity providers by key (core.registry's pattern); only enabled ones are found."""

    def __init__(self) -> None:
        super().__init__("identity provider")

    @property
    def providers(self) -> dict[str, IdentityProvider]:
        return self.as_dict()

    def get(self, key: str, default: IdentityProvider | None = None) -> IdentityProvider | None:
        provider = super().get(key)
        return provider if provider is not None and provider.enabled() else default

    def enabled(self) -> list[IdentityProvider]:
        return [p for _key, p in self.items() if p.enabled()]


registry = ProviderRegistry()
registry.add(OidcProvider.key, OidcProvider())
registry.add(DemoProvider.key, DemoProvider())
