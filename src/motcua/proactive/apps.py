from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "motcua.proactive"
    label = "proactive"
    verbose_name = "Dịch vụ công trực tuyến chủ động"
    default_auto_field = "django.db.models.BigAutoField"
