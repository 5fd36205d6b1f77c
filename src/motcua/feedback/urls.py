"""Web pages of feedback."""

app_name = "feedback"

urlpatterns: list = []
