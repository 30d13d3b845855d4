"""Writes of the products app for products themselves and their comments.

Lifecycle, metrics, roadmap, releases and teams have their own service modules
(services_lifecycle, services_metrics, services_import, services_roadmap, services_teams).
Every function checks access first and runs in one transaction with its journal entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor, user_of
from tandem.accounts.models import Organisation
from tandem.collab.services import record_activity
from tandem.core.lifecycle import Stage
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Forbidden, Invalid
from tandem.products.access import access_row, ensure_active
from tandem.products.inputs import (
    clean_key,
    clean_member,
    clean_members,
    clean_teams,
    clean_text,
    other_than,
    refuse_unknown,
)
from tandem.products.models import Comment, Product, RoadmapItem, StageTransition
from tandem.versioning import bump, expect_version

TEXT_FIELDS = ("purpose", "vision", "target_customers", "strategy")
PRODUCT_FIELDS = ("name", "key", *TEXT_FIELDS, "owner_id", "stakeholder_ids", "team_ids")


def _unique_name(organisation: Organisation, name: str, exclude: int | None = None) -> str:
    clash = Product.objects.filter(organisation=organisation, name__iexact=name)
    if other_than(clash, exclude).exists():
        raise Conflict(
            f"{organisation.name} already has a product called {name}.",
            code="product.name_taken",
            field="name",
        )
    return name


def _unique_key(organisation: Organisation, key: str | None, name: str, exclude: int | None) -> str:
    products = other_than(Product.objects.filter(organisation=organisation), exclude)
    if key:
        key = clean_key(key)
        if products.filter(key=key).exists():
            raise Conflict(
                f"The key '{key}' is taken by another product.",
                code="product.key_taken",
                field="key",
            )
        return key
    base = slugify(name)[:36] or "product"
    key, n = base, 1
    while products.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _clean_created_at(created_at: datetime | None) -> datetime:
    now = timezone.now()
    if created_at is None:
        return now
    if timezone.is_naive(created_at) or created_at > now:
        raise Invalid(
            "The creation time needs a time zone and must not lie ahead.", field="created_at"
        )
    return created_at


def _owner(organisation: Organisation, owner_id: Any) -> Any:
    return clean_member(
        organisation,
        owner_id,
        "owner_id",
        permission=Permission.EDIT_PRODUCT,
        what="a product's owner (a product manager, admin or owner)",
    )


@transaction.atomic
def create_product(
    actor: Actor,
    organisation_id: int,
    *,
    name: str,
    key: str | None = None,
    purpose: str = "",
    vision: str = "",
    target_customers: str = "",
    strategy: str = "",
    owner_id: int | None = None,
    stakeholder_ids: Iterable[int] = (),
    team_ids: Iterable[int] = (),
    created_at: datetime | None = None,
) -> Product:
    """A new product in planning, owned by ``owner_id`` (the acting user when omitted).

    ``created_at`` dates a product brought in with its history (it defaults to now).
    """
    access = access_organisation(actor, organisation_id, Permission.EDIT_PRODUCT)
    organisation = access.organisation
    name = _unique_name(organisation, clean_text(name, "name", 120))
    if owner_id is None and access.user is not None:
        owner_id = access.user.pk
    moment = _clean_created_at(created_at)
    product = Product.objects.create(
        organisation=organisation,
        name=name,
        key=_unique_key(organisation, key, name, None),
        purpose=clean_text(purpose, "purpose", 5000, required=False),
        vision=clean_text(vision, "vision", 5000, required=False),
        target_customers=clean_text(target_customers, "target_customers", 5000, required=False),
        strategy=clean_text(strategy, "strategy", 50000, required=False),
        owner=_owner(organisation, owner_id),
        created_at=moment,
        stage_changed_at=moment,
    )
    product.stakeholders.set(clean_members(organisation, stakeholder_ids, "stakeholder_ids"))
    product.teams.set(clean_teams(organisation, team_ids, "team_ids"))
    StageTransition.objects.create(
        product=product,
        from_stage="",
        to_stage=Stage.PLANNING,
        actor=user_of(actor),
        at=product.created_at,
        reason="Product created.",
    )
    record_activity(
        actor,
        organisation,
        action="products.product.created",
        target=product,
        summary=f"created the product {product.name}",
    )
    return product


@transaction.atomic
def update_product(
    actor: Actor, product_id: int, *, version: int | None, **changes: Any
) -> Product:
    """Change a product's description, owner, stakeholders or teams (not its stage)."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT, lock=True)
    if "stage" in changes:
        raise Invalid(
            "The stage changes only by moving the product through its lifecycle.",
            field="stage",
            code="product.stage_via_lifecycle",
        )
    refuse_unknown(changes, PRODUCT_FIELDS)
    ensure_active(product)
    expect_version(product, version)
    organisation = access.organisation
    if "name" in changes:
        product.name = _unique_name(
            organisation, clean_text(changes["name"], "name", 120), product.pk
        )
    if "key" in changes:
        product.key = _unique_key(organisation, changes["key"] or None, product.name, product.pk)
    for field in TEXT_FIELDS:
        if field in changes:
            limit = 50000 if field == "strategy" else 5000
            setattr(product, field, clean_text(changes[field], field, limit, required=False))
    if "owner_id" in changes:
        product.owner = _owner(organisation, changes["owner_id"])
    if "stakeholder_ids" in changes:
        product.stakeholders.set(
            clean_members(organisation, changes["stakeholder_ids"] or (), "stakeholder_ids")
        )
    if "team_ids" in changes:
        product.teams.set(clean_teams(organisation, changes["team_ids"] or (), "team_ids"))
    bump(product)
    product.save()
    record_activity(
        actor,
        organisation,
        action="products.product.updated",
        target=product,
        summary=f"updated the product {product.name}",
        data={"fields": sorted(changes)},
    )
    return product


