from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = "Dossiers (one-stop handling)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.core.calendar import register_limit_start_rule
        from motcua.core.models import CalendarException
        from motcua.core.observability import register_overdue_count

        from . import for_exchange
        from .lawsets import limit_start_rule
        from .queries import clear_calendar_cache, overdue_count

        # The calendar API follows the rule of the start in force on each start's date (lawsets).
        register_limit_start_rule(limit_start_rule)
        register_overdue_count("dossier", overdue_count)
        for_exchange.register()  # the exchange's hooks: the case of a registry call, …
        from motcua.core.eventlog import register_chained_log

        from .audit import verify_dossier_events

        register_chained_log("dossiers", verify_dossier_events, order=20)  # motcua audit verify --log dossiers
        # The officer pages' shared caches (defined in .queries) are cleared by every process that changes their rows.
        from motcua.core.ttlcache import connect_all

        connect_all()

        for signal in (post_save, post_delete):
            signal.connect(clear_calendar_cache, sender=CalendarException,
                           dispatch_uid=f"motcua.dossiers.calendars.{signal}")

        # What follows each dossier event in its transaction: explicit hooks that every writing path calls
        # (services.events.event_appended), the ORM's append_event and the submission's SQL fast path alike.
        from .groups import on_event_appended
        from .personal_store import on_dossier_event
        from .services import register_event_hook

        register_event_hook("linked_groups", on_event_appended)  # a child's change reaches its parent (groups.py)
        register_event_hook("personal_data_store", on_dossier_event)  # an issued result lands in the citizen's store
