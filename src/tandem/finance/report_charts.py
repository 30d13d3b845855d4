"""The status report's charts as geometry: series, ticks and guide lines in a unit square
(x to the right, y up), so the page (as SVG) and the PDF (with fpdf2's lines) draw the same
picture from the same numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from tandem.finance.queries import SCurve

Colour = tuple[int, int, int]
BLUE: Colour = (37, 99, 235)
GREEN: Colour = (22, 163, 74)
RED: Colour = (220, 38, 38)
AMBER: Colour = (217, 119, 6)
GREY: Colour = (100, 116, 139)


@dataclass(frozen=True)
class Series:
    """A line through points of the unit square, optionally dashed or with dots."""

    name: str
    colour: Colour
    points: list[tuple[float, float]]
    dashed: bool = False
    dots: bool = False


@dataclass(frozen=True)
class Tick:
    """A labelled position (0..1) along an axis."""

    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    """A line chart: series, axis ticks, vertical guides and horizontal levels."""

    title: str
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    guides: list[Tick] = field(default_factory=list)  # vertical lines, e.g. the status date
    levels: list[Tick] = field(default_factory=list)  # horizontal lines, e.g. BAC or 1.0


class _Scale:
    """Dates and values to unit coordinates."""

    def __init__(self, first: date, last: date, low: float, high: float) -> None:
        self.first, self.span = first, max((last - first).days, 1)
        self.low, self.height = low, (high - low) or 1.0

    def x(self, day: date) -> float:
        return (day - self.first).days / self.span

    def y(self, value: float) -> float:
        return (value - self.low) / self.height

    def point(self, day: date, value: float) -> tuple[float, float]:
        return (round(self.x(day), 5), round(self.y(value), 5))


def _nice_step(high: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) that cuts 0..high into at most ``count`` parts."""
    if high <= 0:
        return 1.0
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _short_amount(value: float) -> str:
    """Major units in a few characters: 1500000 -> "1.5M", 50000 -> "50k"."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            text = f"{value / size:.1f}".removesuffix(".0")
            return f"{text}{suffix}"
    return f"{value:g}"


def _month_ticks(scale: _Scale, first: date, last: date) -> list[Tick]:
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    every = max(1, math.ceil(len(months) / 8))
    ticks = []
    for n, month in enumerate(months[::every]):
        label = f"{month:%b %Y}" if n == 0 or month.month == 1 else f"{month:%b}"
        ticks.append(Tick(round(scale.x(month), 5), label))
    return ticks


def s_curve_chart(curve: SCurve, as_of: date, bac: float, currency: str) -> Chart:
    """Planned value, earned value and actual cost over time, with the estimate at completion
    projected from the status date; money in major units."""
    days = [*curve.dates, *(d for d, _ in curve.earned + curve.actual + curve.projection)]
    first, last = min(days), max(days)
    values = [*curve.planned, *(v for _, v in curve.earned + curve.actual + curve.projection), bac]
    top = max(values) / 100 if values else 0.0
    step = _nice_step(top * 1.05)
    high = step * max(math.ceil(top * 1.05 / step), 1)
    scale = _Scale(first, last, 0.0, high)

    def line(pairs: Sequence[tuple[date, float]]) -> list[tuple[float, float]]:
        return [scale.point(d, v / 100) for d, v in pairs]

    series = [
        Series("Planned value", BLUE, line(list(zip(curve.dates, curve.planned, strict=True)))),
        Series("Earned value", GREEN, line(curve.earned), dots=True),
        Series("Actual cost", RED, line(curve.actual)),
    ]
    if curve.projection:
        series.append(Series("Estimate at completion", RED, line(curve.projection), dashed=True))
    y_ticks = [
        Tick(round(scale.y(k * step), 5), _short_amount(k * step))
        for k in range(round(high / step) + 1)
    ]
    return Chart(
        title=f"S-curve ({currency})",
        series=series,
        x_ticks=_month_ticks(scale, first, last),
        y_ticks=y_ticks,
        guides=[Tick(round(scale.x(as_of), 5), "status date")],
        levels=[Tick(round(scale.y(bac / 100), 5), "BAC")] if bac else [],
    )


def index_chart(points: Sequence[tuple[date, float | None, float | None]]) -> Chart | None:
    """SPI and CPI at each status date, against the 1.0 line (None with no index at all)."""
    values = [v for _, spi, cpi in points for v in (spi, cpi) if v is not None]
    if not values:
        return None
    low = math.floor(min([*values, 0.8]) * 10) / 10
    high = math.ceil(max([*values, 1.2]) * 10) / 10
    step = 0.1 if high - low <= 0.6 else (0.2 if high - low <= 1.2 else 0.5)
    first, last = points[0][0], points[-1][0]
    if first == last:
        first = date.fromordinal(first.toordinal() - 7)
    scale = _Scale(first, last, low, high)
    series = []
    for name, colour, k in (("SPI", BLUE, 1), ("CPI", AMBER, 2)):
        line = [scale.point(p[0], p[k]) for p in points if p[k] is not None]  # type: ignore[arg-type]
        if line:
            series.append(Series(name, colour, line, dots=True))
    count = round((high - low) / step)
    return Chart(
        title="SPI and CPI by status date",
        series=series,
        x_ticks=_month_ticks(scale, first, last) or [Tick(1.0, f"{last:%-d %b}")],
        y_ticks=[
            Tick(round(scale.y(low + k * step), 5), f"{low + k * step:.1f}")
            for k in range(count + 1)
        ],
        levels=[Tick(round(scale.y(1.0), 5), "1.0")],
    )


# -- SVG for the page ----------------------------------------------------------------------------

WIDTH, HEIGHT = 900, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 30, 26


def _rgb(colour: Colour) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


def to_svg(chart: Chart) -> str:
    """The chart as SVG markup (every text escaped; presentation attributes only, so the
    page's content security policy lets it draw)."""
    w, h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def at(x: float, y: float) -> tuple[float, float]:
        return LEFT + x * w, TOP + (1 - y) * h

    parts = [
        f'<svg class="report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg" '
        'font-size="11" fill="#475569">'
    ]
    for tick in chart.y_ticks:
        y = TOP + (1 - tick.at) * h
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + w}" y2="{y:.1f}" stroke="#e2e8f0"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(tick.label)}</text>'
        )
    for tick in chart.x_ticks:
        x = LEFT + tick.at * w
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP + h}" x2="{x:.1f}" y2="{TOP + h + 4}" stroke="#94a3b8"/>'
            f'<text x="{x:.1f}" y="{TOP + h + 16}" text-anchor="middle">{escape(tick.label)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + h}" x2="{LEFT + w}" y2="{TOP + h}" stroke="#94a3b8"/>'
    )
    for level in chart.levels:
        y = TOP + (1 - level.at) * h
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + w}" y2="{y:.1f}" stroke="#64748b" '
            f'stroke-dasharray="2 3"/><text x="{LEFT + w - 2}" y="{y - 4:.1f}" '
            f'text-anchor="end">{escape(level.label)}</text>'
        )
    for guide in chart.guides:
        x = LEFT + guide.at * w
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + h}" stroke="#64748b" '
            f'stroke-dasharray="4 3"/><text x="{x + 4:.1f}" y="{TOP + 10}">'
            f"{escape(guide.label)}</text>"
        )
    for series in chart.series:
        colour = _rgb(series.colour)
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        points = " ".join("{:.1f},{:.1f}".format(*at(x, y)) for x, y in series.points)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        if series.dots:
            for x, y in series.points:
                cx, cy = at(x, y)
                parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{colour}"/>')
    x = LEFT
    for series in chart.series:
        colour = _rgb(series.colour)
        dash = ' stroke-dasharray="4 3"' if series.dashed else ""
        parts.append(
            f'<line x1="{x}" y1="12" x2="{x + 16}" y2="12" stroke="{colour}" stroke-width="2"'
            f'{dash}/><text x="{x + 20}" y="16">{escape(series.name)}</text>'
        )
        x += 28 + 6 * len(series.name)
    parts.append("</svg>")
    return "".join(parts)
