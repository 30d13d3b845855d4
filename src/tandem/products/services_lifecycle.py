"""Writes of a product's lifecycle: exit criteria, moving between stages, retirement plans.

The gate rules live in core.lifecycle; this module feeds them the criteria with the latest
measurements and carries out a move (history, retirement of open roadmap items, journal).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tandem.accounts.actors import Actor, user_of
from tandem.collab.services import record_activity
from tandem.core.lifecycle import ACTIVE_STAGES, Comparison, Stage, check_move
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Invalid
from tandem.products.access import access_row, ensure_active
from tandem.products.gates import criteria_of
from tandem.products.inputs import (
    clean_choice,
    clean_number,
    clean_text,
    refuse_unknown,
)
from tandem.products.models import (
    OPEN_ITEM_POLICIES,
    OPEN_ITEM_STATUSES,
    Metric,
    Product,
    RetirementPlan,
    RoadmapItem,
    StageCriterion,
    StageTransition,
)
from tandem.versioning import bump, expect_version

CRITERION_FIELDS = ("description", "done", "metric_id", "comparison", "threshold", "position")
PLAN_FIELDS = ("retire_on", "replacement_id", "communication", "data_handling", "open_items")
# A little slack for clocks that disagree between a script and the server.
CLOCK_SKEW = timedelta(minutes=5)


# -- exit criteria -----------------------------------------------------------------------------


def _clean_threshold(product: Product, metric_id: Any, comparison: Any, threshold: Any) -> tuple:
    """(metric, comparison, threshold) of a criterion: all three, or none for a checklist item."""
    if metric_id in (None, ""):
        if comparison or threshold not in (None, ""):
            raise Invalid("A threshold needs the metric it applies to.", field="metric_id")
        return None, "", None
    metric = (
        Metric.objects.filter(pk=metric_id, product=product).first()
        if str(metric_id).isdigit()
        else None
    )
    if metric is None:
        raise Invalid(f"Metric {metric_id} is not a metric of {product.name}.", field="metric_id")
    comparison = clean_choice(comparison, [c.value for c in Comparison], "comparison")
    value = clean_number(threshold, "threshold")
    return metric, comparison, value


def _frozen_stage(product: Product, stage: str) -> None:
    if Stage(stage).order < product.stage_enum.order:
        raise Conflict(
            f"{product.name} has left {stage}; the criteria it passed are kept as they were.",
            code="criterion.stage_passed",
        )


@transaction.atomic
def add_stage_criterion(
    actor: Actor,
    product_id: int,
    *,
    stage: str,
    description: str,
    done: bool = False,
    metric_id: int | None = None,
    comparison: str = "",
    threshold: float | None = None,
) -> StageCriterion:
    """A new exit criterion of a stage: a checklist item, or a metric threshold."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT)
    ensure_active(product)
    stage = clean_choice(stage, [s.value for s in ACTIVE_STAGES], "stage")
    _frozen_stage(product, stage)
    metric, comparison, value = _clean_threshold(product, metric_id, comparison, threshold)
    last = StageCriterion.objects.filter(product=product, stage=stage).aggregate(Max("position"))
    criterion = StageCriterion.objects.create(
        product=product,
        stage=stage,
        description=clean_text(description, "description", 300),
        done=bool(done) and metric is None,
        metric=metric,
        comparison=comparison,
        threshold=value,
        position=(last["position__max"] or 0) + 1,
    )
    record_activity(
        actor,
        access.organisation,
        action="products.criterion.added",
        target=criterion,
        summary=f"added the {stage} exit criterion “{criterion.description}” to {product.name}",
    )
    return criterion


@transaction.atomic
def update_stage_criterion(
    actor: Actor, criterion_id: int, *, version: int | None, **changes: Any
) -> StageCriterion:
    """Tick or untick a criterion, or change its text or threshold."""
    access, criterion = access_row(
        actor, StageCriterion, criterion_id, Permission.EDIT_PRODUCT, lock=True
    )
    refuse_unknown(changes, CRITERION_FIELDS)
    product = criterion.product
    ensure_active(product)
    _frozen_stage(product, criterion.stage)
    expect_version(criterion, version)
    if "description" in changes:
        criterion.description = clean_text(changes["description"], "description", 300)
    if {"metric_id", "comparison", "threshold"} & set(changes):
        metric, comparison, value = _clean_threshold(
            product,
            changes.get("metric_id", criterion.metric_id),
            changes.get("comparison", criterion.comparison),
            changes.get("threshold", criterion.threshold),
        )
        criterion.metric, criterion.comparison, criterion.threshold = metric, comparison, value
    if "done" in changes:
        if criterion.metric_id and changes["done"]:
            raise Invalid(
                "A metric criterion is met by its measurements, not ticked by hand.",
                field="done",
            )
        criterion.done = bool(changes["done"])
    if "position" in changes:
        criterion.position = int(clean_number(changes["position"], "position", minimum=0) or 0)
    bump(criterion)
    criterion.save()
    record_activity(
        actor,
        access.organisation,
        action="products.criterion.updated",
        target=criterion,
        summary=f"updated the exit criterion “{criterion.description}” of {product.name}",
        data={"fields": sorted(changes), "done": criterion.done},
    )
    return criterion


