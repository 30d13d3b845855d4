"""REST endpoints for goals, success metrics (with health) and measurements (with CSV import)."""

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.products import queries_metrics, services_import, services_metrics
from tandem.products.models import Goal, Measurement, Metric
from tandem.products.queries_metrics import MetricView
from tandem.products.schemas import (
    GoalIn,
    GoalOut,
    GoalPatch,
    HealthOut,
    ImportIn,
    ImportOut,
    MeasurementIn,
    MeasurementOut,
    MeasurementPatch,
    MetricIn,
    MetricOut,
    MetricPatch,
)
from tandem.web.http import actor, apply_ordering, if_match_version, set_etag

router = Router(tags=["metrics"])

METRIC_ORDERING = {
    "name": "name",
    "key": "key",
    "target_date": "target_date",
    "created_at": "created_at",
}
MEASUREMENT_ORDERING = {"at": "at", "value": "value", "created_at": "created_at"}


# -- goals -------------------------------------------------------------------------------------


@router.get("/products/{product_id}/goals", response=list[GoalOut], tags=["products"])
@paginate(LimitOffsetPagination)
def list_goals(request: HttpRequest, product_id: int) -> Any:
    return queries_metrics.list_goals(actor(request), product_id)


@router.post("/products/{product_id}/goals", response={201: GoalOut}, tags=["products"])
def create_goal(request: HttpRequest, product_id: int, payload: GoalIn) -> Status[Goal]:
    return Status(201, services_metrics.create_goal(actor(request), product_id, **payload.dict()))


@router.get("/goals/{goal_id}", response=GoalOut, tags=["products"])
def get_goal(request: HttpRequest, response: HttpResponse, goal_id: int) -> Goal:
    goal = queries_metrics.get_goal(actor(request), goal_id)
    set_etag(response, goal)
    return goal


@router.patch(
    "/goals/{goal_id}", response=GoalOut, tags=["products"], summary="Change a goal (If-Match)"
)
def update_goal(
    request: HttpRequest, response: HttpResponse, goal_id: int, payload: GoalPatch
) -> Goal:
    goal = services_metrics.update_goal(
        actor(request),
        goal_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, goal)
    return goal


@router.delete("/goals/{goal_id}", response={204: None}, tags=["products"])
def delete_goal(request: HttpRequest, goal_id: int) -> Status[None]:
    services_metrics.delete_goal(actor(request), goal_id)
    return Status(204, None)


# -- metrics -----------------------------------------------------------------------------------


@router.get(
    "/products/{product_id}/metrics",
    response=list[MetricOut],
    summary="A product's metrics; filter by goal or direction, search the name, order by name, "
    "key, target_date or created_at",
)
@paginate(LimitOffsetPagination)
def list_metrics(
    request: HttpRequest,
    product_id: int,
    goal_id: int | None = None,
    direction: str | None = None,
    q: str | None = None,
    ordering: str | None = None,
) -> Any:
    metrics = queries_metrics.list_metrics(actor(request), product_id)
    if goal_id is not None:
        metrics = metrics.filter(goal_id=goal_id)
    if direction:
        metrics = metrics.filter(direction=direction)
    if q:
        metrics = metrics.filter(name__icontains=q)
    return apply_ordering(metrics, ordering, METRIC_ORDERING)


@router.post("/products/{product_id}/metrics", response={201: MetricOut})
def create_metric(request: HttpRequest, product_id: int, payload: MetricIn) -> Status[Metric]:
    metric = services_metrics.create_metric(actor(request), product_id, **payload.dict())
    return Status(201, metric)


@router.get("/metrics/{metric_id}", response=MetricOut)
def get_metric(request: HttpRequest, response: HttpResponse, metric_id: int) -> Metric:
    metric = queries_metrics.get_metric(actor(request), metric_id)
    set_etag(response, metric)
    return metric


@router.patch("/metrics/{metric_id}", response=MetricOut, summary="Change a metric (If-Match)")
def update_metric(
    request: HttpRequest, response: HttpResponse, metric_id: int, payload: MetricPatch
) -> Metric:
    metric = services_metrics.update_metric(
        actor(request),
        metric_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, metric)
    return metric


