"""Status report pages and downloads."""

from django.urls import path  # noqa: F401  (routes are added below as pages land)

app_name = "reports"

urlpatterns: list = []  # type: ignore[type-arg]
