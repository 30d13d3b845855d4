"""Django app configuration for interop: its pages (CSV import and export, calendar feeds)."""

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "tandem.interop"
    label = "interop"
    verbose_name = "Interoperability"
