"""``/api/v1/``: identity API routes."""

urlpatterns: list = []
