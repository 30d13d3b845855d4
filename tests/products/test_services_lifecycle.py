"""Stage gates, overrides, history and retirement, through the lifecycle services.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.collab.models import JournalEntry
from tandem.errors import Conflict, Forbidden, Invalid, StaleVersion
from tandem.products import queries, services_lifecycle
from tandem.products.models import Metric, Product, RoadmapItem, StageCriterion, StageTransition
from tests.products.conftest import at

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db

lifecycle = services_lifecycle


def advance(pm: User, product: Product, stage: str, **extra: Any) -> Product:
    product.refresh_from_db()
    return lifecycle.advance_stage(pm, product.pk, version=product.version, to_stage=stage, **extra)


def criterion(pm: User, product: Product, description: str, **extra: Any) -> StageCriterion:
    product.refresh_from_db()
    extra.setdefault("stage", product.stage)
    return lifecycle.add_stage_criterion(pm, product.pk, description=description, **extra)


def tick(pm: User, item: StageCriterion) -> StageCriterion:
    item.refresh_from_db()
    return lifecycle.update_stage_criterion(pm, item.pk, version=item.version, done=True)


def plan(pm: User, product: Product, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "retire_on": timezone.localdate() + timedelta(days=30),
        "communication": "Email every customer",
        "data_handling": "Export, then delete after 60 days",
    }
    values.update(extra)
    return lifecycle.plan_retirement(pm, product.pk, **values)


# -- gates -------------------------------------------------------------------------------------


def test_a_stage_whose_criteria_are_all_met_opens_its_gate(pm: User, product: Product) -> None:
    tick(pm, criterion(pm, product, "Interviews done"))
    moved = advance(pm, product, "development", reason="Ready")
    assert (moved.stage, moved.version) == ("development", 2)
    last = StageTransition.objects.filter(product=product).last()
    assert last is not None
    assert (last.from_stage, last.to_stage, last.actor, last.reason, last.overridden) == (
        "planning",
        "development",
        pm,
        "Ready",
        False,
    )
    assert JournalEntry.objects.filter(action="products.product.stage_advanced").count() == 1


def test_unmet_criteria_refuse_the_move_name_what_is_missing_and_write_nothing(
    pm: User, product: Product, row_counts: Counts
) -> None:
    tick(pm, criterion(pm, product, "Interviews done"))
    criterion(pm, product, "Pricing agreed")
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        advance(pm, product, "development")
    assert refusal.value.code == "product.stage_criteria_unmet"
    assert refusal.value.details == {"unmet_criteria": ["Pricing agreed"]}
    assert "Pricing agreed" in refusal.value.message
    assert row_counts() == before
    product.refresh_from_db()
    assert (product.stage, product.version) == ("planning", 1)


def test_an_override_without_a_reason_is_refused_and_writes_nothing(
    pm: User, product: Product, row_counts: Counts
) -> None:
    criterion(pm, product, "Pricing agreed")
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        advance(pm, product, "development", override=True, reason="  ")
    assert (refusal.value.code, refusal.value.field) == (
        "product.override_reason_required",
        "reason",
    )
    assert row_counts() == before


def test_an_override_with_a_reason_moves_and_records_what_was_unmet(
    pm: User, product: Product
) -> None:
    criterion(pm, product, "Pricing agreed")
    advance(pm, product, "development", override=True, reason="Pilot signed; price later")
    move = StageTransition.objects.filter(product=product).last()
    assert move is not None
    assert (move.overridden, move.unmet_criteria, move.reason) == (
        True,
        ["Pricing agreed"],
        "Pilot signed; price later",
    )
    entry = JournalEntry.objects.get(action="products.product.stage_advanced")
    assert entry.data["overridden"] is True
    assert "overridden" in entry.summary


def test_a_metric_criterion_is_met_by_the_latest_measurement(
    pm: User, product: Product, make_metric: Callable[..., Metric], measure: Callable[..., Any]
) -> None:
    wau = make_metric(product, name="Weekly active users")
    criterion(pm, product, "WAU ≥ 500", metric_id=wau.pk, comparison=">=", threshold=500)
    measure(wau, [300, 620, 480])  # the latest, 480, decides
    with pytest.raises(Conflict):
        advance(pm, product, "development")
    measure(wau, [510], last_days_ago=0)
    assert advance(pm, product, "development").stage == "development"


def test_a_metric_criterion_cannot_be_ticked_by_hand(
    pm: User, product: Product, make_metric: Callable[..., Metric]
) -> None:
    wau = make_metric(product)
    item = criterion(pm, product, "WAU ≥ 500", metric_id=wau.pk, comparison=">=", threshold=500)
    with pytest.raises(Invalid) as refusal:
        lifecycle.update_stage_criterion(pm, item.pk, version=item.version, done=True)
    assert refusal.value.field == "done"


def test_a_threshold_needs_a_metric_of_the_same_product(
    pm: User, product: Product, make_product: Callable[..., Product], make_metric: Any
) -> None:
    other = make_metric(make_product())
    with pytest.raises(Invalid) as foreign:
        criterion(pm, product, "X", metric_id=other.pk, comparison=">=", threshold=1)
    with pytest.raises(Invalid) as lonely:
        criterion(pm, product, "Y", comparison=">=", threshold=1)
    assert foreign.value.field == lonely.value.field == "metric_id"


@pytest.mark.parametrize(
    ("path", "target", "code"),
    [
        ([], "deployment", "product.stage_skipped"),
        (["development"], "planning", "product.stage_backwards"),
        (["development"], "development", "product.stage_backwards"),
    ],
)
def test_moves_that_skip_or_go_back_are_refused_even_with_an_override(
    pm: User, product: Product, row_counts: Counts, path: list[str], target: str, code: str
) -> None:
    for stage in path:
        advance(pm, product, stage)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        advance(pm, product, target, override=True, reason="Because")
    assert refusal.value.code == code
    assert row_counts() == before


def test_criteria_of_a_stage_the_product_has_left_are_frozen(
    pm: User, product: Product, row_counts: Counts
) -> None:
    item = criterion(pm, product, "Interviews")
    tick(pm, item)
    advance(pm, product, "development")
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        lifecycle.delete_stage_criterion(pm, item.pk)
    assert refusal.value.code == "criterion.stage_passed"
    with pytest.raises(Conflict):
        criterion(pm, product, "Late addition", stage="planning")
    assert row_counts() == before


def test_members_may_not_move_a_product(product: Product, member: User, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        lifecycle.advance_stage(member, product.pk, version=1, to_stage="development")
    assert row_counts() == before


def test_a_move_based_on_a_stale_version_is_refused(pm: User, product: Product) -> None:
    with pytest.raises(StaleVersion):
        lifecycle.advance_stage(pm, product.pk, version=5, to_stage="development")


def test_a_past_move_keeps_its_date_but_never_before_the_previous_one(
    pm: User, make_product: Callable[..., Product]
) -> None:
    old = make_product(created_at=at(400))
    moved = advance(pm, old, "development", at=at(300))
    assert moved.stage_changed_at == StageTransition.objects.filter(product=old).last().at  # type: ignore[union-attr]
    with pytest.raises(Invalid) as earlier:
        advance(pm, old, "deployment", at=at(350))
    with pytest.raises(Invalid) as future:
        advance(pm, old, "deployment", at=at(-2))
    assert earlier.value.field == future.value.field == "at"


def test_the_lifecycle_shows_stages_with_dates_and_the_current_gate(
    pm: User, product: Product
) -> None:
    tick(pm, criterion(pm, product, "Interviews"))
    advance(pm, product, "development")
    criterion(pm, product, "Beta feedback")
    state = queries.lifecycle(pm, product.pk)
    assert [(s.stage.value, s.state) for s in state.steps] == [
        ("planning", "done"),
        ("development", "current"),
        ("deployment", "upcoming"),
        ("maintenance", "upcoming"),
        ("retired", "upcoming"),
    ]
    assert state.steps[0].left is not None
    assert [g.row.description for g in state.gate] == ["Beta feedback"]
    assert state.check is not None and state.check.unmet == ("Beta feedback",)


# -- retirement --------------------------------------------------------------------------------


def _to_maintenance(pm: User, product: Product) -> Product:
    for stage in ("development", "deployment", "maintenance"):
        product = advance(pm, product, stage)
    return product


def test_retiring_needs_a_retirement_plan_and_writes_nothing_without_one(
    pm: User, product: Product, row_counts: Counts
) -> None:
    product = _to_maintenance(pm, product)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        advance(pm, product, "retired")
    assert refusal.value.code == "product.retirement_plan_missing"
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"communication": " "}, "communication"),
        ({"data_handling": ""}, "data_handling"),
        ({"retire_on": None}, "retire_on"),
        ({"open_items": "reassign"}, "open_items"),
        ({"open_items": "archive"}, "open_items"),
    ],
)
def test_a_retirement_plan_needs_date_communication_data_handling_and_a_sane_item_policy(
    pm: User, product: Product, row_counts: Counts, changes: dict[str, Any], field: str
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        plan(pm, product, **changes)
    assert refusal.value.field == field
    assert row_counts() == before


def test_a_product_cannot_replace_itself(pm: User, product: Product) -> None:
    with pytest.raises(Invalid) as refusal:
        plan(pm, product, replacement_id=product.pk)
    assert refusal.value.field == "replacement_id"


def test_retiring_closes_open_roadmap_items_and_keeps_the_product_readable(
    pm: User, product: Product, make_item: Callable[..., RoadmapItem], member: User
) -> None:
    open_item = make_item(product, status="planned")
    shipped = make_item(product, status="shipped")
    product = _to_maintenance(pm, product)
    plan(pm, product)
    retired = advance(pm, product, "retired")
    assert retired.stage == "retired"
    open_item.refresh_from_db()
    shipped.refresh_from_db()
    assert (open_item.status, shipped.status) == ("closed", "shipped")
    assert queries.get_product(member, product.pk).name == "Beam"
    entry = JournalEntry.objects.get(action="products.product.retired")
    assert entry.data["roadmap_items"] == [open_item.pk]


def test_retiring_can_move_open_items_to_the_replacement_product(
    pm: User,
    product: Product,
    make_product: Callable[..., Product],
    make_item: Callable[..., RoadmapItem],
    make_metric: Callable[..., Metric],
) -> None:
    successor = make_product(name="Beam 2")
    metric = make_metric(product)
    item = make_item(product, status="planned", horizon="next", reach_metric_id=metric.pk)
    product = _to_maintenance(pm, product)
    plan(pm, product, replacement_id=successor.pk, open_items="reassign")
    advance(pm, product, "retired")
    item.refresh_from_db()
    assert (item.product_id, item.status, item.horizon, item.reach_metric_id) == (
        successor.pk,
        "planned",
        "next",
        None,
    )


def test_retiring_early_is_a_skip_that_needs_an_override_with_a_reason(
    pm: User, product: Product, row_counts: Counts
) -> None:
    plan(pm, product)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        advance(pm, product, "retired")
    assert refusal.value.code == "product.stage_criteria_unmet"
    assert row_counts() == before
    assert advance(pm, product, "retired", override=True, reason="Market gone").stage == "retired"


def test_a_retired_product_is_read_only_but_open_to_comments(
    pm: User, product: Product, member: User, row_counts: Counts
) -> None:
    from tandem.products import services, services_metrics

    plan(pm, product)
    product = advance(pm, product, "retired", override=True, reason="Stopped")
    before = row_counts()
    refusals = [
        lambda: services.update_product(pm, product.pk, version=product.version, name="X"),
        lambda: services_metrics.create_goal(pm, product.pk, title="Grow"),
        lambda: criterion(pm, product, "x", stage="maintenance"),
        lambda: advance(pm, product, "retired", override=True, reason="again"),
    ]
    for attempt in refusals:
        with pytest.raises(Conflict) as refusal:
            attempt()
        assert refusal.value.code in ("product.retired", "product.stage_final")
    assert row_counts() == before
    services.add_comment(member, product.pk, body="Thanks for all the years")


def test_a_retirement_plan_can_be_changed_and_cancelled_while_active(
    pm: User, product: Product
) -> None:
    draft = plan(pm, product)
    changed = lifecycle.update_retirement_plan(pm, draft.pk, version=1, communication="Letters")
    assert (changed.communication, changed.version) == ("Letters", 2)
    with pytest.raises(Conflict):
        plan(pm, product)
    lifecycle.cancel_retirement_plan(pm, draft.pk)
    assert queries.find_retirement_plan(pm, product.pk) is None
