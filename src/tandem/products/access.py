"""Access to one row of the products app: found in the actor's organisation, or NotFound.

A row of another organisation answers exactly like a missing one, so ids leak nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from tandem.accounts.access import Access, access_organisation
from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.errors import Conflict, NotFound
from tandem.products.models import (
    Comment,
    ExpectedImpact,
    Goal,
    Measurement,
    Metric,
    Product,
    Release,
    RetirementPlan,
    RoadmapItem,
    StageCriterion,
    Team,
)

M = TypeVar("M", bound=Model)

# How each model reaches its organisation, and how a refusal names it.
_ORGANISATION_PATH: dict[type[Model], tuple[str, str, str]] = {
    Product: ("organisation_id", "product", "product"),
    Team: ("organisation_id", "team", "team"),
    Goal: ("product__organisation_id", "goal", "goal"),
    Metric: ("product__organisation_id", "metric", "metric"),
    Measurement: ("metric__product__organisation_id", "measurement", "measurement"),
    StageCriterion: ("product__organisation_id", "exit criterion", "criterion"),
    RetirementPlan: ("product__organisation_id", "retirement plan", "retirement_plan"),
    RoadmapItem: ("product__organisation_id", "roadmap item", "roadmap_item"),
    ExpectedImpact: ("item__product__organisation_id", "expected impact", "impact"),
    Release: ("product__organisation_id", "release", "release"),
    Comment: ("product__organisation_id", "comment", "comment"),
}


def not_found(model: type[Model]) -> NotFound:
    """The refusal for a missing (or foreign) row of ``model``."""
    _, noun, code = _ORGANISATION_PATH[model]
    return NotFound(f"No such {noun}.", code=f"{code}.not_found")


def access_row(
    actor: Actor,
    model: type[M],
    pk: int,
    permission: Permission = Permission.VIEW,
    *,
    lock: bool = False,
) -> tuple[Access, M]:
    """The actor's access to the organisation owning row ``pk`` of ``model``, and the row.

    NotFound when it does not exist or belongs to an organisation the actor is not in;
    Forbidden when the actor's role lacks ``permission``. ``lock`` selects it for update.
    """
    path = _ORGANISATION_PATH[model][0]
    organisation_id = (
        model._default_manager.filter(pk=pk).values_list(path, flat=True).first()
        if isinstance(pk, int)
        else None
    )
    if organisation_id is None:
        raise not_found(model)
    try:
        access = access_organisation(actor, organisation_id, permission)
    except NotFound:
        raise not_found(model) from None
    rows = model._default_manager.select_for_update() if lock else model._default_manager
    return access, rows.get(pk=pk)


def ensure_active(product: Product) -> None:
    """Refuse changes to a retired product: it stays readable, but is no longer planned."""
    if product.is_retired:
        raise Conflict(
            f"{product.name} is retired: it can be read and commented on, but not changed.",
            code="product.retired",
        )
