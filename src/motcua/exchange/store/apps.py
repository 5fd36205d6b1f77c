from django.apps import AppConfig


class StoreConfig(AppConfig):
    """Results issued by motcua land in the applicant's store, in the same transaction as the event:
    ``motcua.dossiers.personal_store.on_dossier_event`` is one of the dossiers' "event appended" hooks (registered by
    ``motcua.dossiers.apps``, which sits above the exchange), filing them through :mod:`.services`."""

    name = "motcua.exchange.store"
    label = "exchange_store"
    verbose_name = "Personal data store (kho dữ liệu cá nhân)"
