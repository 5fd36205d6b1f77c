"""Web pages of exchange_messaging."""

app_name = "exchange_messaging"

urlpatterns: list = []
