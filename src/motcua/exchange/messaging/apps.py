from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "motcua.exchange.messaging"
    label = "exchange_messaging"
    verbose_name = "Signed messages between deployments"
