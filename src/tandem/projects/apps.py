"""Django app configuration for projects."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "tandem.projects"
    label = "projects"
    verbose_name = "Projects"
