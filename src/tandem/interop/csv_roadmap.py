"""A product's roadmap items as CSV, and back.

Columns (docs/exchange.md): title, kind, status, horizon, target_quarter, start_date,
end_date, shipped_on, release, owner_team, goals, reach, reach_metric, reach_share, impact,
confidence, effort, business_value, time_criticality, risk_reduction, job_size,
expected_impacts, description. Only ``title`` is required. Related rows are named, not
numbered: the release by its label, the team by its name, goals by their titles and metrics
by their keys; lists are separated by semicolons ("wau:+120; nps:-2" for expected impacts).

Each row goes through the roadmap services in a savepoint, so a row is judged by exactly the
rules the pages apply; any bad row rolls the whole file back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.errors import DomainError
from tandem.interop.csv_rows import (
    RowError,
    Table,
    format_number,
    parse_number,
    read_table,
    refuse,
    write_table,
)
from tandem.products import services_roadmap
from tandem.products.access import access_row
from tandem.products.models import Goal, Metric, Product, Release, RoadmapItem, Team

CODE = "roadmap_item.import"
COLUMNS = (
    "title",
    "kind",
    "status",
    "horizon",
    "target_quarter",
    "start_date",
    "end_date",
    "shipped_on",
    "release",
    "owner_team",
    "goals",
    "reach",
    "reach_metric",
    "reach_share",
    "impact",
    "confidence",
    "effort",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "expected_impacts",
    "description",
)
TEXT = ("kind", "status", "horizon", "target_quarter", "description")
DATES = ("start_date", "end_date", "shipped_on")
NUMBERS = (
    "reach",
    "reach_share",
    "impact",
    "confidence",
    "effort",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
)
# The service's field names for the columns that name related rows.
SERVICE_FIELDS = {
    "owner_team_id": "owner_team",
    "reach_metric_id": "reach_metric",
    "release_id": "release",
    "goal_ids": "goals",
    "metric_id": "expected_impacts",
    "change": "expected_impacts",
    "note": "expected_impacts",
}


@dataclass
class RoadmapImport:
    """What an import wrote."""

    items: int = 0
    impacts: int = 0

    @property
    def created(self) -> int:
        return self.items

    def summary(self) -> str:
        return (
            f"{self.items} roadmap item{'s' if self.items != 1 else ''} with {self.impacts} "
            f"expected impact{'s' if self.impacts != 1 else ''}"
        )


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


# -- export ----------------------------------------------------------------------------------


def export_roadmap(actor: Actor, product_id: int) -> str:
    """Every roadmap item of the product, oldest first, as CSV text."""
    _, product = access_row(actor, Product, product_id)
    items = (
        RoadmapItem.objects.filter(product=product)
        .select_related("owner_team", "reach_metric", "release")
        .prefetch_related("goals", "impacts__metric")
        .order_by("id")
    )
    lines = []
    for item in items:
        line: dict[str, str] = {name: str(getattr(item, name) or "") for name in TEXT}
        for name in DATES:
            value = getattr(item, name)
            line[name] = value.isoformat() if value else ""
        for name in NUMBERS:
            line[name] = format_number(getattr(item, name))
        line["title"] = item.title
        line["release"] = item.release.label if item.release else ""
        line["owner_team"] = item.owner_team.name if item.owner_team else ""
        line["reach_metric"] = item.reach_metric.key if item.reach_metric else ""
        line["goals"] = "; ".join(g.title for g in sorted(item.goals.all(), key=lambda g: g.pk))
        line["expected_impacts"] = "; ".join(
            f"{impact.metric.key}:{'+' if impact.change > 0 else ''}{format_number(impact.change)}"
            for impact in sorted(item.impacts.all(), key=lambda i: i.metric.key)
        )
        lines.append(line)
    return write_table(COLUMNS, lines)


# -- import ----------------------------------------------------------------------------------


class _Names:
    """The product's related rows by the names a file uses for them."""

    def __init__(self, product: Product) -> None:
        self.releases = {r.label: r.pk for r in Release.objects.filter(product=product)}
        self.teams = {
            t.name.casefold(): t.pk for t in Team.objects.filter(organisation=product.organisation)
        }
        self.metrics = {m.key: m.pk for m in Metric.objects.filter(product=product)}
        self.goals: dict[str, list[int]] = {}
        for goal in Goal.objects.filter(product=product):
            self.goals.setdefault(goal.title.casefold(), []).append(goal.pk)


