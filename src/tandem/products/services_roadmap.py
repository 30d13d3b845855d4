"""Writes of the roadmap: items with their scores' inputs and timing, moves on the board,
expected impacts on metrics.

Every function checks access first and runs in one transaction with its journal entry.
Releases are in services_releases.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from tandem.accounts.actors import Actor
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.core.scoring import IMPACT_SCALE
from tandem.errors import Conflict, Invalid
from tandem.products.access import access_row, ensure_active
from tandem.products.inputs import (
    clean_choice,
    clean_date_range,
    clean_float,
    clean_number,
    clean_quarter,
    clean_text,
    refuse_unknown,
)
from tandem.products.models import (
    HORIZONS,
    ITEM_KINDS,
    ITEM_STATUSES,
    ExpectedImpact,
    Goal,
    Metric,
    Product,
    Release,
    RoadmapItem,
    Team,
)
from tandem.versioning import bump, expect_version

ITEM_FIELDS = (
    "title",
    "kind",
    "description",
    "status",
    "owner_team_id",
    "goal_ids",
    "horizon",
    "target_quarter",
    "start_date",
    "end_date",
    "reach",
    "reach_metric_id",
    "reach_share",
    "impact",
    "confidence",
    "effort",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "release_id",
    "shipped_on",
)
# (field, bounds) of the numeric score inputs; all optional, an item without them is unscored.
SCORE_INPUTS: dict[str, dict[str, float]] = {
    "reach": {"minimum": 0},
    "reach_share": {"above": 0, "maximum": 100},
    "confidence": {"minimum": 0, "maximum": 100},
    "effort": {"above": 0},
    "business_value": {"minimum": 0},
    "time_criticality": {"minimum": 0},
    "risk_reduction": {"minimum": 0},
    "job_size": {"above": 0},
}


def _related(model: type[Model], product: Product, pk: Any, field: str, noun: str) -> Any:
    if pk in (None, ""):
        return None
    rows = model._default_manager.filter(pk=pk, product=product) if str(pk).isdigit() else None
    row = rows.first() if rows is not None else None
    if row is None:
        raise Invalid(f"{noun} {pk} is not part of {product.name}.", field=field)
    return row


def _apply_item(item: RoadmapItem, product: Product, values: dict[str, Any]) -> list[Goal] | None:
    """Clean ``values`` onto ``item``; return the goals to link (None: leave them)."""
    if "title" in values:
        item.title = clean_text(values["title"], "title", 200)
    if "kind" in values:
        item.kind = clean_choice(values["kind"], ITEM_KINDS, "kind")
    if "description" in values:
        item.description = clean_text(values["description"], "description", 20000, required=False)
    if "horizon" in values:
        item.horizon = clean_choice(values["horizon"], HORIZONS, "horizon", blank=True)
    if "target_quarter" in values:
        item.target_quarter = clean_quarter(values["target_quarter"])
    for field in ("start_date", "end_date", "shipped_on"):
        if field in values:
            value = values[field] or None
            if value is not None and not isinstance(value, date):
                raise Invalid(f"The {field.replace('_', ' ')} must be a date.", field=field)
            setattr(item, field, value)
    clean_date_range(item.start_date, item.end_date)
    if "owner_team_id" in values:
        team_id = values["owner_team_id"]
        team = None
        if team_id not in (None, ""):
            team = (
                Team.objects.filter(pk=team_id, organisation_id=product.organisation_id).first()
                if str(team_id).isdigit()
                else None
            )
            if team is None:
                raise Invalid(f"Team {team_id} does not exist here.", field="owner_team_id")
        item.owner_team = team
    for field, bounds in SCORE_INPUTS.items():
        if field in values:
            required = field == "reach_share"
            value = clean_number(values[field], field, required=required, **bounds)
            setattr(item, field, value)
    if "impact" in values:
        impact = clean_number(values["impact"], "impact", required=False)
        if impact is not None and impact not in IMPACT_SCALE:
            raise Invalid(
                "Impact is one of 0.25 (minimal), 0.5 (low), 1 (medium), 2 (high) or 3 (massive).",
                field="impact",
            )
        item.impact = impact
    if "reach_metric_id" in values:
        item.reach_metric = _related(
            Metric, product, values["reach_metric_id"], "reach_metric_id", "Metric"
        )
    if item.reach_metric_id is not None and item.reach is not None:
        raise Invalid(
            "Reach is either typed in or taken from a metric, not both.",
            field="reach",
            code="roadmap_item.reach_twice",
        )
    if "release_id" in values:
        item.release = _related(Release, product, values["release_id"], "release_id", "Release")
    if "status" in values:
        item.status = clean_choice(values["status"], ITEM_STATUSES, "status")
    if item.status == "shipped" and item.shipped_on is None:
        item.shipped_on = timezone.localdate()
    if item.status != "shipped":
        item.shipped_on = None
    goals = None
    if "goal_ids" in values:
        goals = [
            _related(Goal, product, goal_id, "goal_ids", "Goal")
            for goal_id in dict.fromkeys(values["goal_ids"] or ())
        ]
    return goals


@transaction.atomic
def create_roadmap_item(actor: Actor, product_id: int, *, title: str, **values: Any) -> RoadmapItem:
    """A new roadmap item; every field but the title is optional (see ITEM_FIELDS)."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT)
    refuse_unknown(values, ITEM_FIELDS)
    ensure_active(product)
    item = RoadmapItem(product=product)
    goals = _apply_item(item, product, {"title": title, **values})
    item.save()
    if goals is not None:
        item.goals.set(goals)
    record_activity(
        actor,
        access.organisation,
        action="products.roadmap_item.created",
        target=item,
        summary=f"added “{item.title}” to the roadmap of {product.name}",
    )
    return item


