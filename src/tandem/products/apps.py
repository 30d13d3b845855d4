"""Django app configuration for products."""

from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "tandem.products"
    label = "products"
    verbose_name = "Products"
