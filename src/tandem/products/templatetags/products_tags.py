"""Template filters of the products pages: safe markdown, compact numbers, health and stages."""

from __future__ import annotations

import math
from typing import Any

import markdown as markdown_lib  # type: ignore[import-untyped]
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# What rendered markdown may contain; everything else (scripts, styles, event handlers,
# javascript: links, images from elsewhere) is stripped by nh3.
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    "del", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


@register.filter
def render_markdown(text: str | None) -> SafeString:
    """Markdown as sanitised HTML: safe to show whatever a member typed."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@register.filter
def num(value: Any, digits: int = 2) -> str:
    """A number for people: thousands separated, at most ``digits`` decimals, no trailing zeros."""
    if value is None or value == "":
        return "—"
    number = float(value)
    if not math.isfinite(number):
        return "—"
    if abs(number) >= 100:
        text = f"{number:,.0f}"
    else:
        text = f"{number:,.{int(digits)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(",", "\u202f")


@register.filter
def signed(value: Any) -> str:
    """A change with its sign: +300, −0.5."""
    if value is None:
        return "—"
    text = num(abs(float(value)))
    return ("+" if float(value) >= 0 else "−") + text


@register.filter
def percent(value: Any) -> str:
    """A fraction as a whole percentage: 0.83 → 83 %."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.0f}\u202f%"


@register.filter
def health_label(value: str) -> str:
    """on_track → On track."""
    return str(value or "no_data").replace("_", " ").capitalize()


@register.filter
def label(value: str) -> str:
    """in_progress → In progress."""
    return str(value or "").replace("_", " ").capitalize()


@register.filter
def rank_of(scored: Any, ranking: str) -> int | None:
    """A scored item's rank by "rice" or "wsjf"."""
    rank: int | None = scored.rank_by(ranking)
    return rank


@register.filter
def split_csv(text: str) -> list[str]:
    """ "a,b,c" → ["a", "b", "c"], for short fixed lists in templates."""
    return [part.strip() for part in text.split(",")]


@register.filter
def amount(minor: Any, currency: str = "") -> str:
    """Minor units as whole major units with the currency: 15214408, "EUR" → EUR 152,144."""
    if minor is None or minor == "":
        return "—"
    major = round(float(minor) / 100)
    text = f"{abs(major):,}".replace(",", "\u202f")
    return f"{'−' if major < 0 else ''}{currency} {text}".strip()
