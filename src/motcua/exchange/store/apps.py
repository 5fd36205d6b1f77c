from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "motcua.exchange.store"
    label = "exchange_store"
    verbose_name = "Personal data store (kho dữ liệu cá nhân)"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from motcua.dossiers.models import DossierEvent

        post_save.connect(_on_event, sender=DossierEvent, dispatch_uid="motcua.exchange.store.results")


def _on_event(sender, instance, created: bool, **kwargs) -> None:
    """Results issued by motcua land in the applicant's store, in the same transaction as the event."""
    if created and instance.action in ("issue_result", "upload_document"):
        from .services import on_dossier_event

        on_dossier_event(instance)
