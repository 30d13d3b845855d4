"""Reads of the products app, scoped to what the actor may see: products and their lifecycle,
releases, teams, comments and the portfolio. Metrics and the roadmap have their own modules
(queries_metrics, queries_roadmap).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.accounts.models import Organisation
from tandem.core.lifecycle import STAGES, GateCheck, Stage, check_move, next_stage
from tandem.core.metric_health import Health
from tandem.errors import NotFound
from tandem.products.access import access_row
from tandem.products.gates import GateItem, criteria_of
from tandem.products.models import (
    OPEN_ITEM_STATUSES,
    Comment,
    Metric,
    Product,
    Release,
    RetirementPlan,
    RoadmapItem,
    StageCriterion,
    StageTransition,
    Team,
)
from tandem.products.queries_metrics import metric_views


def list_products(actor: Actor, organisation_id: int) -> QuerySet[Product]:
    """The organisation's products, retired ones included."""
    organisation = access_organisation(actor, organisation_id).organisation
    return Product.objects.filter(organisation=organisation).select_related("owner")


def get_product(actor: Actor, product_id: int) -> Product:
    """One product of an organisation the actor belongs to."""
    return access_row(actor, Product, product_id)[1]


def stage_history(actor: Actor, product_id: int) -> QuerySet[StageTransition]:
    """Every move of a product between stages, oldest first."""
    _, product = access_row(actor, Product, product_id)
    return StageTransition.objects.filter(product=product).select_related("actor")


def list_criteria(actor: Actor, product_id: int) -> QuerySet[StageCriterion]:
    """A product's exit criteria, by stage."""
    _, product = access_row(actor, Product, product_id)
    return StageCriterion.objects.filter(product=product).select_related("metric")


def get_criterion(actor: Actor, criterion_id: int) -> StageCriterion:
    """One exit criterion of a product the actor can see."""
    return access_row(actor, StageCriterion, criterion_id)[1]


def find_retirement_plan(actor: Actor, product_id: int) -> RetirementPlan | None:
    """The product's retirement plan, if it has one."""
    _, product = access_row(actor, Product, product_id)
    return RetirementPlan.objects.filter(product=product).select_related("replacement").first()


def get_retirement_plan(actor: Actor, plan_id: int) -> RetirementPlan:
    """One retirement plan of a product the actor can see."""
    return access_row(actor, RetirementPlan, plan_id)[1]


@dataclass(frozen=True)
class StageStep:
    """One stage on the lifecycle timeline."""

    stage: Stage
    state: str  # "done", "current" or "upcoming"
    entered: datetime | None
    left: datetime | None
    overridden: bool


@dataclass(frozen=True)
class Lifecycle:
    """Where a product stands: the timeline of stages, the gate out of the current one."""

    steps: list[StageStep]
    gate: list[GateItem]
    next_stage: Stage | None
    check: GateCheck | None
    history: list[StageTransition]


def lifecycle(actor: Actor, product_id: int, as_of: datetime | None = None) -> Lifecycle:
    """A product's stages with dates, its current gate and whether it may move on now."""
    _, product = access_row(actor, Product, product_id)
    moment = as_of or timezone.now()
    history = list(StageTransition.objects.filter(product=product).select_related("actor"))
    entered: dict[str, StageTransition] = {move.to_stage: move for move in history}
    current = product.stage_enum
    steps = []
    for stage in STAGES:
        reached = entered.get(stage)
        following = next((m for m in history if m.from_stage == stage), None)
        state = (
            "current"
            if stage is current
            else ("done" if reached is not None and stage.order < current.order else "upcoming")
        )
        steps.append(
            StageStep(
                stage,
                state,
                reached.at if reached else None,
                following.at if following and state == "done" else None,
                bool(reached and reached.overridden),
            )
        )
    upcoming = next_stage(current)
    gate = criteria_of(product, current, moment) if upcoming else []
    check = check_move(current, upcoming, [g.criterion for g in gate]) if upcoming else None
    return Lifecycle(steps, gate, upcoming, check, history)


# -- releases, teams, comments -----------------------------------------------------------------


def list_releases(actor: Actor, product_id: int) -> QuerySet[Release]:
    """A product's releases, latest planned first."""
    _, product = access_row(actor, Product, product_id)
    return Release.objects.filter(product=product).prefetch_related("items")


