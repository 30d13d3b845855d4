"""Goals, metrics and measurements through the services, and health as the queries report it.

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
from tandem.core.metric_health import Health
from tandem.errors import Conflict, Forbidden, Invalid, StaleVersion
from tandem.products import queries_metrics, services_lifecycle, services_metrics, services_roadmap
from tandem.products.models import Goal, Measurement, Metric, Product
from tests.products.conftest import at

Counts = Callable[[], dict[str, int]]
MakeMetric = Callable[..., Metric]
Measure = Callable[..., list[Measurement]]
pytestmark = pytest.mark.django_db


def test_goals_are_listed_in_the_order_they_were_added(pm: User, product: Product) -> None:
    for title in ("Grow", "Delight", "Earn"):
        services_metrics.create_goal(pm, product.pk, title=title)
    assert [g.title for g in queries_metrics.list_goals(pm, product.pk)] == [
        "Grow",
        "Delight",
        "Earn",
    ]


def test_a_deleted_goal_leaves_its_metrics_without_a_goal(
    pm: User, product: Product, make_metric: MakeMetric
) -> None:
    goal = services_metrics.create_goal(pm, product.pk, title="Grow")
    metric = make_metric(product, goal_id=goal.pk)
    services_metrics.delete_goal(pm, goal.pk)
    metric.refresh_from_db()
    assert metric.goal_id is None
    assert not Goal.objects.exists()


def test_a_metric_keeps_unit_direction_baseline_target_date_and_owner(
    pm: User, product: Product
) -> None:
    due = timezone.localdate() + timedelta(days=60)
    metric = services_metrics.create_metric(
        pm,
        product.pk,
        name="Page load p95",
        unit="s",
        direction="lower",
        baseline=4.0,
        target=2.0,
        target_date=due,
        owner_id=pm.pk,
    )
    assert (metric.key, metric.unit, metric.direction, metric.target_date, metric.owner) == (
        "page-load-p95",
        "s",
        "lower",
        due,
        pm,
    )


@pytest.mark.parametrize(
    ("direction", "baseline", "target"), [("higher", 100, 50), ("lower", 2.0, 3.0)]
)
def test_a_target_on_the_worse_side_of_the_baseline_is_refused(
    pm: User, product: Product, row_counts: Counts, direction: str, baseline: float, target: float
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_metrics.create_metric(
            pm, product.pk, name="M", direction=direction, baseline=baseline, target=target
        )
    assert (refusal.value.code, refusal.value.field) == ("metric.target_wrong_way", "target")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"baseline": "lots"}, "baseline"),
        ({"target": float("nan")}, "target"),
        ({"direction": "sideways"}, "direction"),
        ({"name": ""}, "name"),
        ({"owner_id": 999999}, "owner_id"),
    ],
)
def test_a_metric_update_with_bad_input_names_the_field_and_writes_nothing(
    pm: User,
    product: Product,
    make_metric: MakeMetric,
    row_counts: Counts,
    changes: dict[str, Any],
    field: str,
) -> None:
    metric = make_metric(product)
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_metrics.update_metric(pm, metric.pk, version=1, **changes)
    assert refusal.value.field == field
    assert row_counts() == before
    metric.refresh_from_db()
    assert metric.version == 1


def test_a_measurement_is_recorded_with_who_and_how(
    pm: User, product: Product, make_metric: MakeMetric
) -> None:
    metric = make_metric(product)
    measurement = services_metrics.record_measurement(pm, metric.pk, value=120, at=at(2))
    assert (measurement.value, measurement.source, measurement.recorded_by) == (120, "manual", pm)
    assert JournalEntry.objects.filter(action="products.measurement.recorded").count() == 1


def test_two_measurements_at_the_same_moment_are_a_conflict(
    pm: User, product: Product, make_metric: MakeMetric, row_counts: Counts
) -> None:
    metric = make_metric(product)
    moment = at(3)
    services_metrics.record_measurement(pm, metric.pk, value=1, at=moment)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services_metrics.record_measurement(pm, metric.pk, value=2, at=moment)
    assert refusal.value.code == "measurement.duplicate"
    assert row_counts() == before


def test_a_measurement_in_the_future_is_refused(
    pm: User, product: Product, make_metric: MakeMetric, row_counts: Counts
) -> None:
    metric = make_metric(product)
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_metrics.record_measurement(pm, metric.pk, value=1, at=at(-1))
    assert refusal.value.field == "at"
    assert row_counts() == before


@pytest.mark.parametrize("role", ["member", "viewer", "project_manager"])
def test_only_product_people_record_measurements(
    product: Product,
    make_metric: MakeMetric,
    make_member: Callable[..., User],
    row_counts: Counts,
    role: str,
) -> None:
    metric = make_metric(product)
    user = make_member(product.organisation, role=role)
    before = row_counts()
    with pytest.raises(Forbidden):
        services_metrics.record_measurement(user, metric.pk, value=1)
    assert row_counts() == before


def test_a_measurement_is_corrected_with_its_version(
    pm: User, product: Product, make_metric: MakeMetric
) -> None:
    metric = make_metric(product)
    measurement = services_metrics.record_measurement(pm, metric.pk, value=10, at=at(1))
    fixed = services_metrics.update_measurement(pm, measurement.pk, version=1, value=11)
    assert (fixed.value, fixed.version) == (11, 2)
    with pytest.raises(StaleVersion):
        services_metrics.update_measurement(pm, measurement.pk, version=1, value=12)


def test_a_metric_used_by_a_gate_a_score_or_a_prediction_cannot_be_deleted(
    pm: User, product: Product, make_metric: MakeMetric, row_counts: Counts
) -> None:
    metric = make_metric(product, name="WAU")
    services_lifecycle.add_stage_criterion(
        pm, product.pk, stage="planning", description="WAU", metric_id=metric.pk,
        comparison=">=", threshold=5,
    )  # fmt: skip
    services_roadmap.create_roadmap_item(pm, product.pk, title="A", reach_metric_id=metric.pk)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services_metrics.delete_metric(pm, metric.pk)
    assert refusal.value.code == "metric.in_use"
    assert "1 exit criteria" in refusal.value.message
    assert row_counts() == before


def test_deleting_an_unused_metric_takes_its_measurements(
    pm: User, product: Product, make_metric: MakeMetric, measure: Measure
) -> None:
    metric = make_metric(product)
    measure(metric, [1, 2, 3])
    services_metrics.delete_metric(pm, metric.pk)
    assert Measurement.objects.count() == 0


def test_deleting_a_product_in_planning_takes_metrics_used_by_its_own_gates(
    pm: User, product: Product, make_metric: MakeMetric
) -> None:
    from tandem.products import services

    metric = make_metric(product)
    services_lifecycle.add_stage_criterion(
        pm, product.pk, stage="planning", description="M", metric_id=metric.pk,
        comparison=">=", threshold=1,
    )  # fmt: skip
    services.delete_product(pm, product.pk)
    assert not Metric.objects.exists()


# -- health as reported ------------------------------------------------------------------------


def test_health_follows_the_trend_towards_the_target_date(
    pm: User, product: Product, make_metric: MakeMetric, measure: Measure
) -> None:
    # Target 200 in 90 days; +10 a week reaches about 290: on track.
    rising = make_metric(product, name="Rising")
    measure(rising, [100, 110, 120, 130, 140])
    # Flat at 150: the trend stays at 150, short by 50 of a 10 tolerance: off track.
    flat = make_metric(product, name="Flat")
    measure(flat, [150, 150, 150, 150])
    # +6 a week from 118 reaches about 195 in 90 days: short by 5 of 10, at risk.
    slow = make_metric(product, name="Slow")
    measure(slow, [100, 106, 112, 118], last_days_ago=0)
    make_metric(product, name="Silent")
    views = {v.metric.name: v for v in queries_metrics.product_metrics(pm, product.pk)}
    assert views["Rising"].health is Health.ON_TRACK
    assert views["Flat"].health is Health.OFF_TRACK
    assert views["Slow"].health is Health.AT_RISK
    assert views["Silent"].health is Health.NO_DATA
    assert views["Rising"].progress == pytest.approx(40)


def test_chart_data_has_the_measurements_the_target_line_and_the_trend(
    pm: User, product: Product, make_metric: MakeMetric, measure: Measure
) -> None:
    metric = make_metric(product)
    measure(metric, [100, 120, 130])
    view = queries_metrics.metric_health(pm, metric.pk)
    data = queries_metrics.chart_data(view, "UTC")
    assert [value for _, value in data["points"]] == [100, 120, 130]
    assert data["target_line"][0][1] == data["target_line"][1][1] == 200
    assert data["trend"] is not None and data["trend"][1][0] == data["target_at"]
    assert data["health"] == view.health.value
