"""Writes of goals, success metrics and their measurements (one at a time; CSV in services_import).

Every function checks access first and runs in one transaction with its journal entry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.actors import Actor, user_of
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Invalid
from tandem.products.access import access_row, ensure_active
from tandem.products.inputs import (
    clean_choice,
    clean_float,
    clean_key,
    clean_member,
    clean_number,
    clean_text,
    other_than,
    refuse_unknown,
)
from tandem.products.models import (
    DIRECTIONS,
    MEASUREMENT_SOURCES,
    Goal,
    Measurement,
    Metric,
    Product,
)
from tandem.versioning import bump, expect_version

GOAL_FIELDS = ("title", "description", "position")
METRIC_FIELDS = (
    "name",
    "key",
    "description",
    "unit",
    "direction",
    "baseline",
    "target",
    "target_date",
    "owner_id",
    "goal_id",
)
# Measurements may be stamped a little ahead of the server clock (another machine's clock).
CLOCK_SKEW_SECONDS = 300


# -- goals -------------------------------------------------------------------------------------


@transaction.atomic
def create_goal(actor: Actor, product_id: int, *, title: str, description: str = "") -> Goal:
    """A new goal of a product, listed after the existing ones."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT)
    ensure_active(product)
    last = Goal.objects.filter(product=product).aggregate(Max("position"))["position__max"]
    goal = Goal.objects.create(
        product=product,
        title=clean_text(title, "title", 200),
        description=clean_text(description, "description", 5000, required=False),
        position=(last or 0) + 1,
    )
    record_activity(
        actor,
        access.organisation,
        action="products.goal.created",
        target=goal,
        summary=f"added the goal “{goal.title}” to {product.name}",
    )
    return goal


@transaction.atomic
def update_goal(actor: Actor, goal_id: int, *, version: int | None, **changes: Any) -> Goal:
    """Change a goal's title, description or position."""
    access, goal = access_row(actor, Goal, goal_id, Permission.EDIT_PRODUCT, lock=True)
    refuse_unknown(changes, GOAL_FIELDS)
    ensure_active(goal.product)
    expect_version(goal, version)
    if "title" in changes:
        goal.title = clean_text(changes["title"], "title", 200)
    if "description" in changes:
        goal.description = clean_text(changes["description"], "description", 5000, required=False)
    if "position" in changes:
        goal.position = int(clean_number(changes["position"], "position", minimum=0) or 0)
    bump(goal)
    goal.save()
    record_activity(
        actor,
        access.organisation,
        action="products.goal.updated",
        target=goal,
        summary=f"updated the goal “{goal.title}”",
        data={"fields": sorted(changes)},
    )
    return goal


