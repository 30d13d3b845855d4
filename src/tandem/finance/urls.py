"""Finance pages: costs and earned value, forecasts, time entries, expenses and rates."""

from django.urls import path

from tandem.finance import views, views_time

app_name = "finance"

P = "o/<slug:org>/projects/<int:project_id>/"

urlpatterns = [
    path(P + "costs/", views.costs, name="costs"),
    path(P + "costs/snapshot", views.snapshot, name="snapshot"),
    path(P + "costs/expenses", views.expense_add, name="expense_add"),
    path(
        P + "costs/expenses/<int:expense_id>/delete",
        views.expense_delete,
        name="expense_delete",
    ),
    path(P + "forecast/", views.forecast, name="forecast"),
    path(P + "forecast/run", views.forecast_run, name="forecast_run"),
    path(P + "time/", views_time.time_entries, name="time"),
    path(P + "time/import", views_time.time_import, name="time_import"),
    path(P + "time/import/confirm", views_time.time_import_confirm, name="time_import_confirm"),
    path(P + "time/<int:entry_id>/", views_time.time_entry_edit, name="time_edit"),
    path(P + "time/<int:entry_id>/delete", views_time.time_entry_delete, name="time_delete"),
    path("o/<slug:org>/timesheet/", views_time.timesheet, name="timesheet"),
    path("o/<slug:org>/resources/<int:resource_id>/rates", views_time.rate_add, name="rate_add"),
    path(
        "o/<slug:org>/resources/<int:resource_id>/rates/<int:rate_id>/delete",
        views_time.rate_delete,
        name="rate_delete",
    ),
]
