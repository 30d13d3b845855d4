"""The status report of a project: the Report tab and its Markdown and PDF downloads, all
for one status date (``?as_of=YYYY-MM-DD``; the project's status date when absent)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from tandem.accounts.access import Access
from tandem.errors import Invalid
from tandem.finance.report import build_status_report
from tandem.finance.report_charts import to_svg
from tandem.finance.report_markdown import to_markdown
from tandem.finance.report_pdf import to_pdf
from tandem.projects.views import project_page, tabs
from tandem.web.pages import organisation_page, signed_in


@require_GET
@organisation_page()
def report(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The report on the page, with the charts drawn as SVG and links to the downloads."""
    project = project_page(request, access, project_id)
    wanted = request.GET.get("as_of", "")
    error = None
    try:
        status = build_status_report(signed_in(request), project.pk, as_of=wanted)
    except Invalid as refusal:
        # Show the report of the default date beside the reason the asked one was refused.
        error = refusal.message
        status = build_status_report(signed_in(request), project.pk)
    sections = [
        # to_svg escapes every text it draws.
        {
            "section": s,
            "charts": [{"title": c.title, "svg": mark_safe(to_svg(c))} for c in s.charts],  # noqa: S308
        }
        for s in status.sections
    ]
    return render(
        request,
        "reports/report.html",
        {
            **tabs(access, project, "report"),
            "report": status,
            "sections": sections,
            "error": error,
            "as_of": wanted if error else status.as_of.isoformat(),
        },
        status=422 if error else 200,
    )


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@organisation_page()
def markdown(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The report as a Markdown file."""
    project = project_page(request, access, project_id)
    status = build_status_report(signed_in(request), project.pk, as_of=request.GET.get("as_of"))
    return _download(to_markdown(status), "text/markdown; charset=utf-8", status.filename("md"))


@require_GET
@organisation_page()
def pdf(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """The report as a PDF file."""
    project = project_page(request, access, project_id)
    status = build_status_report(signed_in(request), project.pk, as_of=request.GET.get("as_of"))
    return _download(to_pdf(status), "application/pdf", status.filename("pdf"))
