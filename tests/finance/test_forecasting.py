"""Project forecasts: kept per plan version, priced from rates, and combined for a roadmap
item from all its projects."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import NotFound
from tandem.finance import services
from tandem.finance.forecasting import (
    combine,
    forecast_of,
    project_forecast,
    roadmap_item_forecast,
    target_date,
)
from tandem.finance.models import ProjectForecast
from tandem.products import services as product_services
from tandem.products import services_roadmap
from tandem.projects import services as project_services
from tandem.projects import services_tasks
from tests.conftest import owner_of
from tests.finance.conftest import RATE, Costed


def estimate(costed: Costed, task_name: str, low: int, likely: int, high: int) -> None:
    task = getattr(costed, task_name)
    task.refresh_from_db()
    services_tasks.update_task(
        owner_of(costed.project.organisation), task.pk, version=task.version,
        optimistic=low, most_likely=likely, pessimistic=high,
    )  # fmt: skip


def test_fixed_durations_forecast_the_scheduled_finish_and_cost(costed: Costed) -> None:
    costed.project.refresh_from_db()
    result = forecast_of(costed.project)
    finish = datetime.fromisoformat(result["finish"]["p95"])
    assert finish == costed.project.finish
    assert result["finish"]["p50"] == result["deterministic_finish"]
    assert result["cost"]["p50"] == result["cost"]["p95"] == 80 * RATE


def test_estimates_spread_the_finish_and_the_cost(costed: Costed) -> None:
    estimate(costed, "build", 4 * 480, 5 * 480, 10 * 480)
    costed.project.refresh_from_db()
    result = forecast_of(costed.project)
    p50, p95 = (datetime.fromisoformat(result["finish"][k]) for k in ("p50", "p95"))
    assert p50 < p95
    assert result["cost"]["p50"] < result["cost"]["p95"]
    assert result["drivers"][0]["name"] == "Build"
    assert sum(result["histogram"]["count"]) == result["iterations"] == 10_000


def test_a_forecast_is_kept_until_the_plan_changes(costed: Costed) -> None:
    costed.project.refresh_from_db()
    forecast_of(costed.project)
    kept = ProjectForecast.objects.get(project=costed.project)
    forecast_of(costed.project)
    assert ProjectForecast.objects.get(project=costed.project).computed_at == kept.computed_at
    estimate(costed, "test", 480, 5 * 480, 12 * 480)
    costed.project.refresh_from_db()
    fresh = forecast_of(costed.project)
    row = ProjectForecast.objects.get(project=costed.project)
    assert row.plan_version == costed.project.plan_version != kept.plan_version
    assert fresh["finish"] != kept.result["finish"]


def test_spent_money_is_part_of_the_cost_forecast(costed: Costed) -> None:
    costed.project.refresh_from_db()
    before = forecast_of(costed.project)["cost"]["p50"]
    services.record_expense(costed.planner, costed.project.pk, incurred_on=costed.start,
                            amount=77_700, description="Hardware")  # fmt: skip
    result = services.run_forecast(costed.planner, costed.project.pk, iterations=500, seed=3)
    assert result["cost"]["p50"] == before + 77_700
    assert result["spent"] == 77_700 and result["iterations"] == 500


def test_the_same_seed_repeats_a_run(costed: Costed) -> None:
    estimate(costed, "build", 4 * 480, 5 * 480, 10 * 480)
    first = services.run_forecast(costed.viewer, costed.project.pk, iterations=2000, seed=9)
    again = services.run_forecast(costed.viewer, costed.project.pk, iterations=2000, seed=9)
    assert first == again


def test_forecasts_stay_inside_the_organisation(
    costed: Costed,
    make_costed: Callable[..., Costed],
    make_organisation: Callable[..., Organisation],
) -> None:
    other = make_costed(make_organisation())
    with pytest.raises(NotFound):
        project_forecast(costed.developer, other.project.pk)


def test_combining_takes_the_latest_finish_and_adds_the_costs() -> None:
    early = {"quantiles": [100.0] * 101, "cost_quantiles": [10.0] * 101}
    late = {"quantiles": [float(t) for t in range(200, 301)], "cost_quantiles": [5.0] * 101}
    finish, cost = combine([early, late])
    assert finish.min() >= 200 and finish.max() <= 300
    assert (cost == 15.0).all()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"end_date": date(2027, 5, 4)}, "2027-05-04"),
        ({"target_quarter": "2027-Q2"}, "2027-06-30"),
        ({"target_quarter": "2027-Q4"}, "2027-12-31"),
        ({}, None),
    ],
)
def test_an_items_target_is_its_end_date_or_its_quarters_last_day(
    org: Organisation,
    make_member: Callable[..., User],
    fields: dict[str, str],
    expected: str | None,
) -> None:
    pm = make_member(org, role="product_manager")
    product = product_services.create_product(pm, org.pk, name="App", purpose="p")
    item = services_roadmap.create_roadmap_item(pm, product.pk, title="Sync", **fields)
    target = target_date(item)
    assert (None if target is None else target.isoformat()) == expected


def test_a_roadmap_item_is_delivered_when_its_last_project_finishes(
    costed: Costed, org: Organisation, make_member: Callable[..., User]
) -> None:
    pm = make_member(org, role="product_manager")
    product = product_services.create_product(pm, org.pk, name="App", purpose="p")
    item = services_roadmap.create_roadmap_item(
        pm, product.pk, title="Sync", end_date=date(2020, 1, 1)
    )
    assert roadmap_item_forecast(pm, item) is None
    owner = owner_of(org)
    later = project_services.create_project(
        owner, org.pk, name="Later", start=costed.start + timedelta(weeks=6), status="active",
        roadmap_item_ids=[item.pk],
    )  # fmt: skip
    services_tasks.create_task(owner, later.pk, name="Work", duration=10 * 480)
    costed.project.refresh_from_db()
    project_services.update_project(
        owner, costed.project.pk, version=costed.project.version, roadmap_item_ids=[item.pk]
    )
    result = roadmap_item_forecast(pm, item)
    assert result is not None and len(result.projects) == 2
    later.refresh_from_db()
    assert result.p50 == later.finish and result.p80 == later.finish
    assert result.cost_p50 == 80 * RATE  # the later project has no resources
    # Promised for 2020: certainly late, and the reason names the project and the P80.
    assert result.on_time_probability == 0.0 and result.at_risk
    assert any(r.index == "P80" and r.project.name == "Later" for r in result.risks)
