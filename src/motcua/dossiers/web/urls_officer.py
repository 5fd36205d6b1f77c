"""URL routes (filled in by the dossiers slices of issue 3)."""

urlpatterns: list = []
