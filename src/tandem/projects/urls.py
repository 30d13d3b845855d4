"""Routes of the projects pages."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "projects"

urlpatterns: list[URLPattern] = []
