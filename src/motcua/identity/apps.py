from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "motcua.identity"
    verbose_name = "Identity providers (OpenID Connect, demo)"
