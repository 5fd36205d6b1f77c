"""Web pages of steering."""

app_name = "steering"

urlpatterns: list = []
