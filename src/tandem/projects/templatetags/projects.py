"""Template helpers of the projects pages: progress bars, money, days of float."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

MINUTES_PER_DAY = 480


@register.simple_tag
def progress(percent: float | None) -> str:
    """A progress bar (a <progress> element: no inline styles under the CSP)."""
    value = 0 if percent is None else max(0, min(100, round(percent)))
    return format_html(
        '<progress class="bar" max="100" value="{}" aria-label="{} % complete"></progress>',
        value,
        value,
    )


@register.simple_tag
def money(minor: int | None, currency: str = "EUR") -> str:
    """Minor units as an amount: 1234567 EUR -> "EUR 12,345.67"."""
    if minor is None:
        return "—"
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(int(minor)), 100)
    return f"{sign}{currency} {whole:,}.{cents:02d}"


@register.simple_tag
def days(minutes: int | None) -> str:
    """Working minutes as days of an 8-hour day: 960 -> "2 d", -240 -> "-0.5 d"."""
    if minutes is None:
        return "—"
    value = minutes / MINUTES_PER_DAY
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text} d"


@register.simple_tag
def signed(value: float | None) -> str:
    """A number with its sign: 2.5 -> "+2.5", -1 -> "-1", 0 -> "0"."""
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"+{text}" if value > 0 else text
