"""Web pages of oversight_review."""

app_name = "oversight_review"

urlpatterns: list = []
