"""Web pages of exchange_store."""

app_name = "exchange_store"

urlpatterns: list = []
