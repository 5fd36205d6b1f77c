from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "motcua.oversight.review"
    label = "oversight_review"
    verbose_name = "Reviews for simplification, cost, bottlenecks, workload"
