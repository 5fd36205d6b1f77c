from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = "Feedback and petitions (PAKN), Open311"

    def ready(self) -> None:
        from motcua.core.observability import register_overdue_count

        from .queries import overdue_count

        register_overdue_count("feedback", overdue_count)
        from motcua.core.eventlog import register_chained_log

        from .audit import verify_feedback_events, verify_personal_data_access

        register_chained_log("feedback", verify_feedback_events, order=30)  # motcua audit verify --log feedback
        register_chained_log("personal-data", verify_personal_data_access, order=40)
