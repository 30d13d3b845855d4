"""Reads of goals, metrics and measurements: health from the trend, and chart data.

Times become days for the core (seconds since the epoch / 86 400); target dates count from the
start of the day in the organisation's time zone.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.actors import Actor
from tandem.core.metric_health import Direction, Health, HealthReport, Point, Target, assess
from tandem.products.access import access_row
from tandem.products.models import Goal, Measurement, Metric, Product

SECONDS_PER_DAY = 86400.0


def day_of(moment: datetime) -> float:
    """A moment as fractional days since the Unix epoch."""
    return moment.timestamp() / SECONDS_PER_DAY


def day_of_date(day: date, time_zone: str) -> float:
    """The start of a calendar day in the organisation's zone, as days since the epoch."""
    return day_of(datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(time_zone)))


def target_of(metric: Metric, time_zone: str) -> Target:
    """The core's view of a metric's target."""
    return Target(
        direction=Direction(metric.direction),
        baseline=metric.baseline,
        value=metric.target,
        day=day_of_date(metric.target_date, time_zone) if metric.target_date else None,
    )


def points_of(metric_ids: Iterable[int]) -> dict[int, list[Point]]:
    """Every measurement of these metrics as core points, oldest first."""
    points: dict[int, list[Point]] = defaultdict(list)
    rows = (
        Measurement.objects.filter(metric_id__in=list(metric_ids))
        .order_by("metric_id", "at")
        .values_list("metric_id", "at", "value")
    )
    for metric_id, at, value in rows:
        points[metric_id].append(Point(day_of(at), value))
    return points


@dataclass(frozen=True)
class MetricView:
    """A metric with its health on the day asked about."""

    metric: Metric
    report: HealthReport

    @property
    def health(self) -> Health:
        return self.report.health

    @property
    def latest(self) -> float | None:
        return self.report.latest.value if self.report.latest else None

    @property
    def progress(self) -> float | None:
        """How far the latest value has come from baseline to target, 0–100 %."""
        latest, metric = self.latest, self.metric
        if latest is None or metric.target == metric.baseline:
            return None
        share = (latest - metric.baseline) / (metric.target - metric.baseline)
        return max(0.0, min(100.0, share * 100))


def metric_views(
    metrics: Iterable[Metric], time_zone: str, as_of: datetime | None = None
) -> list[MetricView]:
    """Each metric with its health as of ``as_of`` (now); callers have checked access."""
    metrics = list(metrics)
    moment = as_of or timezone.now()
    points = points_of(m.pk for m in metrics)
    return [
        MetricView(m, assess(points.get(m.pk, []), target_of(m, time_zone), day_of(moment)))
        for m in metrics
    ]


# -- with access checks ------------------------------------------------------------------------


def list_goals(actor: Actor, product_id: int) -> QuerySet[Goal]:
    """A product's goals in their order."""
    _, product = access_row(actor, Product, product_id)
    return Goal.objects.filter(product=product)


def get_goal(actor: Actor, goal_id: int) -> Goal:
    """One goal of a product the actor can see."""
    return access_row(actor, Goal, goal_id)[1]


def list_metrics(actor: Actor, product_id: int) -> QuerySet[Metric]:
    """A product's metrics."""
    _, product = access_row(actor, Product, product_id)
    return Metric.objects.filter(product=product).select_related("owner", "goal")


def get_metric(actor: Actor, metric_id: int) -> Metric:
    """One metric of a product the actor can see."""
    return access_row(actor, Metric, metric_id)[1]


def product_metrics(
    actor: Actor, product_id: int, as_of: datetime | None = None
) -> list[MetricView]:
    """A product's metrics, each with its health."""
    access, product = access_row(actor, Product, product_id)
    metrics = Metric.objects.filter(product=product).select_related("owner", "goal")
    return metric_views(metrics, access.organisation.time_zone, as_of)


def metric_health(actor: Actor, metric_id: int, as_of: datetime | None = None) -> MetricView:
    """One metric with its health."""
    access, metric = access_row(actor, Metric, metric_id)
    return metric_views([metric], access.organisation.time_zone, as_of)[0]


def list_measurements(actor: Actor, metric_id: int) -> QuerySet[Measurement]:
    """A metric's measurements, oldest first."""
    _, metric = access_row(actor, Metric, metric_id)
    return Measurement.objects.filter(metric=metric).select_related("recorded_by")


def get_measurement(actor: Actor, measurement_id: int) -> Measurement:
    """One measurement of a metric the actor can see."""
    return access_row(actor, Measurement, measurement_id)[1]


def chart_data(view: MetricView, time_zone: str) -> dict[str, Any]:
    """What the metric chart draws: measurements, the target line and the trend (ms timestamps)."""
    metric, report = view.metric, view.report
    points = points_of([metric.pk]).get(metric.pk, [])

    def ms(day: float) -> int:
        return round(day * SECONDS_PER_DAY * 1000)

    target_day = day_of_date(metric.target_date, time_zone) if metric.target_date else None
    first = points[0].day if points else day_of(timezone.now())
    last_day = max([p.day for p in points[-1:]] + ([target_day] if target_day else []) + [first])
    trend = report.trend
    return {
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction,
        "health": report.health.value,
        "points": [[ms(p.day), p.value] for p in points],
        "target": metric.target,
        "baseline": metric.baseline,
        "target_line": [[ms(first), metric.target], [ms(last_day), metric.target]],
        "target_at": ms(target_day) if target_day else None,
        "trend": [[ms(trend.start), trend.at(trend.start)], [ms(trend.end), trend.at(trend.end)]]
        if trend and report.points_in_trend > 1
        else None,
    }