@transaction.atomic
def delete_stage_criterion(actor: Actor, criterion_id: int) -> None:
    """Remove an exit criterion of the current or a later stage."""
    access, criterion = access_row(
        actor, StageCriterion, criterion_id, Permission.EDIT_PRODUCT, lock=True
    )
    ensure_active(criterion.product)
    _frozen_stage(criterion.product, criterion.stage)
    record_activity(
        actor,
        access.organisation,
        action="products.criterion.deleted",
        target=criterion,
        summary=f"removed the exit criterion “{criterion.description}”",
    )
    criterion.delete()


# -- moving between stages ---------------------------------------------------------------------


def _clean_moment(product: Product, at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise Invalid("The time of the move needs a time zone.", field="at")
    if at > now + CLOCK_SKEW:
        raise Invalid("A move cannot be dated in the future.", field="at")
    if at < product.stage_changed_at:
        raise Invalid("A move cannot be dated before the product's previous move.", field="at")
    return at


def _retire_open_items(product: Product, plan: RetirementPlan) -> list[int]:
    """Close the product's open roadmap items, or move them to the replacement product."""
    items = list(
        RoadmapItem.objects.select_for_update().filter(
            product=product, status__in=OPEN_ITEM_STATUSES
        )
    )
    replacement = plan.replacement
    if plan.open_items == "reassign":
        if replacement is None or replacement.is_retired:
            raise Conflict(
                "The retirement plan moves open roadmap items to a replacement product, but "
                "there is no active replacement; choose one or close the items instead.",
                code="product.replacement_missing",
                field="replacement_id",
            )
        for item in items:
            # Goals, metrics and releases belong to the old product: the moved item keeps
            # its description, timing and scores, but is re-linked from scratch.
            item.impacts.all().delete()
            item.goals.clear()
            item.product = replacement
            item.reach_metric = None
            item.release = None
            bump(item)
            item.save()
    else:
        for item in items:
            item.status = "closed"
            bump(item)
            item.save(update_fields=["status", "version"])
    return [item.pk for item in items]


@transaction.atomic
def advance_stage(
    actor: Actor,
    product_id: int,
    *,
    version: int | None,
    to_stage: str,
    reason: str = "",
    override: bool = False,
    at: datetime | None = None,
) -> Product:
    """Move a product to ``to_stage`` through the gate of its current stage.

    The current stage's exit criteria must be met, or ``override`` given with a reason.
    Retiring needs a retirement plan and closes (or reassigns) open roadmap items. ``at``
    dates a move that happened earlier (for recorded history); it defaults to now.
    """
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT, lock=True)
    expect_version(product, version)
    target = Stage(clean_choice(to_stage, [s.value for s in Stage], "to_stage"))
    moment = _clean_moment(product, at)
    current = product.stage_enum
    gate = criteria_of(product, current, moment) if current is not Stage.RETIRED else []
    check = check_move(
        current, target, [g.criterion for g in gate], override=override, reason=reason or ""
    )
    if not check.allowed:
        kind = Invalid if check.code == "product.override_reason_required" else Conflict
        raise kind(
            check.refusal or "This move is not allowed.",
            code=check.code,
            field="reason" if kind is Invalid else "to_stage",
            details={"unmet_criteria": list(check.unmet)},
        )
    moved: list[int] = []
    if target is Stage.RETIRED:
        plan = RetirementPlan.objects.filter(product=product).select_related("replacement").first()
        if plan is None:
            raise Conflict(
                f"Retiring {product.name} needs a retirement plan first: the date, any "
                "replacement, how customers are told and what happens to their data.",
                code="product.retirement_plan_missing",
                field="to_stage",
            )
        moved = _retire_open_items(product, plan)
    transition = StageTransition.objects.create(
        product=product,
        from_stage=current,
        to_stage=target,
        actor=user_of(actor),
        at=moment,
        reason=clean_text(reason, "reason", 2000, required=False),
        overridden=check.needs_override,
        unmet_criteria=list(check.unmet) if check.needs_override else [],
    )
    product.stage = target
    product.stage_changed_at = moment
    bump(product)
    product.save(update_fields=["stage", "stage_changed_at", "version"])
    retired = target is Stage.RETIRED
    flag = " (gate overridden)" if transition.overridden else ""
    record_activity(
        actor,
        access.organisation,
        action="products.product.retired" if retired else "products.product.stage_advanced",
        target=product,
        summary=f"retired {product.name}{flag}"
        if retired
        else f"moved {product.name} to {target.value}{flag}",
        data={
            "from": current.value,
            "to": target.value,
            "overridden": transition.overridden,
            "unmet_criteria": transition.unmet_criteria,
            "roadmap_items": moved,
        },
    )
    return product


