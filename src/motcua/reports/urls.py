"""Web pages of reports."""

app_name = "reports"

urlpatterns: list = []
