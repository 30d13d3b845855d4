"""A success metric's health (on track, at risk, off track, no data) from its trend to the target.

The rule, in full (docs/products.md gives a worked example):

1. Only measurements at or before ``as_of`` count; without any the health is *no data*.
2. Before the target date, the judged value is the least-squares trend line through the
   measurements of the last 90 days (ending at the latest measurement), evaluated at the target
   date. With fewer than two distinct days in that window the trend is flat at the latest value.
   Without a target date, or once it has passed, the judged value is the latest measurement.
3. The shortfall is how far the judged value falls short of the target in the metric's better
   direction (target − value when higher is better, value − target when lower is better).
4. Shortfall ≤ 0: *on track*. Before the target date, a shortfall up to the tolerance — 10 % of
   the distance from baseline to target (of the target itself when they are equal) — is *at
   risk*. Anything worse, and any shortfall once the target date has passed, is *off track*.

Times are plain numbers of days (any origin), so the caller decides the calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

TREND_WINDOW_DAYS = 90.0
TOLERANCE_SHARE = 0.10


class Direction(StrEnum):
    """Which way a metric gets better."""

    HIGHER = "higher"
    LOWER = "lower"


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Point:
    """A measurement: ``day`` (any origin, fractional allowed) and its value."""

    day: float
    value: float


@dataclass(frozen=True)
class Target:
    """Where a metric should be, by when (``day`` None: no date), and which way is better."""

    direction: Direction
    baseline: float
    value: float
    day: float | None = None


@dataclass(frozen=True)
class Trend:
    """A straight line ``value = intercept + slope × (day − origin)`` between two days."""

    origin: float
    intercept: float
    slope: float
    start: float
    end: float

    def at(self, day: float) -> float:
        return self.intercept + self.slope * (day - self.origin)


@dataclass(frozen=True)
class HealthReport:
    """The health and the numbers behind it, for pages, the API and the chart."""

    health: Health
    latest: Point | None = None
    judged: float | None = None
    shortfall: float | None = None
    tolerance: float = 0.0
    trend: Trend | None = None
    points_in_trend: int = 0
    explanation: str = "No measurements yet."


def least_squares(points: Sequence[Point]) -> tuple[float, float, float]:
    """(origin, intercept, slope) of the least-squares line; flat when the days do not vary.

    Days are shifted to their mean (the origin) before fitting, which keeps the sums small.
    """
    n = len(points)
    origin = sum(p.day for p in points) / n
    mean = sum(p.value for p in points) / n
    sxx = sum((p.day - origin) ** 2 for p in points)
    if sxx == 0:
        return origin, mean, 0.0
    sxy = sum((p.day - origin) * (p.value - mean) for p in points)
    return origin, mean, sxy / sxx


def tolerance_of(target: Target) -> float:
    """The at-risk band: 10 % of the baseline-to-target distance (of the target when they meet)."""
    distance = abs(target.value - target.baseline) or abs(target.value)
    return TOLERANCE_SHARE * distance


def shortfall_of(value: float, target: Target) -> float:
    """How far ``value`` falls short of the target in the better direction (≤ 0: reached)."""
    if target.direction is Direction.HIGHER:
        return target.value - value
    return value - target.value


def trend_of(points: Sequence[Point], until: float | None = None) -> Trend | None:
    """The trend through the last 90 days of ``points`` (sorted by day), drawn up to ``until``."""
    if not points:
        return None
    latest = points[-1]
    window = [p for p in points if p.day >= latest.day - TREND_WINDOW_DAYS]
    if len({p.day for p in window}) < 2:
        origin, intercept, slope = latest.day, latest.value, 0.0
    else:
        origin, intercept, slope = least_squares(window)
    end = latest.day if until is None else max(until, latest.day)
    return Trend(origin, intercept, slope, window[0].day, end)


def assess(points: Sequence[Point], target: Target, as_of: float) -> HealthReport:
    """The health of a metric with these measurements and this target on day ``as_of``."""
    known = sorted((p for p in points if p.day <= as_of), key=lambda p: p.day)
    if not known:
        return HealthReport(Health.NO_DATA)
    latest = known[-1]
    tolerance = tolerance_of(target)
    date_passed = target.day is not None and as_of >= target.day
    if target.day is None or date_passed:
        trend = trend_of(known)
        judged = latest.value
        basis = "the latest value"
    else:
        trend = trend_of(known, until=target.day)
        assert trend is not None  # known is not empty
        judged = trend.at(target.day)
        basis = "the trend at the target date"
    shortfall = shortfall_of(judged, target)
    window = sum(1 for p in known if p.day >= latest.day - TREND_WINDOW_DAYS)
    if shortfall <= 0:
        health = Health.ON_TRACK
        explanation = f"{basis.capitalize()} reaches the target."
    elif not date_passed and shortfall <= tolerance:
        health = Health.AT_RISK
        explanation = (
            f"{basis.capitalize()} falls short of the target, but by at most 10 % of the "
            "distance from baseline to target."
        )
    elif date_passed:
        health = Health.OFF_TRACK
        explanation = "The target date has passed and the latest value misses the target."
    else:
        health = Health.OFF_TRACK
        explanation = (
            f"{basis.capitalize()} falls short of the target by more than 10 % of the "
            "distance from baseline to target."
        )
    return HealthReport(
        health=health,
        latest=latest,
        judged=judged,
        shortfall=shortfall,
        tolerance=tolerance,
        trend=trend,
        points_in_trend=window,
        explanation=explanation,
    )
