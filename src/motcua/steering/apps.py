from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "motcua.steering"
    verbose_name = "Working Group follow-up: Advisory Council obstacles, directives and tasks"
