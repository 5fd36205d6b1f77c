from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    verbose_name = "Once-only data exchange (registries, access log, data store, linked groups)"

    def ready(self) -> None:
        from motcua.core.eventlog import register_chained_log
        from motcua.core.ttlcache import connect_all
        from motcua.identity.services import register_person_identified

        from . import queries  # noqa: F401  (defines the cache)
        from .audit import verify_access_log
        from .services import link_person

        # The personal-ID cache must be cleared by every process that can change a link, a membership or a user
        # (core.ttlcache): connect it before any request.
        connect_all()
        # A citizen e-identified with a personal ID is linked to it: the exchange reads their own data by this link.
        register_person_identified(link_person)
        register_chained_log("access", verify_access_log, order=10)  # motcua audit verify --log access
