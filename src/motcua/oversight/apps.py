from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "motcua.oversight"
    verbose_name = "Oversight: facts, service index, reviews, bottlenecks, workload"
