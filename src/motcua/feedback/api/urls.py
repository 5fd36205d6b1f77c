"""``/api/v1/``: feedback API routes."""

urlpatterns: list = []
