"""The roll-up to the roadmap: a roadmap item's delivery forecast from none, one or two
projects, the reasons it is at risk (project, index, tasks), and the item, product and
portfolio pages that show them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from tandem.accounts.models import Organisation, User
from tandem.errors import NotFound
from tandem.finance.forecasting import project_forecast, roadmap_item_forecast, task_labels
from tandem.products import services as product_services
from tandem.products import services_roadmap
from tandem.products.models import Product, RoadmapItem
from tandem.products.queries_forecast import item_outlook, roadmap_outlook
from tandem.projects import services as project_services
from tandem.projects import services_tasks
from tandem.projects.models import Project
from tests.conftest import owner_of
from tests.finance.conftest import RATE, Costed
from tests.finance.progress import record_progress


@pytest.fixture
def pm(org: Organisation, make_member: Callable[..., User]) -> User:
    return make_member(org, role="product_manager")


@pytest.fixture
def product(org: Organisation, pm: User) -> Product:
    return product_services.create_product(pm, org.pk, name="Beam", purpose="Why it exists.")


def make_item(pm: User, product: Product, **fields: Any) -> RoadmapItem:
    return services_roadmap.create_roadmap_item(pm, product.pk, title="Sync", **fields)


def deliver(project: Project, *items: RoadmapItem) -> None:
    """Link the project to the roadmap items it delivers."""
    project.refresh_from_db()
    project_services.update_project(
        owner_of(project.organisation),
        project.pk,
        version=project.version,
        roadmap_item_ids=[i.pk for i in items],
    )


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def calm_project(organisation: Organisation, name: str = "Calm") -> Project:
    """A project starting next week: no baseline, no time, no deadline — nothing to worry."""
    owner = owner_of(organisation)
    today = date.today()
    project = project_services.create_project(
        owner, organisation.pk, name=name, status="active",
        start=today + timedelta(days=7 - today.weekday()),
    )  # fmt: skip
    services_tasks.create_task(owner, project.pk, name="Work", duration=5 * 480)
    project.refresh_from_db()
    return project


# -- the forecast of an item ---------------------------------------------------------------------


def test_an_item_no_open_project_delivers_has_no_forecast(
    pm: User, product: Product, costed: Costed
) -> None:
    item = make_item(pm, product)
    assert roadmap_item_forecast(pm, item) is None
    assert item_outlook(pm, item.pk) is None
    owner = owner_of(costed.project.organisation)
    deliver(costed.project, item)
    project_services.update_project(
        owner, costed.project.pk, version=costed.project.version + 1, status="completed"
    )
    assert item_outlook(pm, item.pk) is None
    assert roadmap_outlook(pm, product.organisation_id).items == []


def test_an_item_one_project_delivers_lands_and_costs_what_the_project_does(
    pm: User, product: Product, costed: Costed
) -> None:
    item = make_item(pm, product, end_date=date.today() + timedelta(days=365))
    deliver(costed.project, item)
    outlook = item_outlook(pm, item.pk)
    assert outlook is not None
    forecast = project_forecast(pm, costed.project.pk)
    # Fixed durations: every simulation gives the planned finish and cost.
    assert outlook.forecast.p50 == outlook.forecast.p80 == moment(forecast["finish"]["p80"])
    assert outlook.forecast.cost_p50 == outlook.forecast.cost_p80 == 80 * RATE
    assert outlook.forecast.on_time_probability == 1.0
    assert outlook.late_days is not None and outlook.late_days < 0
    assert [p.pk for p, _ in outlook.forecast.projects] == [costed.project.pk]


def test_an_item_with_a_spread_lands_within_its_projects_spread(
    pm: User, product: Product, costed: Costed
) -> None:
    record_progress(costed)
    item = make_item(pm, product)
    deliver(costed.project, item)
    forecast = project_forecast(pm, costed.project.pk)
    result = roadmap_item_forecast(pm, item)
    assert result is not None and result.target is None and result.on_time_probability is None
    quantiles = forecast["quantiles"]  # the project's finish at 0, 1, ..., 100 %
    assert quantiles[40] <= result.p50.timestamp() <= quantiles[60]
    assert quantiles[70] <= result.p80.timestamp() <= quantiles[90]
    costs = forecast["cost_quantiles"]
    assert costs[40] <= result.cost_p50 <= costs[60] <= costs[90] >= result.cost_p80


def test_an_item_two_projects_deliver_waits_for_both_and_costs_both(
    pm: User, product: Product, org: Organisation, make_costed: Callable[..., Costed]
) -> None:
    first, second = record_progress(make_costed(org)), record_progress(make_costed(org))
    item = make_item(pm, product)
    deliver(first.project, item)
    deliver(second.project, item)
    result = roadmap_item_forecast(pm, item)
    assert result is not None and len(result.projects) == 2
    one = project_forecast(pm, first.project.pk)
    # The same plan twice, independent: the later of the two is late more often than either.
    assert result.p80.timestamp() >= one["quantiles"][85]
    assert result.cost_p50 > one["cost"]["p95"]
    assert {r.project.pk for r in result.risks} == {first.project.pk, second.project.pk}


# -- why an item is at risk ----------------------------------------------------------------------


def test_the_risks_name_the_project_the_index_and_the_tasks(
    pm: User, product: Product, costed: Costed
) -> None:
    record_progress(costed)
    item = make_item(pm, product, end_date=costed.start + timedelta(days=2))
    deliver(costed.project, item)
    outlook = item_outlook(pm, item.pk)
    assert outlook is not None and outlook.forecast.at_risk
    assert outlook.forecast.on_time_probability == 0.0
    assert outlook.late_days is not None and outlook.late_days > 0
    risks = {r.index: r for r in outlook.forecast.risks}
    assert {r.project.pk for r in outlook.forecast.risks} == {costed.project.pk}
    assert risks["P80"].tasks[0] == "Test"  # the only task with a spread drives the finish
    # Over budget: the ten-hour days on Build; behind plan: Test, planned done by now.
    assert risks["CPI"].value is not None and risks["CPI"].value < 0.9
    assert risks["CPI"].tasks == ["Build"]
    assert risks["SPI"].value is not None and risks["SPI"].value < 0.9
    assert risks["SPI"].tasks[0] == "Test"
    (group,) = outlook.by_project
    assert group.project_key == costed.project.key and group.risks == outlook.forecast.risks


def test_same_named_tasks_carry_their_parents_name(costed: Costed) -> None:
    owner = owner_of(costed.project.organisation)
    ios, android = (
        services_tasks.create_task(owner, costed.project.pk, name=name, duration=480)
        for name in ("iOS app", "Android app")
    )
    for parent in (ios, android):
        services_tasks.create_task(
            owner, costed.project.pk, name="Offline mode", duration=480, parent_id=parent.pk
        )
    labels = sorted(task_labels(costed.project).values())
    assert "Offline mode (iOS app)" in labels and "Offline mode (Android app)" in labels
    assert "Build" in labels and "Offline mode" not in labels


def test_the_roadmap_outlook_puts_the_latest_items_at_risk_first(
    pm: User, product: Product, org: Organisation, make_costed: Callable[..., Costed]
) -> None:
    behind = record_progress(make_costed(org))
    later = make_item(pm, product, end_date=behind.start + timedelta(days=2))
    sooner = services_roadmap.create_roadmap_item(
        pm, product.pk, title="Export", end_date=behind.start + timedelta(days=30)
    )
    calm = services_roadmap.create_roadmap_item(
        pm, product.pk, title="Calm", end_date=date.today() + timedelta(days=365)
    )
    deliver(behind.project, later, sooner)
    deliver(calm_project(org), calm)
    other = product_services.create_product(pm, org.pk, name="Other", purpose="p")
    elsewhere = services_roadmap.create_roadmap_item(pm, other.pk, title="Elsewhere")
    deliver(calm_project(org, "Other calm"), elsewhere)
    outlook = roadmap_outlook(pm, org.pk, product_id=product.pk)
    assert sorted(o.item.title for o in outlook.items) == ["Calm", "Export", "Sync"]
    assert [o.item.title for o in outlook.at_risk] == ["Sync", "Export"]
    assert outlook.at_risk[0].late_days > outlook.at_risk[1].late_days  # type: ignore[operator]
    everywhere = roadmap_outlook(pm, org.pk)
    assert len(everywhere.items) == 4 and len(everywhere.at_risk) == 2


def test_another_organisations_items_have_no_outlook(
    pm: User, product: Product, make_organisation: Callable[..., Organisation]
) -> None:
    item = make_item(pm, product)
    stranger = owner_of(make_organisation())
    with pytest.raises(NotFound):
        item_outlook(stranger, item.pk)
    with pytest.raises(NotFound):
        roadmap_outlook(stranger, product.organisation_id)
    own = stranger.memberships.get().organisation  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        roadmap_outlook(stranger, own.pk, product_id=product.pk)


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def at_risk(pm: User, product: Product, costed: Costed) -> RoadmapItem:
    """The item "Sync" promised for the first Wednesday, delivered by the costed project in
    trouble."""
    record_progress(costed)
    item = make_item(pm, product, end_date=costed.start + timedelta(days=2))
    deliver(costed.project, item)
    return item


def test_the_item_page_shows_the_forecast_the_target_and_why_it_is_at_risk(
    at_risk: RoadmapItem, pm: User, browser_client: Callable[[User], Client]
) -> None:
    product = at_risk.product
    url = f"/o/{product.organisation.slug}/products/{product.pk}/roadmap/{at_risk.pk}/"
    response = browser_client(pm).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    outlook = response.context["outlook"]
    forecast = outlook.forecast
    assert "Delivery forecast" in html
    assert f"{forecast.target:%-d %b %Y}" in html and "0\u202f% chance of meeting it" in html
    assert f"{outlook.late_days} days after the target" in html
    assert "Why it is at risk" in html
    project = forecast.projects[0][0]
    for risk in forecast.risks:
        assert f"{project.key}</a> · {risk.reason}" in html
    assert "Tasks: Build" in html  # behind the CPI
    cost = f"{round(forecast.cost_p50 / 100):,}".replace(",", "\u202f")
    assert f"EUR {cost} – " in html


def test_an_item_without_a_target_says_how_to_get_a_chance(
    pm: User, product: Product, org: Organisation, browser_client: Callable[[User], Client]
) -> None:
    item = make_item(pm, product)
    deliver(calm_project(org), item)
    url = f"/o/{org.slug}/products/{product.pk}/roadmap/{item.pk}/"
    html = browser_client(pm).get(url).content.decode()
    assert "Delivery forecast" in html and "Set an end date, a quarter or a release" in html
    assert "No risk found" in html


def test_the_product_page_lists_its_items_at_risk_and_why(
    at_risk: RoadmapItem, pm: User, browser_client: Callable[[User], Client]
) -> None:
    product = at_risk.product
    response = browser_client(pm).get(f"/o/{product.organisation.slug}/products/{product.pk}/")
    html = response.content.decode()
    assert "Roadmap items at risk" in html and "1 of 1 forecast" in html
    (outlook,) = response.context["outlook"].at_risk
    assert f"target {outlook.forecast.target:%-d %b %Y} · {outlook.late_days} d late" in html
    key = outlook.forecast.projects[0][0].key
    for risk in outlook.forecast.risks:
        assert f'<span class="key">{key}</span> {risk.reason}' in html


def test_a_product_on_track_says_so(
    pm: User, product: Product, org: Organisation, browser_client: Callable[[User], Client]
) -> None:
    item = make_item(pm, product, end_date=date.today() + timedelta(days=365))
    deliver(calm_project(org), item)
    html = browser_client(pm).get(f"/o/{org.slug}/products/{product.pk}/").content.decode()
    assert "Every roadmap item with projects behind it is on track." in html


def test_the_portfolio_lists_the_items_at_risk_with_their_product(
    at_risk: RoadmapItem, pm: User, browser_client: Callable[[User], Client]
) -> None:
    organisation = at_risk.product.organisation
    html = browser_client(pm).get(f"/o/{organisation.slug}/portfolio/").content.decode()
    assert "Roadmap items at risk" in html
    item_url = f"/o/{organisation.slug}/products/{at_risk.product_id}/roadmap/{at_risk.pk}/"
    assert f'href="{item_url}">Sync</a><span class="sub">Beam</span>' in html
