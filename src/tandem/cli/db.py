"""`tandem db`: bring the database schema up to date."""

from __future__ import annotations

import typer

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply every pending migration (creates the SQLite database on first run)."""
    from tandem.cli.django_setup import setup

    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from rich.console import Console

    console = Console(stderr=True)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        console.print("Database schema is up to date.")
        return
    with console.status(f"Applying {len(plan)} migrations…"):
        call_command("migrate", interactive=False, verbosity=0)
    console.print(f"Applied {len(plan)} migrations to the {connection.vendor} database.")
