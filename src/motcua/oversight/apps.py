from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "motcua.oversight"
    verbose_name = "Oversight: facts, service index, reviews, bottlenecks, workload"

    def ready(self) -> None:
        from motcua.dossiers import rating

        from . import citizen

        rating.register_recorder(citizen.keep)  # the applicants' answers, kept for the evaluation of agencies

        from . import preparation  # noqa: F401  (registers the job that prepares a missing table)
