"""Finance pages: costs and earned value, forecasts, time entries, expenses and rates."""

from django.urls import path  # noqa: F401  (routes are added below as pages land)

app_name = "finance"

urlpatterns: list = []  # type: ignore[type-arg]