@transaction.atomic
def update_roadmap_item(
    actor: Actor, item_id: int, *, version: int | None, **changes: Any
) -> RoadmapItem:
    """Change any field of a roadmap item (see ITEM_FIELDS)."""
    access, item = access_row(actor, RoadmapItem, item_id, Permission.EDIT_PRODUCT, lock=True)
    refuse_unknown(changes, ITEM_FIELDS)
    product = item.product
    ensure_active(product)
    expect_version(item, version)
    goals = _apply_item(item, product, changes)
    bump(item)
    item.save()
    if goals is not None:
        item.goals.set(goals)
    record_activity(
        actor,
        access.organisation,
        action="products.roadmap_item.updated",
        target=item,
        summary=f"updated the roadmap item “{item.title}”",
        data={"fields": sorted(changes)},
    )
    return item


@transaction.atomic
def move_roadmap_item(
    actor: Actor, item_id: int, *, version: int | None, horizon: str
) -> RoadmapItem:
    """Move an open item to now, next or later (the board's drag and drop)."""
    access, item = access_row(actor, RoadmapItem, item_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(item.product)
    expect_version(item, version)
    if not item.is_open:
        raise Conflict(
            f"“{item.title}” is {item.status.replace('_', ' ')}; only open items move on the "
            "board.",
            code="roadmap_item.not_open",
        )
    before = item.horizon
    item.horizon = clean_choice(horizon, HORIZONS, "horizon")
    bump(item)
    item.save(update_fields=["horizon", "version"])
    record_activity(
        actor,
        access.organisation,
        action="products.roadmap_item.moved",
        target=item,
        summary=f"moved “{item.title}” to {item.horizon}",
        data={"from": before, "to": item.horizon},
    )
    return item


@transaction.atomic
def delete_roadmap_item(actor: Actor, item_id: int) -> None:
    """Remove a roadmap item with its expected impacts and comments."""
    access, item = access_row(actor, RoadmapItem, item_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(item.product)
    record_activity(
        actor,
        access.organisation,
        action="products.roadmap_item.deleted",
        target=item,
        summary=f"removed “{item.title}” from the roadmap",
    )
    item.delete()


# -- expected impact ---------------------------------------------------------------------------


def _clean_change(value: Any) -> float:
    change = clean_float(value, "change")
    if change == 0:
        raise Invalid("An expected change of zero predicts nothing.", field="change")
    return change


@transaction.atomic
def add_expected_impact(
    actor: Actor, item_id: int, *, metric_id: int, change: float, note: str = ""
) -> ExpectedImpact:
    """Say how much an item should move a metric of its product (signed, in the metric's unit)."""
    access, item = access_row(actor, RoadmapItem, item_id, Permission.EDIT_PRODUCT)
    ensure_active(item.product)
    metric = _related(Metric, item.product, metric_id, "metric_id", "Metric")
    if metric is None:
        raise Invalid("Name the metric the item should move.", field="metric_id")
    change = _clean_change(change)
    if ExpectedImpact.objects.filter(item=item, metric=metric).exists():
        raise Conflict(
            f"“{item.title}” already predicts a change of {metric.name}; change that one.",
            code="impact.duplicate",
            field="metric_id",
        )
    impact = ExpectedImpact.objects.create(
        item=item,
        metric=metric,
        change=change,
        note=clean_text(note, "note", 200, required=False),
    )
    record_activity(
        actor,
        access.organisation,
        action="products.impact.added",
        target=impact,
        summary=f"expects “{item.title}” to move {metric.name} by {impact.change:+g}",
    )
    return impact


@transaction.atomic
def update_expected_impact(
    actor: Actor, impact_id: int, *, version: int | None, **changes: Any
) -> ExpectedImpact:
    """Change the expected size of an item's effect on a metric, or its note."""
    access, impact = access_row(
        actor, ExpectedImpact, impact_id, Permission.EDIT_PRODUCT, lock=True
    )
    refuse_unknown(changes, ("change", "note"))
    ensure_active(impact.item.product)
    expect_version(impact, version)
    if "change" in changes:
        impact.change = _clean_change(changes["change"])
    if "note" in changes:
        impact.note = clean_text(changes["note"], "note", 200, required=False)
    bump(impact)
    impact.save()
    record_activity(
        actor,
        access.organisation,
        action="products.impact.updated",
        target=impact,
        summary=f"now expects “{impact.item.title}” to move {impact.metric.name} by "
        f"{impact.change:+g}",
    )
    return impact


@transaction.atomic
def delete_expected_impact(actor: Actor, impact_id: int) -> None:
    """Drop an item's prediction for one metric."""
    access, impact = access_row(
        actor, ExpectedImpact, impact_id, Permission.EDIT_PRODUCT, lock=True
    )
    ensure_active(impact.item.product)
    record_activity(
        actor,
        access.organisation,
        action="products.impact.deleted",
        target=impact,
        summary=f"dropped the expected impact of “{impact.item.title}” on {impact.metric.name}",
    )
    impact.delete()
