"""`tandem project`: list projects and print a project's schedule (critical path and floats)."""

from __future__ import annotations

import typer

project_app = typer.Typer(help="Projects and their schedules.", no_args_is_help=True)


def _setup() -> None:
    from tandem.cli.django_setup import setup

    setup()


@project_app.command("list")
def list_projects(
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id (all if omitted)."),
) -> None:
    """Every project with its status, dates and late tasks."""
    _setup()
    from rich.console import Console
    from rich.table import Table

    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.queries import get_organisation_for_operator, list_organisations
    from tandem.projects.queries import list_projects as projects_of

    organisations = (
        [get_organisation_for_operator(org)] if org else list(list_organisations(OPERATOR))
    )
    table = Table()
    for column in (
        "Org",
        "Key",
        "Project",
        "Status",
        "Start",
        "Finish",
        "Deadline",
        "Tasks",
        "Late",
    ):
        table.add_column(column)
    for organisation in organisations:
        for project in projects_of(OPERATOR, organisation.pk).order_by("name"):
            table.add_row(
                organisation.slug,
                project.key,
                project.name,
                project.status,
                str(project.start),
                project.finish.date().isoformat() if project.finish else "—",
                str(project.deadline or "—"),
                str(getattr(project, "task_count", "")),
                str(getattr(project, "late_count", "") or ""),
            )
    Console().print(table)


@project_app.command("schedule")
def schedule(
    project: str = typer.Argument(..., help="Project key (with --org) or id."),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
) -> None:
    """The project's critical path first, then every task with its dates and floats."""
    _setup()
    from django.utils import timezone
    from rich.console import Console
    from rich.table import Table

    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.queries import get_organisation_for_operator
    from tandem.errors import NotFound
    from tandem.projects.models import Project
    from tandem.projects.queries import critical_path, get_project, task_rows

    rows = Project.objects.all()
    if org:
        rows = rows.filter(organisation=get_organisation_for_operator(org))
    found = rows.filter(key=project.upper()).first() if not project.isdigit() else None
    found = found or (rows.filter(pk=int(project)).first() if project.isdigit() else None)
    if found is None:
        raise NotFound(f"No project with key or id '{project}'" + (f" in {org}." if org else "."))
    found = get_project(OPERATOR, found.pk)
    timezone.activate(found.organisation.time_zone)
    tasks = task_rows(found)
    path = critical_path(tasks)

    def when(value: object) -> str:
        return timezone.localtime(value).strftime("%a %d %b %Y %H:%M") if value else "—"  # type: ignore[arg-type]

    def days(minutes: int | None) -> str:
        return "—" if minutes is None else f"{minutes / 480:.1f}".rstrip("0").rstrip(".") + " d"

    table = Table(
        title=f"{found.name}: finish {when(found.finish)}"
        + (f", deadline {found.deadline}" if found.deadline else "")
        + f" · critical path {len(path)} tasks",
        title_justify="left",
    )
    for column in (
        "WBS",
        "Task",
        "Duration",
        "Early start",
        "Early finish",
        "Late start",
        "Late finish",
        "Total float",
        "Free float",
        "",
    ):
        table.add_column(
            column, justify="right" if "float" in column or column == "Duration" else "left"
        )
    critical = {r.task.pk for r in path}
    ordered = path + [r for r in tasks if r.task.pk not in critical]
    for row in ordered:
        t = row.task
        flags = " ".join(
            f
            for f, on in (
                ("critical", t.critical),
                ("deadline missed", t.deadline_missed),
                ("summary", row.summary),
            )
            if on
        )
        table.add_row(
            row.outline.number,
            t.name,
            "" if row.summary else days(t.duration),
            when(t.early_start),
            when(t.early_finish),
            when(t.late_start),
            when(t.late_finish),
            days(t.total_float),
            days(t.free_float),
            flags,
            style="bold red" if t.pk in critical else None,
        )
    Console(width=200).print(table)
