from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "motcua.exchange.messaging"
    label = "exchange_messaging"
    verbose_name = "Signed messages between deployments"

    def ready(self) -> None:
        from motcua.core.eventlog import register_chained_log

        from ..audit import verify_message_log

        register_chained_log("messages", verify_message_log, order=60)  # motcua audit verify --log messages
