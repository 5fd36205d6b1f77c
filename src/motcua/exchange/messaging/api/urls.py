"""API routes of exchange_messaging."""

urlpatterns: list = []
