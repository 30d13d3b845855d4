"""`tandem import` and `tandem export`: project files of other tools in, MS Project XML out.

Both call the same services as the upload page and the API. An import is one transaction, so a
refusal (one line, exit code 2) leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tandem.cli.errors import fail
from tandem.interop.plan_file import describe_counts


def _setup() -> None:
    from tandem.cli.django_setup import setup

    setup()


def _actor(email: str | None) -> Any:
    """The operator, or the member named by --as (whose role then decides what they may do)."""
    from tandem.accounts.actors import OPERATOR

    if email is None:
        return OPERATOR
    from tandem.accounts.models import User, normalise_email
    from tandem.errors import NotFound

    user = User.objects.filter(email=normalise_email(email), is_active=True).first()
    if user is None:
        raise NotFound(f"No account for {email}.", code="user.not_found")
    return user


def _organisation(org: str | None, actor: Any) -> Any:
    """The organisation named by --org; without it the only one there is (or the actor has)."""
    from tandem.accounts.models import Organisation
    from tandem.accounts.queries import get_organisation_for_operator

    if org:
        return get_organisation_for_operator(org)
    rows = Organisation.objects.order_by("slug")
    if actor.pk is not None:
        rows = rows.filter(memberships__user=actor)
    found = list(rows[:2])
    if len(found) != 1:
        fail(
            "Name the organisation with --org ("
            + ("none exists" if not found else "several exist")
            + ")."
        )
    return found[0]


def import_plan(
    file: Path = typer.Argument(
        ...,
        help="The project file: MS Project .xml/.mpp/.mpx, Primavera .xer/.pmxml/P6 .xml, "
        "GanttProject .gan or Planner .planner.",
    ),
    project: str | None = typer.Option(
        None, "--project", help="Name of the new project (default: the name in the file)."
    ),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
    as_email: str | None = typer.Option(
        None, "--as", help="Import as this member (default: the operator)."
    ),
) -> None:
    """Import a project file as a new project: everything in one transaction, or nothing."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        fail(f"No file {file}.")
    except (IsADirectoryError, PermissionError) as error:
        fail(f"Cannot read {file}: {error.strerror}.")
    _setup()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tandem.interop.plan_import import import_file

    actor = _actor(as_email)
    organisation = _organisation(org, actor)
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,  # no bar in logs and pipes: just the closing line
    )
    with bar:
        task = bar.add_task(f"Reading {file.name}", total=None)

        def advance(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total or None)

        result = import_file(
            actor, organisation.pk, file.name, data, project_name=project, progress=advance
        )
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    typer.echo(
        f"Imported {result.project.name} ({result.project.key}, id {result.project.pk}) "
        f"into {organisation.slug}: {describe_counts(result.counts)} in {result.seconds:.1f} s."
    )


def _project(name: str, organisation: Any) -> int:
    """The id of the project a command line names by key, id or (exact) name."""
    from tandem.errors import Invalid, NotFound
    from tandem.projects.models import Project

    rows = Project.objects.all()
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    found = list(rows.filter(key=name.strip().upper()))
    if not found and name.isdigit():
        found = list(rows.filter(pk=int(name)))
    if not found:
        found = list(rows.filter(name__iexact=name.strip()))
    if not found:
        raise NotFound(f"No project '{name}'.", code="project.not_found")
    if len(found) > 1:
        raise Invalid(f"'{name}' names several projects; add --org.", field="project")
    return int(found[0].pk)


def export_plan(
    project: str = typer.Argument(..., help="Project key, id or name."),
    out: Path = typer.Argument(..., help="Where to write the MS Project XML file."),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
    as_email: str | None = typer.Option(
        None, "--as", help="Export as this member (default: the operator)."
    ),
) -> None:
    """Write a project as MS Project XML (MSPDI), which MS Project and most planners open."""
    _setup()
    from tandem.accounts.queries import get_organisation_for_operator
    from tandem.interop.mspdi_write import export_mspdi

    actor = _actor(as_email)
    organisation = get_organisation_for_operator(org) if org else None
    data, _ = export_mspdi(actor, _project(project, organisation))
    try:
        out.write_bytes(data)
    except OSError as error:
        fail(f"Cannot write {out}: {error.strerror}.")
    typer.echo(f"Wrote {out} ({len(data):,} bytes).", err=True)
