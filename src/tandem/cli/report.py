"""`tandem report PROJECT`: a project's status report as Markdown or PDF, made as the
operator for a status date (the project's own when --as-of is left out)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from tandem.cli.errors import fail


class ReportFormat(StrEnum):
    MD = "md"
    PDF = "pdf"


def _project_id(project: str, org: str | None) -> int:
    """The id of the project named by key (within --org when given) or by id."""
    from tandem.accounts.queries import get_organisation_for_operator
    from tandem.errors import NotFound
    from tandem.projects.models import Project

    rows = Project.objects.all()
    if org:
        rows = rows.filter(organisation=get_organisation_for_operator(org))
    matches = list(rows.filter(key=project.upper()).values_list("pk", flat=True)[:2])
    if not matches and project.isdigit():
        matches = list(rows.filter(pk=int(project)).values_list("pk", flat=True))
    if len(matches) > 1:
        fail(f"Several organisations have a project {project.upper()}: say which with --org.")
    if not matches:
        where = f" in {org}" if org else ""
        raise NotFound(f"No project with key or id '{project}'{where}.", code="project.not_found")
    return int(matches[0])


def report(
    project: str = typer.Argument(..., help="Project key (with --org if keys repeat) or id."),
    format: ReportFormat = typer.Option(ReportFormat.MD, "--format", "-f", help="md or pdf."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Status date YYYY-MM-DD (default: the project's status date)."
    ),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="File to write, or - for standard output. Default: Markdown to standard output, "
        "a PDF to KEY-status-DATE.pdf here.",
    ),
) -> None:
    """A project's status report as Markdown or PDF: schedule against the baseline,
    milestones, earned value and its trend, the Monte Carlo forecast, risks and drivers."""
    from tandem.cli.django_setup import setup

    setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.finance.report import build_status_report
    from tandem.finance.report_markdown import to_markdown
    from tandem.finance.report_pdf import to_pdf

    status = build_status_report(OPERATOR, _project_id(project, org), as_of=as_of)
    body = to_pdf(status) if format is ReportFormat.PDF else to_markdown(status).encode()
    if output is None and format is ReportFormat.PDF:
        output = Path(status.filename("pdf"))
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(body)
    except OSError as error:
        fail(f"Cannot write {output}: {error.strerror}.")
    print(f"Wrote {output} ({status.project.name}, status date {status.as_of}).", file=sys.stderr)
