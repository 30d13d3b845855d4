"""`tandem demo`: load or refresh the demo organisation."""

from __future__ import annotations

import typer


def demo(
    if_missing: bool = typer.Option(
        False, "--if-missing", help="Load only when the demo organisation does not exist yet."
    ),
) -> None:
    """Load the demo organisation, replacing it when it exists (unless --if-missing)."""
    from tandem.cli.django_setup import setup

    setup()
    from rich.console import Console
    from rich.table import Table

    from tandem.demo import DEMO_PASSWORD, DEMO_USERS, demo_exists, load_demo

    console = Console(stderr=True)
    if if_missing and demo_exists():
        console.print("Demo organisation already loaded.")
    else:
        with console.status("Loading the demo organisation…"):
            organisation = load_demo()
        console.print(f"Loaded the demo organisation [bold]{organisation.name}[/].")
    table = Table(title=f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
    table.add_column("Email")
    table.add_column("Name")
    table.add_column("Role")
    for person in DEMO_USERS:
        table.add_row(person.email, person.name, person.role.label)
    console.print(table)
