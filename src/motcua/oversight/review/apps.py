from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "motcua.oversight.review"
    label = "oversight_review"
    verbose_name = "Reviews for simplification, cost, bottlenecks, workload"

    def ready(self) -> None:
        from motcua.catalog.services import register_draft_check

        from .services import overlaps_for_version

        # Announcement 437/TB-VPCP direction 1: a draft's publication checks warn of the procedures it may duplicate.
        register_draft_check("overlaps", overlaps_for_version)
