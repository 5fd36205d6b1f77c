from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    verbose_name = "Generated official documents (monthly report)"