def get_release(actor: Actor, release_id: int) -> Release:
    """One release of a product the actor can see."""
    return access_row(actor, Release, release_id)[1]


def list_teams(actor: Actor, organisation_id: int) -> QuerySet[Team]:
    """The organisation's teams with their members."""
    organisation = access_organisation(actor, organisation_id).organisation
    return Team.objects.filter(organisation=organisation).prefetch_related("members")


def get_team(actor: Actor, team_id: int) -> Team:
    """One team of an organisation the actor belongs to."""
    return access_row(actor, Team, team_id)[1]


def list_comments(actor: Actor, product_id: int, item_id: int | None = None) -> QuerySet[Comment]:
    """Comments on a product (or on one of its items), oldest first."""
    _, product = access_row(actor, Product, product_id)
    comments = Comment.objects.filter(product=product).select_related("author")
    return comments.filter(item_id=item_id) if item_id is not None else comments


# -- portfolio ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioRow:
    """One product as the portfolio shows it."""

    product: Product
    health: dict[str, int]
    open_items: int
    in_progress: int
    shipped: int
    total_items: int
    retire_on: Any

    @property
    def progress(self) -> int:
        """Shipped items as a share of all items that were not closed, in percent."""
        return round(100 * self.shipped / self.total_items) if self.total_items else 0

    @property
    def health_counts(self) -> list[tuple[str, int]]:
        """(health, number of metrics) from best to worst, leaving out zeros."""
        order = (Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK, Health.NO_DATA)
        return [(h.value, self.health[h.value]) for h in order if self.health.get(h.value)]

    @property
    def worst_health(self) -> str:
        for health in (Health.OFF_TRACK, Health.AT_RISK, Health.ON_TRACK):
            if self.health.get(health.value):
                return health.value
        return Health.NO_DATA.value


def portfolio(
    actor: Actor, organisation_id: int, as_of: datetime | None = None
) -> list[PortfolioRow]:
    """Every product with its stage, metric health and roadmap progress, active ones first."""
    organisation = access_organisation(actor, organisation_id).organisation
    products = list(
        Product.objects.filter(organisation=organisation).select_related("owner", "retirement_plan")
    )
    metrics = Metric.objects.filter(product__in=products)
    health: dict[int, Counter[str]] = {p.pk: Counter() for p in products}
    for view in metric_views(metrics, organisation.time_zone, as_of):
        health[view.metric.product_id][view.health.value] += 1
    statuses: dict[int, Counter[str]] = {p.pk: Counter() for p in products}
    for product_id, status in RoadmapItem.objects.filter(product__in=products).values_list(
        "product_id", "status"
    ):
        statuses[product_id][status] += 1
    rows = []
    for product in products:
        counts = statuses[product.pk]
        plan = getattr(product, "retirement_plan", None)
        rows.append(
            PortfolioRow(
                product=product,
                health=dict(health[product.pk]),
                open_items=sum(counts[s] for s in OPEN_ITEM_STATUSES),
                in_progress=counts["in_progress"],
                shipped=counts["shipped"],
                total_items=sum(counts.values()) - counts["closed"],
                retire_on=plan.retire_on if plan else None,
            )
        )
    rows.sort(key=lambda r: (r.product.is_retired, r.product.stage_enum.order, r.product.name))
    return rows


# -- for the operator's command line -----------------------------------------------------------


def find_products_by_key(key: str, organisation: Organisation | None = None) -> list[Product]:
    """Products with this key (or id), in one organisation or in all: for the operator's CLI."""
    products = Product.objects.select_related("organisation")
    if organisation is not None:
        products = products.filter(organisation=organisation)
    found = list(products.filter(key=key.strip().lower()))
    if not found and key.isdigit():
        found = list(products.filter(pk=int(key)))
    return found


def get_metric_by_key(product: Product, key: str) -> Metric:
    """The product's metric with this key (or id): for the operator's CLI."""
    metric = Metric.objects.filter(product=product, key=key.strip().lower()).first()
    if metric is None and key.isdigit():
        metric = Metric.objects.filter(product=product, pk=int(key)).first()
    if metric is None:
        raise NotFound(f"{product.name} has no metric '{key}'.", code="metric.not_found")
    return metric