def _values(
    names: _Names, line: int, row: dict[str, str], errors: list[RowError]
) -> tuple[dict[str, Any], list[tuple[int, float]]]:
    """The service's values for one row, and its expected impacts as (metric id, change)."""
    values: dict[str, Any] = {}
    for name in TEXT:
        if name not in row or (name in ("kind", "status") and not row[name].strip()):
            continue  # a blank kind or status takes the default
        values[name] = row[name].strip() if name != "description" else row[name]
    for name in DATES:
        text = row.get(name, "").strip()
        if text:
            try:
                values[name] = date.fromisoformat(text)
            except ValueError:
                errors.append(RowError(line, name, f"'{text}' is not a date such as 2030-01-07."))
    for name in NUMBERS:
        text = row.get(name, "").strip()
        if text:
            try:
                values[name] = parse_number(text)
            except ValueError:
                errors.append(RowError(line, name, f"'{text}' is not a number."))
    label = row.get("release", "").strip()
    if label:
        if label not in names.releases:
            errors.append(RowError(line, "release", f"The product has no release '{label}'."))
        values["release_id"] = names.releases.get(label)
    team = row.get("owner_team", "").strip()
    if team:
        if team.casefold() not in names.teams:
            errors.append(RowError(line, "owner_team", f"No team is called '{team}'."))
        values["owner_team_id"] = names.teams.get(team.casefold())
    key = row.get("reach_metric", "").strip().lower()
    if key:
        if key not in names.metrics:
            errors.append(RowError(line, "reach_metric", f"The product has no metric '{key}'."))
        values["reach_metric_id"] = names.metrics.get(key)
    goal_ids = []
    for title in _split(row.get("goals", "")):
        found = names.goals.get(title.casefold(), [])
        if len(found) != 1:
            problem = "no goal" if not found else "several goals"
            errors.append(RowError(line, "goals", f"The product has {problem} called '{title}'."))
        else:
            goal_ids.append(found[0])
    if goal_ids:
        values["goal_ids"] = goal_ids
    impacts = []
    for entry in _split(row.get("expected_impacts", "")):
        key, _, change = entry.partition(":")
        metric_id = names.metrics.get(key.strip().lower())
        try:
            number = parse_number(change)
        except ValueError:
            errors.append(
                RowError(line, "expected_impacts", f"'{entry}' is not metric:change, e.g. wau:+5.")
            )
            continue
        if metric_id is None:
            errors.append(
                RowError(line, "expected_impacts", f"The product has no metric '{key.strip()}'.")
            )
            continue
        impacts.append((metric_id, number))
    return values, impacts


def read_roadmap(text: str) -> Table:
    """The file's header and rows; refuses a file that is not a roadmap CSV."""
    return read_table(
        text, code=CODE, required=("title",), known=COLUMNS, expected=",".join(COLUMNS)
    )


@transaction.atomic
def import_roadmap(actor: Actor, product_id: int, text: str) -> RoadmapImport:
    """Add the file's items (and their expected impacts) to the product's roadmap.

    Any invalid row refuses the whole file: Invalid (code roadmap_item.import_invalid) lists
    every bad row in ``details["errors"]`` and nothing is written.
    """
    _, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT)
    table = read_roadmap(text)
    names = _Names(product)
    errors: list[RowError] = []
    result = RoadmapImport()
    for line, row in table.rows:
        before = len(errors)
        values, impacts = _values(names, line, row, errors)
        if len(errors) > before:
            continue
        title = values.pop("title", row.get("title", ""))
        try:
            # A savepoint per row: a refused row leaves no trace, the others go on being checked.
            with transaction.atomic():
                item = services_roadmap.create_roadmap_item(
                    actor, product.pk, title=title, **values
                )
                for metric_id, change in impacts:
                    services_roadmap.add_expected_impact(
                        actor, item.pk, metric_id=metric_id, change=change
                    )
        except DomainError as refusal:
            column = SERVICE_FIELDS.get(refusal.field or "", refusal.field)
            errors.append(RowError(line, column, refusal.message))
            continue
        result.items += 1
        result.impacts += len(impacts)
    refuse(errors, code=CODE)
    return result
