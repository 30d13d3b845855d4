"""`tandem product` and `tandem metric`: list products, record and import measurements.

The commands act as the operator and call the same services as the pages and the API.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import datetime, time
from pathlib import Path
from typing import Any

import typer

from tandem.cli.errors import fail

product_app = typer.Typer(help="Products and their lifecycle.", no_args_is_help=True)
metric_app = typer.Typer(
    help="Success metrics: record and import measurements.", no_args_is_help=True
)

# Files this long get a progress bar while they are checked and written.
PROGRESS_FROM_ROWS = 2000


def _setup() -> None:
    from tandem.cli.django_setup import setup

    setup()


def _organisation(org: str | None) -> Any:
    from tandem.accounts.queries import get_organisation_for_operator

    return get_organisation_for_operator(org) if org else None


@product_app.command("list")
def list_products(
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id (all if omitted)."),
) -> None:
    """Every product with its stage, metric health and open roadmap items."""
    _setup()
    from rich.console import Console
    from rich.table import Table

    from tandem.accounts.actors import OPERATOR
    from tandem.accounts.queries import list_organisations
    from tandem.products.queries import portfolio

    chosen = _organisation(org)
    organisations = [chosen] if chosen else list(list_organisations(OPERATOR))
    table = Table()
    for column in ("Org", "Key", "Product", "Stage", "Owner", "Metric health", "Open items"):
        table.add_column(column)
    for organisation in organisations:
        for row in portfolio(OPERATOR, organisation.pk):
            product = row.product
            health = ", ".join(
                f"{count} {name.replace('_', ' ')}" for name, count in row.health_counts
            )
            table.add_row(
                organisation.slug,
                product.key,
                product.name,
                product.stage,
                product.owner.display_name if product.owner else "—",
                health or "—",
                str(row.open_items),
            )
    Console(width=160).print(table)


def _product(key: str, org: str | None) -> Any:
    from tandem.errors import NotFound
    from tandem.products.queries import find_products_by_key

    found = find_products_by_key(key, _organisation(org))
    if not found:
        raise NotFound(f"No product with key or id '{key}'.", code="product.not_found")
    if len(found) > 1:
        fail(f"'{key}' names products in several organisations; add --org.")
    return found[0]


def _moment(text: str | None, time_zone: str) -> datetime | None:
    """--at as an aware datetime: a date means midnight in the organisation's time zone."""
    import zoneinfo

    if text is None:
        return None
    zone = zoneinfo.ZoneInfo(time_zone)
    try:
        if "T" in text or " " in text.strip():
            moment = datetime.fromisoformat(text.strip())
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)
        return datetime.combine(datetime.fromisoformat(text.strip()).date(), time.min, zone)
    except ValueError:
        fail(f"--at '{text}' is not a date such as 2026-03-01 or 2026-03-01T09:30.")
    return None


@metric_app.command("record")
def record(
    product: str = typer.Argument(..., help="Product key (or id)."),
    metric: str = typer.Argument(..., help="Metric key (or id)."),
    value: float = typer.Argument(..., help="The measured value."),
    at: str | None = typer.Option(
        None, "--at", help="When: a date or date and time; now if omitted."
    ),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
) -> None:
    """Record one measurement of a product's metric."""
    _setup()
    from tandem.accounts.actors import OPERATOR
    from tandem.products.queries import get_metric_by_key
    from tandem.products.queries_metrics import metric_health
    from tandem.products.services_metrics import record_measurement

    found = _product(product, org)
    chosen = get_metric_by_key(found, metric)
    moment = _moment(at, found.organisation.time_zone)
    measurement = record_measurement(OPERATOR, chosen.pk, value=value, at=moment)
    health = metric_health(OPERATOR, chosen.pk).health
    unit = f" {chosen.unit}" if chosen.unit else ""
    typer.echo(
        f"Recorded {measurement.value:g}{unit} for {chosen.name} ({found.name}) at "
        f"{measurement.at:%Y-%m-%d %H:%M} UTC; health: {health.label.lower()}."
    )


def _organisation_of_file(text: str) -> Any:
    """The one organisation whose products the file names (for imports without --org)."""
    from tandem.products.models import Product

    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    keys = {(row.get("product") or "").strip().lower() for row in reader} - {""}
    if not keys:
        fail("The file names no products; add a product column or use --org.")
    organisations = {
        p.organisation for p in Product.objects.filter(key__in=keys).select_related("organisation")
    }
    if len(organisations) != 1:
        fail(
            "The file's products are in several organisations (or none); add --org."
            if organisations
            else f"No organisation has the products {', '.join(sorted(keys))}."
        )
    return organisations.pop()


@metric_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="CSV with the header product,metric,at,value."),
    org: str | None = typer.Option(None, "--org", help="Organisation slug or id."),
) -> None:
    """Import measurements from a CSV file: all rows, or none and every bad row listed."""
    _setup()
    from rich.console import Console
    from rich.progress import Progress

    from tandem.accounts.actors import OPERATOR
    from tandem.errors import Invalid
    from tandem.products.services_import import import_measurements

    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        fail(f"No file {file}.")
    except (UnicodeDecodeError, IsADirectoryError):
        fail(f"{file} is not a UTF-8 text file.")
    organisation = _organisation(org) or _organisation_of_file(text)
    long_file = text.count("\n") >= PROGRESS_FROM_ROWS
    try:
        if long_file:
            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task(f"Importing {file.name}", total=None)

                def advance(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                result = import_measurements(OPERATOR, organisation.pk, text, progress=advance)
        else:
            result = import_measurements(OPERATOR, organisation.pk, text)
    except Invalid as error:
        for problem in error.details.get("errors", []):
            where = f" ({problem['field']})" if problem.get("field") else ""
            print(f"line {problem['row']}{where}: {problem['message']}", file=sys.stderr)
        raise
    count = len(result.metrics)
    typer.echo(
        f"Imported {result.created} measurement{'s' if result.created != 1 else ''} of "
        f"{count} metric{'s' if count != 1 else ''} into {organisation.name}."
    )
