from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "motcua.units"
    verbose_name = "Administrative units and agencies"

    def ready(self) -> None:
        from motcua.core.api.serializers import register_agency_lookup

        from .queries import agency_by_code

        # GET /api/v1/calendar/due-date?agency=CODE: the agency's office hours and calendar exceptions.
        register_agency_lookup(agency_by_code)
