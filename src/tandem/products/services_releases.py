"""Writes of releases: planned and actual dates, status, notes, and the items they ship.

Marking a release released ships its items on the release's actual date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.actors import Actor
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Invalid
from tandem.products.access import access_row, ensure_active
from tandem.products.inputs import clean_choice, clean_text, other_than, refuse_unknown
from tandem.products.models import RELEASE_STATUSES, Product, Release, RoadmapItem
from tandem.versioning import bump, expect_version

RELEASE_FIELDS = ("label", "title", "planned_date", "actual_date", "status", "notes", "item_ids")


def _clean_label(product: Product, label: Any, exclude: int | None) -> str:
    label = clean_text(label, "label", 40)
    if other_than(Release.objects.filter(product=product, label=label), exclude).exists():
        raise Conflict(
            f"{product.name} already has a release {label}.",
            code="release.label_taken",
            field="label",
        )
    return label


def _clean_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise Invalid(f"The {field.replace('_', ' ')} must be a date.", field=field)
    return value


def _items(product: Product, item_ids: Iterable[Any]) -> list[RoadmapItem]:
    items = []
    for item_id in dict.fromkeys(item_ids):
        item = (
            RoadmapItem.objects.select_for_update().filter(pk=item_id, product=product).first()
            if str(item_id).isdigit()
            else None
        )
        if item is None:
            raise Invalid(
                f"Roadmap item {item_id} is not part of {product.name}.", field="item_ids"
            )
        if item.status == "closed":
            raise Invalid(f"“{item.title}” is closed and ships in no release.", field="item_ids")
        items.append(item)
    return items


def _settle(release: Release, items: list[RoadmapItem] | None) -> None:
    """Link ``items`` (None: keep the current ones); a released release ships them."""
    if items is not None:
        RoadmapItem.objects.filter(release=release).exclude(pk__in=[i.pk for i in items]).update(
            release=None
        )
        for item in items:
            if item.release_id != release.pk:
                item.release = release
                bump(item)
                item.save(update_fields=["release", "version"])
    if release.status == "released":
        for item in RoadmapItem.objects.select_for_update().filter(release=release):
            if item.status != "shipped" or item.shipped_on != release.actual_date:
                item.status = "shipped"
                item.shipped_on = release.actual_date
                bump(item)
                item.save(update_fields=["status", "shipped_on", "version"])


def _check_status(release: Release) -> None:
    if release.status == "released" and release.actual_date is None:
        release.actual_date = timezone.localdate()
    if release.actual_date is not None and release.actual_date > timezone.localdate():
        raise Invalid("A release cannot have shipped in the future.", field="actual_date")
    if release.status == "planned" and release.actual_date is not None:
        raise Invalid(
            "A planned release has no actual date yet; mark it released.", field="actual_date"
        )


@transaction.atomic
def create_release(
    actor: Actor,
    product_id: int,
    *,
    label: str,
    title: str = "",
    planned_date: date | None = None,
    actual_date: date | None = None,
    status: str = "planned",
    notes: str = "",
    item_ids: Iterable[int] = (),
) -> Release:
    """A new release of a product, planned or already out, with the items it carries."""
    access, product = access_row(actor, Product, product_id, Permission.EDIT_PRODUCT)
    ensure_active(product)
    release = Release(
        product=product,
        label=_clean_label(product, label, None),
        title=clean_text(title, "title", 200, required=False),
        planned_date=_clean_date(planned_date, "planned_date"),
        actual_date=_clean_date(actual_date, "actual_date"),
        status=clean_choice(status, RELEASE_STATUSES, "status"),
        notes=clean_text(notes, "notes", 20000, required=False),
    )
    _check_status(release)
    items = _items(product, item_ids)
    release.save()
    _settle(release, items)
    record_activity(
        actor,
        access.organisation,
        action="products.release.created",
        target=release,
        summary=f"added release {release.label} of {product.name}",
        data={"status": release.status, "items": [i.pk for i in items]},
    )
    return release


@transaction.atomic
def update_release(
    actor: Actor, release_id: int, *, version: int | None, **changes: Any
) -> Release:
    """Change a release; setting it released ships its items on the actual date."""
    access, release = access_row(actor, Release, release_id, Permission.EDIT_PRODUCT, lock=True)
    refuse_unknown(changes, RELEASE_FIELDS)
    product = release.product
    ensure_active(product)
    expect_version(release, version)
    was = release.status
    if "label" in changes:
        release.label = _clean_label(product, changes["label"], release.pk)
    if "title" in changes:
        release.title = clean_text(changes["title"], "title", 200, required=False)
    for field in ("planned_date", "actual_date"):
        if field in changes:
            setattr(release, field, _clean_date(changes[field], field))
    if "status" in changes:
        release.status = clean_choice(changes["status"], RELEASE_STATUSES, "status")
    if "notes" in changes:
        release.notes = clean_text(changes["notes"], "notes", 20000, required=False)
    _check_status(release)
    items = _items(product, changes["item_ids"] or ()) if "item_ids" in changes else None
    bump(release)
    release.save()
    _settle(release, items)
    shipped = was != "released" and release.status == "released"
    record_activity(
        actor,
        access.organisation,
        action="products.release.released" if shipped else "products.release.updated",
        target=release,
        summary=f"released {product.name} {release.label}"
        if shipped
        else f"updated release {release.label} of {product.name}",
        data={"fields": sorted(changes)},
    )
    return release


@transaction.atomic
def delete_release(actor: Actor, release_id: int) -> None:
    """Remove a release that has not shipped; its items stay on the roadmap."""
    access, release = access_row(actor, Release, release_id, Permission.EDIT_PRODUCT, lock=True)
    ensure_active(release.product)
    if release.status == "released":
        raise Conflict(
            f"Release {release.label} has shipped and is part of the product's history.",
            code="release.released",
        )
    record_activity(
        actor,
        access.organisation,
        action="products.release.deleted",
        target=release,
        summary=f"removed release {release.label} of {release.product.name}",
    )
    release.delete()
