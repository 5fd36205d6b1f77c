from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = "Feedback and petitions (PAKN), Open311"

    def ready(self) -> None:
        from motcua.core.observability import register_overdue_count

        from .queries import overdue_count

        register_overdue_count("feedback", overdue_count)
