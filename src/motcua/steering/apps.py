from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "motcua.steering"
    verbose_name = "Working Group follow-up: Advisory Council obstacles, directives and tasks"

    def ready(self) -> None:
        from motcua.feedback.open311 import register_client_keys

        from .services import open311_client, open311_key_used

        # Open311 GeoReport v2 posts (feedback.open311) authenticate with the API keys kept here.
        register_client_keys(open311_client, open311_key_used)
        from motcua.core.eventlog import register_chained_log

        from .audit import verify_steering_events

        register_chained_log("steering", verify_steering_events, order=50)  # motcua audit verify --log steering
