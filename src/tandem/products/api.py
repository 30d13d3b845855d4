"""REST endpoints of the products app."""

from ninja import Router

router = Router(tags=["products"])
