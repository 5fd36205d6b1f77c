"""``/open311/v2/``: Open311 GeoReport v2 over PAKN (issue 5 point 4)."""

urlpatterns: list = []
