"""`tandem snapshot`: keep every active project's earned value figures (the weekly job)."""

from __future__ import annotations

from datetime import date

import typer


def snapshot(
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id (all if omitted)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Status date (default: today)."),
) -> None:
    """Snapshot the earned value of every active project (run it weekly, e.g. from cron)."""
    from tandem.cli.django_setup import setup

    setup()
    from rich.console import Console

    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.queries import get_organisation_for_operator, list_organisations
    from tandem.finance.services import snapshot_projects

    day = None if as_of is None else date.fromisoformat(as_of)
    organisations = (
        [get_organisation_for_operator(org)] if org else list(list_organisations(OPERATOR))
    )
    console = Console()
    for organisation in organisations:
        count = snapshot_projects(OPERATOR, organisation.pk, status_date=day)
        console.print(f"{organisation.slug}: {count} project(s) snapshotted")
