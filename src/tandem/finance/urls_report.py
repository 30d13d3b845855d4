"""Status report pages and downloads."""

from django.urls import path

from tandem.finance import views_report

app_name = "reports"

P = "o/<slug:org>/projects/<int:project_id>/"

urlpatterns = [
    path(P + "report/", views_report.report, name="report"),
    path(P + "report.md", views_report.markdown, name="markdown"),
    path(P + "report.pdf", views_report.pdf, name="pdf"),
]
