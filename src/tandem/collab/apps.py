"""Django app configuration for collab."""

from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "tandem.collab"
    label = "collab"
    verbose_name = "Collaboration"
