"""API routes of oversight_review."""

urlpatterns: list = []
