"""``/api/v1/``: oversight API routes."""

urlpatterns: list = []
