"""``/api/v1/``: steering API routes."""

urlpatterns: list = []
