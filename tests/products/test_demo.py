"""The demo's products tell the story the issue asks for, fast."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tandem.accounts.actors import OPERATOR
from tandem.core.impact import Outcome
from tandem.demo import people
from tandem.demo import products as demo_products
from tandem.products import queries, queries_metrics, queries_roadmap
from tandem.products.models import Measurement, Product, RoadmapItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def lumen() -> int:
    organisation = people.load()
    started = time.perf_counter()
    demo_products.load(organisation)
    assert time.perf_counter() - started < 3
    return organisation.pk


def test_two_products_at_different_stages_one_heading_for_retirement(lumen: int) -> None:
    insights = Product.objects.get(key="insights")
    beacon = Product.objects.get(key="beacon")
    assert (insights.stage, beacon.stage) == ("development", "maintenance")
    plan = queries.find_retirement_plan(OPERATOR, beacon.pk)
    assert plan is not None
    assert plan.replacement == insights
    assert plan.retire_on > timezone.localdate()
    history = [m.to_stage for m in queries.stage_history(OPERATOR, beacon.pk)]
    assert history == ["planning", "development", "deployment", "maintenance"]


def test_every_metric_has_a_year_of_history_and_the_health_varies(lumen: int) -> None:
    healths = set()
    for product in Product.objects.all():
        for view in queries_metrics.product_metrics(OPERATOR, product.pk):
            stamps = list(
                Measurement.objects.filter(metric=view.metric).values_list("at", flat=True)
            )
            assert len(stamps) >= 12
            assert max(stamps) - min(stamps) >= timedelta(days=330)
            healths.add(view.health.value)
    assert healths == {"on_track", "at_risk", "off_track"}


def test_the_roadmap_is_ranked_in_now_next_and_later(lumen: int) -> None:
    insights = Product.objects.get(key="insights")
    ranked = queries_roadmap.ranked_roadmap(OPERATOR, insights.pk)
    assert {s.item.horizon for s in ranked} == {"now", "next", "later"}
    assert [s.rank_rice for s in ranked[:3]] == [1, 2, 3]
    assert any(s.reach_source == "metric" for s in ranked)


def test_shipped_items_compare_predicted_with_actual(lumen: int) -> None:
    outcomes = set()
    for item in RoadmapItem.objects.filter(status="shipped"):
        for view in queries_roadmap.item_impacts(OPERATOR, item.pk):
            assert view.comparison is not None
            outcomes.add(view.comparison.outcome)
    assert {Outcome.MET, Outcome.MISSED, Outcome.MEASURING} <= outcomes
