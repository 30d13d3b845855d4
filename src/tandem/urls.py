"""Routes of every app: pages, the REST API under /api/v1, and the health check."""

from django.urls import include, path, re_path

from tandem.web.api import api
from tandem.web.api_fallback import api_not_found

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("", include("tandem.accounts.urls")),
    path("", include("tandem.products.urls")),
    path("", include("tandem.projects.urls")),
    path("", include("tandem.finance.urls")),
    path("", include("tandem.finance.urls_report")),
    path("", include("tandem.interop.urls")),
    path("", include("tandem.web.urls")),
]

handler404 = "tandem.web.handlers.page_not_found"
handler500 = "tandem.web.handlers.server_error"
handler403 = "tandem.web.handlers.permission_denied"
