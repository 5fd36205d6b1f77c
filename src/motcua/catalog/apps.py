from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    verbose_name = "Procedure catalog"
