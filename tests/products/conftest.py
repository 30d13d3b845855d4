"""Builders of the products tests: products, metrics with measurements and roadmap items made
through the services, and members of the organisation in every role that matters here."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.products import services, services_metrics, services_roadmap
from tandem.products.models import Measurement, Metric, Product, RoadmapItem

_numbers = itertools.count(1)
Counts = Callable[[], dict[str, int]]


@pytest.fixture
def pm(org: Organisation, make_member: Callable[..., User]) -> User:
    """A product manager of the organisation: changes products, metrics and roadmaps."""
    return make_member(org, role="product_manager")


@pytest.fixture
def member(org: Organisation, make_member: Callable[..., User]) -> User:
    """A member: reads and comments, changes nothing."""
    return make_member(org, role="member")


@pytest.fixture
def viewer(org: Organisation, make_member: Callable[..., User]) -> User:
    """A viewer: only reads."""
    return make_member(org, role="viewer")


@pytest.fixture
def outsider(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., User]
) -> User:
    """The product manager of another organisation."""
    return make_member(make_organisation(name="Elsewhere"), role="product_manager")


@pytest.fixture
def make_product(org: Organisation, pm: User) -> Callable[..., Product]:
    """A product in planning, created by the organisation's product manager."""

    def make(
        organisation: Organisation | None = None, by: User | None = None, **fields: Any
    ) -> Product:
        n = next(_numbers)
        values: dict[str, Any] = {"name": f"Product {n}", "purpose": "Why it exists."}
        values.update(fields)
        return services.create_product(by or pm, (organisation or org).pk, **values)

    return make


@pytest.fixture
def product(make_product: Callable[..., Product]) -> Product:
    return make_product(name="Beam", key="beam")


@pytest.fixture
def make_metric(pm: User) -> Callable[..., Metric]:
    """A higher-is-better metric from 100 to 200, due in 90 days."""

    def make(product: Product, **fields: Any) -> Metric:
        n = next(_numbers)
        values: dict[str, Any] = {
            "name": f"Metric {n}",
            "baseline": 100,
            "target": 200,
            "target_date": timezone.localdate() + timedelta(days=90),
        }
        values.update(fields)
        return services_metrics.create_metric(pm, product.pk, **values)

    return make


@pytest.fixture
def measure(pm: User) -> Callable[..., list[Measurement]]:
    """Record ``values`` of a metric, one a week, the last one ``last_days_ago`` days ago."""

    def record(
        metric: Metric, values: Sequence[float], last_days_ago: int = 1
    ) -> list[Measurement]:
        now = timezone.now()
        count = len(values)
        return [
            services_metrics.record_measurement(
                pm,
                metric.pk,
                value=value,
                at=now - timedelta(days=last_days_ago + 7 * (count - 1 - n)),
            )
            for n, value in enumerate(values)
        ]

    return record


@pytest.fixture
def make_item(pm: User) -> Callable[..., RoadmapItem]:
    """An open feature on the product's roadmap, without score inputs unless given."""

    def make(product: Product, **fields: Any) -> RoadmapItem:
        values: dict[str, Any] = {"title": f"Item {next(_numbers)}"}
        values.update(fields)
        return services_roadmap.create_roadmap_item(pm, product.pk, **values)

    return make


def at(days_ago: float) -> datetime:
    """A moment ``days_ago`` days before now (UTC)."""
    return datetime.now(UTC) - timedelta(days=days_ago)
