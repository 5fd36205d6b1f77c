"""``/api/v1/``: every package's API routes, the OpenAPI schema and its offline docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from motcua.core.csp import relax_styles
from motcua.dossiers.api import store as dossier_store

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The documentation viewers load their script from a separate address (no inline script under the
    # Content-Security-Policy); they set styles inline, which their pages alone may.
    path("docs/", relax_styles(SpectacularSwaggerSplitView.as_view(url_name="api-schema",
                                                                   template_name="api/swagger_ui.html")),
         name="api-docs"),
    path("redoc/", relax_styles(SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")),
         name="api-redoc"),
    path("calendar/", include("motcua.core.api.urls")),
    path("", include("motcua.catalog.api.urls")),
    path("", include("motcua.dossiers.api.urls")),
    path("", include("motcua.exchange.api.urls")),
    # The personal data store used in a dossier writes the dossier: served by the dossiers at the store's addresses.
    path("me/store/registry-extract", dossier_store.RegistryExtractView.as_view(), name="store-registry-extract"),
    path("me/store/<int:item_id>/reuse", dossier_store.StoreReuseView.as_view(), name="store-reuse"),
    path("me/store/", include("motcua.exchange.store.api.urls")),
    path("exchange/", include("motcua.exchange.messaging.api.urls")),
    path("", include("motcua.identity.api.urls")),
    path("feedback/", include("motcua.feedback.api.urls")),
    path("steering/", include("motcua.steering.api.urls")),
    path("oversight/review/", include("motcua.oversight.review.api.urls")),
    path("oversight/", include("motcua.oversight.api.urls")),
]