@router.delete(
    "/metrics/{metric_id}",
    response={204: None},
    summary="Delete a metric and its measurements (409 while criteria, reach or impacts use it)",
)
def delete_metric(request: HttpRequest, metric_id: int) -> Status[None]:
    services_metrics.delete_metric(actor(request), metric_id)
    return Status(204, None)


def _health(view: MetricView) -> dict[str, Any]:
    report = view.report
    latest = report.latest
    return {
        "metric_id": view.metric.pk,
        "health": report.health.value,
        "latest": latest.value if latest else None,
        "latest_at": datetime.fromtimestamp(round(latest.day * 86400, 3), tz=UTC)
        if latest
        else None,
        "judged": report.judged,
        "shortfall": report.shortfall,
        "tolerance": report.tolerance,
        "trend_per_day": report.trend.slope if report.trend else None,
        "explanation": report.explanation,
    }


@router.get(
    "/metrics/{metric_id}/health",
    response=HealthOut,
    summary="On track, at risk, off track or no data, from the trend towards the target",
)
def metric_health(request: HttpRequest, metric_id: int) -> dict[str, Any]:
    return _health(queries_metrics.metric_health(actor(request), metric_id))


# -- measurements ------------------------------------------------------------------------------


@router.get(
    "/metrics/{metric_id}/measurements",
    response=list[MeasurementOut],
    summary="A metric's measurements; filter by time (since, until) or source, order by at, value "
    "or created_at",
)
@paginate(LimitOffsetPagination)
def list_measurements(
    request: HttpRequest,
    metric_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
    source: str | None = None,
    ordering: str | None = None,
) -> Any:
    measurements = queries_metrics.list_measurements(actor(request), metric_id)
    if since:
        measurements = measurements.filter(at__gte=since)
    if until:
        measurements = measurements.filter(at__lte=until)
    if source:
        measurements = measurements.filter(source=source)
    return apply_ordering(measurements, ordering, MEASUREMENT_ORDERING)


@router.post(
    "/metrics/{metric_id}/measurements",
    response={201: MeasurementOut},
    summary="Push one measurement (now, or at the given time)",
)
def record_measurement(
    request: HttpRequest, metric_id: int, payload: MeasurementIn
) -> Status[Measurement]:
    measurement = services_metrics.record_measurement(
        actor(request), metric_id, value=payload.value, at=payload.at, source="api"
    )
    return Status(201, measurement)


@router.get("/measurements/{measurement_id}", response=MeasurementOut)
def get_measurement(
    request: HttpRequest, response: HttpResponse, measurement_id: int
) -> Measurement:
    measurement = queries_metrics.get_measurement(actor(request), measurement_id)
    set_etag(response, measurement)
    return measurement


@router.patch(
    "/measurements/{measurement_id}",
    response=MeasurementOut,
    summary="Correct a measurement (If-Match required)",
)
def update_measurement(
    request: HttpRequest, response: HttpResponse, measurement_id: int, payload: MeasurementPatch
) -> Measurement:
    measurement = services_metrics.update_measurement(
        actor(request),
        measurement_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, measurement)
    return measurement


@router.delete("/measurements/{measurement_id}", response={204: None})
def delete_measurement(request: HttpRequest, measurement_id: int) -> Status[None]:
    services_metrics.delete_measurement(actor(request), measurement_id)
    return Status(204, None)


@router.post(
    "/organisations/{organisation_id}/measurements/import",
    response={201: ImportOut},
    summary="Import measurements from CSV: all rows or none (422 lists every bad row)",
)
def import_measurements(
    request: HttpRequest, organisation_id: int, payload: ImportIn
) -> Status[dict[str, Any]]:
    result = services_import.import_measurements(
        actor(request), organisation_id, payload.csv, metric_id=payload.metric_id
    )
    return Status(201, {"created": result.created, "metrics": result.metrics})