@transaction.atomic
def delete_product(actor: Actor, product_id: int) -> None:
    """Delete a product still in planning; one that has moved on has history and is retired."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT, lock=True)
    if product.stage != Stage.PLANNING:
        raise Conflict(
            f"{product.name} is in {product.stage}: a product that has left planning has "
            "history, so retire it instead of deleting it.",
            code="product.delete_not_allowed",
        )
    name = product.name
    record_activity(
        actor,
        access.organisation,
        action="products.product.deleted",
        target=product,
        summary=f"deleted the product {name}",
    )
    product.delete()


# -- comments ----------------------------------------------------------------------------------


@transaction.atomic
def add_comment(actor: Actor, product_id: int, *, body: str, item_id: int | None = None) -> Comment:
    """A member's comment on a product (or one of its roadmap items); retired ones included."""
    access, product = access_row(actor, Product, product_id, Permission.COMMENT)
    item = None
    if item_id is not None:
        item = RoadmapItem.objects.filter(pk=item_id, product=product).first()
        if item is None:
            raise Invalid(f"Roadmap item {item_id} is not part of {product.name}.", field="item_id")
    comment = Comment.objects.create(
        product=product, item=item, author=user_of(actor), body=clean_text(body, "body", 10000)
    )
    record_activity(
        actor,
        access.organisation,
        action="products.comment.added",
        target=comment,
        summary=f"commented on {item.title if item else product.name}",
        data={"product_id": product.pk, "item_id": item_id},
    )
    return comment


@transaction.atomic
def delete_comment(actor: Actor, comment_id: int) -> None:
    """Remove a comment: its author may, and so may whoever edits products."""
    access, comment = access_row(actor, Comment, comment_id, Permission.VIEW, lock=True)
    is_author = access.user is not None and comment.author_id == access.user.pk
    if not is_author and not access.can(Permission.EDIT_PRODUCT):
        raise Forbidden("Only its author or a product manager may remove a comment.")
    record_activity(
        actor,
        access.organisation,
        action="products.comment.deleted",
        target=comment,
        summary="removed a comment",
        data={"product_id": comment.product_id},
    )
    comment.delete()
