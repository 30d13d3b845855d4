"""The delivery forecast of the projects working on a product's roadmap, as the product side
sees it: read from the projects app's queries (its schedule, progress and deadlines)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.products.models import RoadmapItem


@dataclass(frozen=True)
class DeliveryForecast:
    """The projects delivering a product's roadmap items: how many, when the last one ends."""

    projects: list[Any]  # projects.queries.ProjectHealth

    @property
    def count(self) -> int:
        return len(self.projects)

    @property
    def finish(self) -> datetime | None:
        """The latest scheduled finish among the projects (None when none is scheduled)."""
        finishes = [h.project.finish for h in self.projects if h.project.finish]
        return max(finishes) if finishes else None

    @property
    def late_by_days(self) -> float | None:
        """The worst slip past a deadline in days (≤ 0: all on time; None: no deadlines)."""
        slips = [h.late_by_days for h in self.projects if h.late_by_days is not None]
        return max(slips) if slips else None

    @property
    def progress(self) -> float:
        """Average progress of the projects, 0–100."""
        return sum(h.progress for h in self.projects) / len(self.projects) if self.projects else 0


def delivery_by_product(actor: Actor, organisation_id: int) -> dict[int, DeliveryForecast]:
    """Per product of the organisation, the open projects working on its roadmap items."""
    from tandem.projects.queries import dashboard

    organisation = access_organisation(actor, organisation_id).organisation
    health = {h.project.pk: h for h in dashboard(actor, organisation.pk)}
    pairs = (
        RoadmapItem.objects.filter(product__organisation=organisation, projects__isnull=False)
        .values_list("product_id", "projects")
        .distinct()
    )
    by_product: dict[int, list[Any]] = defaultdict(list)
    for product_id, project_id in pairs:
        if project_id in health and health[project_id] not in by_product[product_id]:
            by_product[product_id].append(health[project_id])
    return {product_id: DeliveryForecast(rows) for product_id, rows in by_product.items()}


def delivery_of_item(actor: Actor, item: RoadmapItem) -> list[Any]:
    """The projects delivering one roadmap item, with progress and finish against deadline."""
    from tandem.projects.queries import delivery_for_roadmap_item

    return delivery_for_roadmap_item(actor, item)