@transaction.atomic
def delete_goal(actor: Actor, goal_id: int) -> None:
    """Remove a goal; its metrics stay (without a goal) and roadmap items lose the link."""
    access, goal = access_row(actor, Goal, goal_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(goal.product)
    record_activity(
        actor,
        access.organisation,
        action="products.goal.deleted",
        target=goal,
        summary=f"removed the goal “{goal.title}”",
    )
    goal.delete()


# -- metrics -----------------------------------------------------------------------------------


def _metric_key(product: Product, key: Any, name: str, exclude: int | None) -> str:
    metrics = other_than(Metric.objects.filter(product=product), exclude)
    if key:
        key = clean_key(key)
        if metrics.filter(key=key).exists():
            raise Conflict(
                f"{product.name} already has a metric with the key '{key}'.",
                code="metric.key_taken",
                field="key",
            )
        return str(key)
    base = slugify(name)[:36] or "metric"
    key, n = base, 1
    while metrics.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return str(key)


def _apply_metric(metric: Metric, product: Product, values: dict[str, Any]) -> None:
    """Clean ``values`` onto ``metric``; the target must lie on the better side of the baseline."""
    organisation = product.organisation
    if "name" in values:
        metric.name = clean_text(values["name"], "name", 120)
    if "key" in values or not metric.key:
        metric.key = _metric_key(product, values.get("key"), metric.name, metric.pk)
    if "description" in values:
        metric.description = clean_text(values["description"], "description", 5000, required=False)
    if "unit" in values:
        metric.unit = clean_text(values["unit"], "unit", 30, required=False)
    if "direction" in values:
        metric.direction = clean_choice(values["direction"], DIRECTIONS, "direction")
    for field in ("baseline", "target"):
        if field in values:
            setattr(metric, field, clean_float(values[field], field))
    if "target_date" in values:
        target_date = values["target_date"] or None
        if target_date is not None and not isinstance(target_date, date):
            raise Invalid("The target date must be a date.", field="target_date")
        metric.target_date = target_date
    if "owner_id" in values:
        metric.owner = clean_member(organisation, values["owner_id"], "owner_id")
    if "goal_id" in values:
        goal_id = values["goal_id"]
        goal = None
        if goal_id not in (None, ""):
            goal = (
                Goal.objects.filter(pk=goal_id, product=product).first()
                if str(goal_id).isdigit()
                else None
            )
            if goal is None:
                raise Invalid(f"Goal {goal_id} is not a goal of {product.name}.", field="goal_id")
        metric.goal = goal
    wrong_way = (metric.direction == "higher" and metric.target < metric.baseline) or (
        metric.direction == "lower" and metric.target > metric.baseline
    )
    if wrong_way:
        better = "above" if metric.direction == "higher" else "below"
        raise Invalid(
            f"When {metric.direction} is better the target lies {better} the baseline "
            f"({metric.baseline:g}).",
            field="target",
            code="metric.target_wrong_way",
        )


@transaction.atomic
def create_metric(
    actor: Actor,
    product_id: int,
    *,
    name: str,
    baseline: float,
    target: float,
    key: str | None = None,
    description: str = "",
    unit: str = "",
    direction: str = "higher",
    target_date: Any = None,
    owner_id: int | None = None,
    goal_id: int | None = None,
) -> Metric:
    """A new success metric of a product."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT)
    ensure_active(product)
    metric = Metric(product=product, baseline=0.0, target=0.0)
    _apply_metric(
        metric,
        product,
        {
            "name": name,
            "key": key,
            "description": description,
            "unit": unit,
            "direction": direction,
            "baseline": baseline,
            "target": target,
            "target_date": target_date,
            "owner_id": owner_id,
            "goal_id": goal_id,
        },
    )
    metric.save()
    record_activity(
        actor,
        access.organisation,
        action="products.metric.created",
        target=metric,
        summary=f"added the metric {metric.name} to {product.name}",
    )
    return metric


@transaction.atomic
def update_metric(actor: Actor, metric_id: int, *, version: int | None, **changes: Any) -> Metric:
    """Change a metric's definition: name, unit, direction, baseline, target, owner, goal."""
    access, metric = access_row(actor, Metric, metric_id, Permission.EDIT_PRODUCT, lock=True)
    refuse_unknown(changes, METRIC_FIELDS)
    ensure_active(metric.product)
    expect_version(metric, version)
    _apply_metric(metric, metric.product, changes)
    bump(metric)
    metric.save()
    record_activity(
        actor,
        access.organisation,
        action="products.metric.updated",
        target=metric,
        summary=f"updated the metric {metric.name}",
        data={"fields": sorted(changes)},
    )
    return metric


@transaction.atomic
def delete_metric(actor: Actor, metric_id: int) -> None:
    """Remove a metric and its measurements, unless a gate, a score or a prediction uses it."""
    access, metric = access_row(actor, Metric, metric_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(metric.product)
    uses = [
        (metric.criteria.count(), "exit criteria"),
        (metric.reach_of.count(), "roadmap items' reach"),
        (metric.expected_impacts.count(), "expected impacts"),
    ]
    used = [f"{n} {what}" for n, what in uses if n]
    if used:
        raise Conflict(
            f"{metric.name} is used by {', '.join(used)}; remove those first.",
            code="metric.in_use",
        )
    record_activity(
        actor,
        access.organisation,
        action="products.metric.deleted",
        target=metric,
        summary=f"removed the metric {metric.name} and its measurements",
    )
    metric.delete()


# -- measurements ------------------------------------------------------------------------------


def clean_moment(value: Any, field: str = "at") -> datetime:
    """An aware measurement time, not in the future."""
    if value is None:
        return timezone.now()
    if not isinstance(value, datetime):
        raise Invalid("The time of a measurement is a date and time.", field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)  # in the active (organisation's) time zone
    if (value - timezone.now()).total_seconds() > CLOCK_SKEW_SECONDS:
        raise Invalid("A measurement cannot lie in the future.", field=field)
    return value


def _refuse_duplicate(metric: Metric, at: datetime, exclude: int | None = None) -> None:
    if other_than(Measurement.objects.filter(metric=metric, at=at), exclude).exists():
        raise Conflict(
            f"{metric.name} already has a measurement at {at:%Y-%m-%d %H:%M}.",
            code="measurement.duplicate",
            field="at",
        )


@transaction.atomic
def record_measurement(
    actor: Actor,
    metric_id: int,
    *,
    value: float,
    at: datetime | None = None,
    source: str = "manual",
) -> Measurement:
    """Record one value of a metric at ``at`` (now when omitted)."""
    access, metric = access_row(actor, Metric, metric_id, Permission.RECORD_MEASUREMENT)
    ensure_active(metric.product)
    moment = clean_moment(at)
    _refuse_duplicate(metric, moment)
    measurement = Measurement.objects.create(
        metric=metric,
        at=moment,
        value=clean_float(value, "value"),
        source=clean_choice(source, MEASUREMENT_SOURCES, "source"),
        recorded_by=user_of(actor),
    )
    record_activity(
        actor,
        access.organisation,
        action="products.measurement.recorded",
        target=measurement,
        summary=f"recorded {measurement.value:g} {metric.unit} for {metric.name}".replace(
            "  ", " "
        ),
        data={"metric_id": metric.pk, "value": measurement.value},
    )
    return measurement


@transaction.atomic
def update_measurement(
    actor: Actor, measurement_id: int, *, version: int | None, **changes: Any
) -> Measurement:
    """Correct a measurement's value or time."""
    access, measurement = access_row(
        actor, Measurement, measurement_id, Permission.RECORD_MEASUREMENT, lock=True
    )
    refuse_unknown(changes, ("value", "at"))
    metric = measurement.metric
    ensure_active(metric.product)
    expect_version(measurement, version)
    if "value" in changes:
        measurement.value = clean_float(changes["value"], "value")
    if "at" in changes:
        measurement.at = clean_moment(changes["at"])
        _refuse_duplicate(metric, measurement.at, measurement.pk)
    bump(measurement)
    measurement.save()
    record_activity(
        actor,
        access.organisation,
        action="products.measurement.updated",
        target=measurement,
        summary=f"corrected a measurement of {metric.name}",
        data={"metric_id": metric.pk, "fields": sorted(changes)},
    )
    return measurement


@transaction.atomic
def delete_measurement(actor: Actor, measurement_id: int) -> None:
    """Remove a measurement recorded by mistake."""
    access, measurement = access_row(
        actor, Measurement, measurement_id, Permission.RECORD_MEASUREMENT, lock=True
    )
    metric = measurement.metric
    ensure_active(metric.product)
    record_activity(
        actor,
        access.organisation,
        action="products.measurement.deleted",
        target=measurement,
        summary=f"removed a measurement of {metric.name}",
        data={"metric_id": metric.pk, "value": measurement.value},
    )
    measurement.delete()