# -- retirement plan ---------------------------------------------------------------------------


def _clean_plan(product: Product, values: dict[str, Any]) -> dict[str, Any]:
    retire_on = values.get("retire_on")
    if not isinstance(retire_on, date):
        raise Invalid("A retirement plan needs the date of retirement.", field="retire_on")
    replacement = None
    replacement_id = values.get("replacement_id")
    if replacement_id not in (None, ""):
        replacement = (
            Product.objects.filter(pk=replacement_id, organisation_id=product.organisation_id)
            .exclude(pk=product.pk)
            .first()
            if str(replacement_id).isdigit()
            else None
        )
        if replacement is None:
            raise Invalid(
                f"Product {replacement_id} cannot replace {product.name}.", field="replacement_id"
            )
        if replacement.is_retired:
            raise Invalid(f"{replacement.name} is retired itself.", field="replacement_id")
    open_items = clean_choice(values.get("open_items") or "close", OPEN_ITEM_POLICIES, "open_items")
    if open_items == "reassign" and replacement is None:
        raise Invalid(
            "Open roadmap items can be reassigned only to a replacement product.",
            field="open_items",
        )
    return {
        "retire_on": retire_on,
        "replacement": replacement,
        "communication": clean_text(values.get("communication"), "communication", 5000),
        "data_handling": clean_text(values.get("data_handling"), "data_handling", 5000),
        "open_items": open_items,
    }


@transaction.atomic
def plan_retirement(
    actor: Actor,
    product_id: int,
    *,
    retire_on: date | None,
    communication: str,
    data_handling: str,
    replacement_id: int | None = None,
    open_items: str = "close",
) -> RetirementPlan:
    """Write down how a product will be retired; the plan is needed before retiring it."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(product)
    if RetirementPlan.objects.filter(product=product).exists():
        raise Conflict(
            f"{product.name} already has a retirement plan; change that one.",
            code="retirement_plan.exists",
        )
    values = _clean_plan(
        product,
        {
            "retire_on": retire_on,
            "replacement_id": replacement_id,
            "communication": communication,
            "data_handling": data_handling,
            "open_items": open_items,
        },
    )
    plan = RetirementPlan.objects.create(product=product, **values)
    record_activity(
        actor,
        access.organisation,
        action="products.retirement.planned",
        target=plan,
        summary=f"planned the retirement of {product.name} for {plan.retire_on:%d %b %Y}",
    )
    return plan


@transaction.atomic
def update_retirement_plan(
    actor: Actor, plan_id: int, *, version: int | None, **changes: Any
) -> RetirementPlan:
    """Change a retirement plan while the product is still active."""
    access, plan = access_row(actor, RetirementPlan, plan_id, Permission.EDIT_PRODUCT, lock=True)
    refuse_unknown(changes, PLAN_FIELDS)
    ensure_active(plan.product)
    expect_version(plan, version)
    current = {
        "retire_on": plan.retire_on,
        "replacement_id": plan.replacement_id,
        "communication": plan.communication,
        "data_handling": plan.data_handling,
        "open_items": plan.open_items,
    }
    for field, value in _clean_plan(plan.product, {**current, **changes}).items():
        setattr(plan, field, value)
    bump(plan)
    plan.save()
    record_activity(
        actor,
        access.organisation,
        action="products.retirement.updated",
        target=plan,
        summary=f"updated the retirement plan of {plan.product.name}",
        data={"fields": sorted(changes)},
    )
    return plan


@transaction.atomic
def cancel_retirement_plan(actor: Actor, plan_id: int) -> None:
    """Drop the retirement plan of a product that is not retired after all."""
    access, plan = access_row(actor, RetirementPlan, plan_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(plan.product)
    record_activity(
        actor,
        access.organisation,
        action="products.retirement.cancelled",
        target=plan,
        summary=f"cancelled the retirement plan of {plan.product.name}",
    )
    plan.delete()
