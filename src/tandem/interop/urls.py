"""Routes of the exchange pages: CSV import and export, calendar feeds."""

from django.urls import path

from tandem.interop import views_csv

app_name = "interop"

C = "o/<slug:org>/csv/<slug:kind>/<int:target_id>/"

urlpatterns = [
    path(C + "export.csv", views_csv.export, name="csv_export"),
    path(C + "import/", views_csv.import_page, name="csv_import"),
]
