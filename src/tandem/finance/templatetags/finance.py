"""Template helpers of the finance pages: minutes as hours, shares as percentages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours with up to two decimals: 90 -> "1.5", 20 -> "0.33", 0 -> "0"."""
    if not minutes:
        return "0"
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


@register.filter
def percent(share: float | None) -> str:
    """A share of one as a whole percentage: 0.537 -> "54%"; None -> "—"."""
    if share is None:
        return "—"
    return f"{share * 100:.0f}%"
