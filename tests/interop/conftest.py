"""Builders of the exchange tests: projects, resources, products and metrics made through the
services, and members of the organisation in the roles that plan, watch, or live elsewhere."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from tandem.accounts.models import Organisation, User
from tandem.products import services as product_services
from tandem.products import services_metrics
from tandem.products.models import Metric, Product
from tandem.projects import scheduling, services, services_plan
from tandem.projects.models import Project, Resource
from tests.conftest import owner_of

MONDAY = date(2030, 1, 7)
_numbers = itertools.count(1)
Counts = Callable[[], dict[str, int]]


@pytest.fixture(autouse=True)
def _forget_prepared_schedules(db: None) -> Iterator[None]:
    """Drop prepared schedules a test installed: ids are reused once its transaction rolls back."""
    yield
    for project_id in Project.objects.values_list("pk", flat=True):
        scheduling.forget(project_id)


@pytest.fixture
def planner(org: Organisation, make_member: Callable[..., User]) -> User:
    """A project manager: edits every plan."""
    return make_member(org, role="project_manager")


@pytest.fixture
def pm(org: Organisation, make_member: Callable[..., User]) -> User:
    """A product manager: edits products, roadmaps and metrics."""
    return make_member(org, role="product_manager")


@pytest.fixture
def viewer(org: Organisation, make_member: Callable[..., User]) -> User:
    """A viewer: reads everything, changes nothing."""
    return make_member(org, role="viewer")


@pytest.fixture
def outsider(
    make_organisation: Callable[..., Organisation], make_member: Callable[..., User]
) -> User:
    """An owner of another organisation."""
    return make_member(make_organisation(name="Elsewhere"), role="owner")


@pytest.fixture
def make_project(org: Organisation) -> Callable[..., Project]:
    """A project created by the owner, starting on a Monday."""

    def make(organisation: Organisation | None = None, **overrides: Any) -> Project:
        organisation = organisation or org
        fields: dict[str, Any] = {"name": f"Project {next(_numbers)}", "start": MONDAY}
        fields.update(overrides)
        return services.create_project(owner_of(organisation), organisation.pk, **fields)

    return make


@pytest.fixture
def make_resource(org: Organisation) -> Callable[..., Resource]:
    """A full-time person resource of the organisation."""

    def make(name: str | None = None, organisation: Organisation | None = None) -> Resource:
        organisation = organisation or org
        return services_plan.create_resource(
            owner_of(organisation), organisation.pk, name=name or f"Resource {next(_numbers)}"
        )

    return make


@pytest.fixture
def make_product(org: Organisation, pm: User) -> Callable[..., Product]:
    """A product in planning, created by the product manager."""

    def make(**fields: Any) -> Product:
        values: dict[str, Any] = {"name": f"Product {next(_numbers)}", "purpose": "Why."}
        values.update(fields)
        return product_services.create_product(pm, org.pk, **values)

    return make


@pytest.fixture
def make_metric(pm: User) -> Callable[..., Metric]:
    """A higher-is-better metric from 100 to 200."""

    def make(product: Product, **fields: Any) -> Metric:
        values: dict[str, Any] = {"name": f"Metric {next(_numbers)}", "baseline": 100}
        values.update({"target": 200, **fields})
        return services_metrics.create_metric(pm, product.pk, **values)

    return make
