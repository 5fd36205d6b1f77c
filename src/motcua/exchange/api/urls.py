"""``/api/v1/``: exchange API routes."""

urlpatterns: list = []
