"""Web pages of exchange."""

app_name = "exchange"

urlpatterns: list = []
