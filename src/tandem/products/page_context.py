"""The frame every product page shares: the product, its tabs, and what the viewer may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tandem.accounts.access import Access
from tandem.accounts.models import User
from tandem.core.lifecycle import STAGES
from tandem.core.permissions import Permission
from tandem.products import queries
from tandem.products.models import Product

TABS = (
    ("overview", "Overview", "products:product"),
    ("roadmap", "Roadmap", "products:board"),
    ("metrics", "Goals & metrics", "products:metrics"),
    ("releases", "Releases", "products:releases"),
    ("teams", "Teams", "products:product_teams"),
)


def member(request: HttpRequest) -> User:
    """The signed-in user of an organisation page (organisation_page has checked it)."""
    user = request.user
    assert isinstance(user, User)
    return user


def product_frame(
    request: HttpRequest, access: Access, product_id: int, tab: str
) -> tuple[Product, dict[str, Any]]:
    """The product (NotFound when foreign) and the context its header and tabs need."""
    product = queries.get_product(member(request), product_id)
    kwargs = {"org": access.organisation.slug, "product_id": product.pk}
    active = not product.is_retired
    return product, {
        "product": product,
        "tab": tab,
        "tabs": [
            {"key": key, "label": text, "url": reverse(name, kwargs=kwargs), "active": key == tab}
            for key, text, name in TABS
        ],
        "stages": STAGES,
        "can_edit": active and access.can(Permission.EDIT_PRODUCT),
        "can_record": active and access.can(Permission.RECORD_MEASUREMENT),
        "can_comment": access.can(Permission.COMMENT),
    }


def options(rows: Any, label: str = "name", blank: str | None = "—") -> list[tuple[Any, str]]:
    """Choices for a select from rows (with a blank first unless ``blank`` is None)."""
    choices = [(row.pk, getattr(row, label)) for row in rows]
    return ([("", blank)] if blank is not None else []) + choices
