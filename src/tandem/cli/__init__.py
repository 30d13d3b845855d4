"""The `tandem` command: serve, db, demo, user, token, org (and later schedule, import ...).

Commands that need no database import no Django, so they start quickly; the others set
Django up on first use.
"""

from __future__ import annotations

import sys

import typer

from tandem.cli import (
    accounts,
    db,
    demo,
    exchange,
    files,
    finance,
    forecast,
    products,
    projects,
    report,
    schedule,
    serve,
)

app = typer.Typer(
    name="tandem",
    help="tandem: product and project management in one system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.command("schedule")(schedule.schedule)
app.command("forecast")(forecast.forecast)
app.add_typer(db.app, name="db")
app.command("demo")(demo.demo)
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.token_app, name="token")
app.add_typer(accounts.org_app, name="org")
app.add_typer(products.product_app, name="product")
app.add_typer(products.metric_app, name="metric")
app.add_typer(projects.project_app, name="project")
app.command("report")(report.report)
app.command("snapshot")(finance.snapshot)
app.command("csv-export")(exchange.csv_export)
app.command("csv-import")(exchange.csv_import)
app.command("backup")(exchange.backup)
app.command("restore")(exchange.restore)
app.command("import")(files.import_plan)
app.command("export")(files.export_plan)


def main() -> None:
    """Console entry point: domain errors become one line on stderr and exit code 2."""
    from tandem.cli.errors import run

    sys.exit(run(app))
