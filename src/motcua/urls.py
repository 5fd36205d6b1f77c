"""Root URLs: the portal, the API under /api/v1/, the admin, language switching."""

from django.contrib import admin
from django.urls import include, path

from motcua.core import health
from motcua.portal import views as portal_views

urlpatterns = [
    path("favicon.ico", portal_views.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("api/v1/", include("motcua.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("can-bo/", include("motcua.dossiers.web.urls_officer")),
    path("ho-so/viec-can-lam/", include("motcua.proactive.urls")),
    path("ho-so/cua-toi/", portal_views.my_dossiers, name="my_dossiers"),
    path("ho-so/", include("motcua.dossiers.web.urls_citizen")),
    path("du-lieu-cua-toi/kho/", include("motcua.exchange.store.urls")),
    path("du-lieu-cua-toi/", include("motcua.exchange.urls")),
    path("dinh-danh/", include("motcua.identity.urls")),
    path("phan-anh-kien-nghi/", include("motcua.feedback.urls")),
    path("open311/v2/", include("motcua.feedback.open311_urls")),
    path("chi-dao/", include("motcua.steering.urls")),
    path("giam-sat/chu-dong/", include("motcua.proactive.figures_urls")),
    path("giam-sat/ra-soat/", include("motcua.oversight.review.urls")),
    path("giam-sat/", include("motcua.oversight.urls")),
    path("bao-cao/", include("motcua.reports.urls")),
    path("", include("motcua.portal.urls")),
]

handler403 = "motcua.portal.views.permission_denied"
handler404 = "motcua.portal.views.page_not_found"
handler500 = "motcua.portal.views.server_error"
