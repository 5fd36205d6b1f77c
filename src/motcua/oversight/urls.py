"""Web pages of oversight."""

app_name = "oversight"

urlpatterns: list = []
