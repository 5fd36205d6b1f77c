from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    verbose_name = "Feedback and petitions (PAKN), Open311"
