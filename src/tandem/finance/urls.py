"""Finance pages: costs and earned value, forecasts, time entries, expenses and rates."""

from django.urls import URLPattern

app_name = "finance"

urlpatterns: list[URLPattern] = []
