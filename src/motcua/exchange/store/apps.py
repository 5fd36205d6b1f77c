from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "motcua.exchange.store"
    label = "exchange_store"
    verbose_name = "Personal data store (kho dữ liệu cá nhân)"
