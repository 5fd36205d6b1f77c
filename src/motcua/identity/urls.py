"""Web pages of identity."""

app_name = "identity"

urlpatterns: list = []
