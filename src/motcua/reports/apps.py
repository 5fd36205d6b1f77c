from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    verbose_name = "Generated official documents (monthly report)"

    def ready(self) -> None:
        from . import downloads  # noqa: F401  (registers the job that builds a report in the background)
