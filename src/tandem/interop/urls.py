"""Routes of the exchange pages: CSV import and export, calendar feeds, project files."""

from django.urls import path

from tandem.interop import views_csv, views_feeds, views_files

app_name = "interop"

C = "o/<slug:org>/csv/<slug:kind>/<int:target_id>/"

urlpatterns = [
    path(C + "export.csv", views_csv.export, name="csv_export"),
    path(C + "import/", views_csv.import_page, name="csv_import"),
    path("o/<slug:org>/projects/import/", views_files.plan_import_page, name="plan_import"),
    path(
        "o/<slug:org>/projects/<int:project_id>/export.xml",
        views_files.export_xml,
        name="plan_export",
    ),
    path("feeds/<str:secret>.ics", views_feeds.feed, name="feed"),
    path("o/<slug:org>/feeds/", views_feeds.feed_list, name="feeds"),
    path("o/<slug:org>/feeds/<int:feed_id>/revoke/", views_feeds.feed_revoke, name="feed_revoke"),
    path(
        "o/<slug:org>/feeds/<int:feed_id>/regenerate/",
        views_feeds.feed_regenerate,
        name="feed_regenerate",
    ),
]
