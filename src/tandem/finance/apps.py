"""Django app configuration for finance."""

from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "tandem.finance"
    label = "finance"
    verbose_name = "Finance"
