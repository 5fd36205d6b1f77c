"""API routes of exchange_store."""

urlpatterns: list = []
