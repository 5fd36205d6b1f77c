"""``/api/v1/``: reports API routes."""

urlpatterns: list = []
