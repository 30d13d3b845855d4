"""Routes of the products pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "products"

urlpatterns: list[URLPattern] = []
