from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "motcua.units"
    verbose_name = "Administrative units and agencies"
