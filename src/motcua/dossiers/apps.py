from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = "Dossiers (one-stop handling)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.core.models import CalendarException

        from .queries import clear_calendar_cache

        for signal in (post_save, post_delete):
            signal.connect(clear_calendar_cache, sender=CalendarException,
                           dispatch_uid=f"motcua.dossiers.calendars.{signal}")
