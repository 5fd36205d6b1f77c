"""API routes of exchange_messaging, mounted at ``/api/v1/exchange/``."""

from django.urls import path

from .views import MessagesView, WhoAmIView

urlpatterns = [
    path("messages", MessagesView.as_view(), name="exchange-messages"),
    path("whoami", WhoAmIView.as_view(), name="exchange-whoami"),
]
