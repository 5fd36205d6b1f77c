from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    verbose_name = "Once-only data exchange (registries, access log, data store, linked groups)"
