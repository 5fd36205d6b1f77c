from django.apps import AppConfig


class StoreConfig(AppConfig):
    """Results issued by motcua land in the applicant's store, in the same transaction as the event:
    :func:`.services.on_dossier_event` is one of the dossiers' "event appended" hooks (registered by
    ``motcua.dossiers.apps``, which sits above the exchange)."""

    name = "motcua.exchange.store"
    label = "exchange_store"
    verbose_name = "Personal data store (kho dữ liệu cá nhân)"
