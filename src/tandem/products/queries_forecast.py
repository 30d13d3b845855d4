"""Delivery forecasts of roadmap items as the product side reads them: the Monte Carlo
roll-up of the projects delivering an item (finance's forecasts) — when it lands (P50/P80),
what it costs, the chance of meeting its target, and why it is at risk.

Nothing is cached here: each project's forecast is already kept for its plan version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.finance.forecasting import ItemForecast, Risk, roadmap_item_forecast
from tandem.products.access import access_row
from tandem.products.models import OPEN_ITEM_STATUSES, Product, RoadmapItem


@dataclass(frozen=True)
class ProjectRisks:
    """The reasons one project puts an item at risk."""

    project_id: int
    project_name: str
    project_key: str
    risks: list[Risk]


@dataclass(frozen=True)
class ItemOutlook:
    """A roadmap item with its delivery forecast, read in the organisation's time zone."""

    item: RoadmapItem
    forecast: ItemForecast
    p80_day: date

    @property
    def late_days(self) -> int | None:
        """Days the P80 delivery falls after the target (negative: before; None: no target)."""
        target = self.forecast.target
        return None if target is None else (self.p80_day - target).days

    @property
    def days_early(self) -> int | None:
        """Days the P80 delivery falls before the target (the other way round)."""
        late = self.late_days
        return None if late is None else -late

    @property
    def by_project(self) -> list[ProjectRisks]:
        """The risks grouped by the project they come from, in the forecast's order."""
        return [
            ProjectRisks(project.pk, project.name, project.key, list(risks))
            for project, risks in groupby(self.forecast.risks, key=lambda r: r.project)
        ]


@dataclass(frozen=True)
class RoadmapOutlook:
    """Every open roadmap item that open projects deliver, with its forecast."""

    items: list[ItemOutlook]

    @property
    def at_risk(self) -> list[ItemOutlook]:
        """The items with a reason to worry, latest against their target first."""
        risky = [o for o in self.items if o.forecast.at_risk]
        return sorted(
            risky,
            key=lambda o: (o.late_days is None, -(o.late_days or 0), o.forecast.p80),
        )


def _outlook(actor: Actor, item: RoadmapItem, zone: ZoneInfo) -> ItemOutlook | None:
    forecast = roadmap_item_forecast(actor, item)
    if forecast is None:
        return None
    return ItemOutlook(item, forecast, forecast.p80.astimezone(zone).date())


def item_outlook(actor: Actor, item_id: int) -> ItemOutlook | None:
    """The delivery forecast of one roadmap item the actor can see (None when no open
    project delivers it)."""
    access, item = access_row(actor, RoadmapItem, item_id)
    zone = ZoneInfo(access.organisation.time_zone)
    return _outlook(actor, item, zone)


def roadmap_outlook(
    actor: Actor, organisation_id: int, *, product_id: int | None = None
) -> RoadmapOutlook:
    """The forecasts of the open items of an organisation's roadmaps (or one product's)
    that open projects deliver."""
    organisation = access_organisation(actor, organisation_id).organisation
    items = RoadmapItem.objects.filter(
        product__organisation=organisation, status__in=OPEN_ITEM_STATUSES
    )
    if product_id is not None:
        _, product = access_row(actor, Product, product_id)
        items = items.filter(product=product)
    # Items whose projects are all completed or cancelled have no forecast and drop out.
    items = (
        items.filter(projects__isnull=False)
        .select_related("product", "release")
        .distinct()
        .order_by("product__name", "title")
    )
    zone = ZoneInfo(organisation.time_zone)
    outlooks = [_outlook(actor, item, zone) for item in items]
    return RoadmapOutlook([o for o in outlooks if o is not None])
