"""Pages for goals and success metrics: the metrics tab, a metric with its chart,
measurements typed in or uploaded as CSV.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_members
from tandem.core.permissions import Permission
from tandem.errors import DomainError
from tandem.products import queries_metrics, services_metrics
from tandem.products.access import not_found
from tandem.products.forms import GoalForm, MeasurementForm, MetricForm
from tandem.products.models import Metric
from tandem.products.page_context import member, options, product_frame
from tandem.products.queries_metrics import chart_data
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page


def _metrics_url(access: Access, product_id: int) -> str:
    return reverse(
        "products:metrics", kwargs={"org": access.organisation.slug, "product_id": product_id}
    )


def _metric_url(access: Access, product_id: int, metric_id: int) -> str:
    return reverse(
        "products:metric",
        kwargs={"org": access.organisation.slug, "product_id": product_id, "metric_id": metric_id},
    )


def _metrics_context(
    request: HttpRequest, access: Access, product_id: int, goal_form: GoalForm | None = None
) -> dict[str, Any]:
    user = member(request)
    product, context = product_frame(request, access, product_id, "metrics")
    views = queries_metrics.product_metrics(user, product.pk)
    goals = list(queries_metrics.list_goals(user, product.pk))
    zone = access.organisation.time_zone
    sections = [
        {"goal": goal, "metrics": [v for v in views if v.metric.goal_id == goal.pk]}
        for goal in goals
    ]
    loose = [v for v in views if v.metric.goal_id is None]
    if loose:
        sections.append({"goal": None, "metrics": loose})
    context.update(
        {
            "sections": sections,
            "goal_form": goal_form or GoalForm(),
            "sparklines": {str(v.metric.pk): chart_data(v, zone)["points"][-26:] for v in views},
        }
    )
    return context


@require_GET
@organisation_page()
def metrics(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Goals with their success metrics and each metric's health."""
    return render(request, "products/metrics.html", _metrics_context(request, access, product_id))


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def add_goal(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Add a goal to the product."""
    form = GoalForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services_metrics.create_goal(member(request), product_id, **form.cleaned_data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Goal added.")
            return redirect(_metrics_url(access, product_id))
    context = _metrics_context(request, access, product_id, goal_form=form)
    return render(request, "products/metrics.html", context, status=status)


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def delete_goal(
    request: HttpRequest, access: Access, product_id: int, goal_id: int
) -> HttpResponse:
    """Remove a goal (its metrics stay)."""
    try:
        services_metrics.delete_goal(member(request), goal_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Goal removed.")
    return redirect(_metrics_url(access, product_id))


def _metric_form(
    request: HttpRequest, access: Access, product_id: int, **kwargs: Any
) -> MetricForm:
    form = MetricForm(request.POST or None, **kwargs)
    user = member(request)
    form.fields["owner_id"].choices = options(  # type: ignore[attr-defined]
        [m.user for m in list_members(user, access.organisation.pk)], "display_name"
    )
    form.fields["goal_id"].choices = options(  # type: ignore[attr-defined]
        queries_metrics.list_goals(user, product_id), "title"
    )
    return form


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def new_metric(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Define a success metric: unit, direction, baseline, target and date, owner."""
    product, context = product_frame(request, access, product_id, "metrics")
    form = _metric_form(
        request,
        access,
        product.pk,
        initial={"direction": "higher", "owner_id": request.user.pk, **request.GET.dict()},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            metric = services_metrics.create_metric(member(request), product.pk, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"Metric {metric.name} added; record its first measurement.")
            return redirect(_metric_url(access, product.pk, metric.pk))
    elif request.method == "POST":
        status = 422
    return render(request, "products/metric_form.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def edit_metric(
    request: HttpRequest, access: Access, product_id: int, metric_id: int
) -> HttpResponse:
    """Change a metric's definition."""
    product, context = product_frame(request, access, product_id, "metrics")
    metric = queries_metrics.get_metric(member(request), metric_id)
    fields = ("name", "key", "description", "unit", "direction", "baseline", "target")
    initial = {f: getattr(metric, f) for f in fields}
    initial.update(
        target_date=metric.target_date,
        owner_id=metric.owner_id,
        goal_id=metric.goal_id,
        version=metric.version,
    )
    form = _metric_form(request, access, product.pk, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services_metrics.update_metric(member(request), metric.pk, version=version, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Metric saved.")
            return redirect(_metric_url(access, product.pk, metric.pk))
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "products/metric_form.html",
        {**context, "form": form, "metric": metric},
        status=status,
    )


def _metric_context(
    request: HttpRequest,
    access: Access,
    product_id: int,
    metric_id: int,
    *,
    measurement_form: MeasurementForm | None = None,
) -> dict[str, Any]:
    user = member(request)
    product, context = product_frame(request, access, product_id, "metrics")
    view = queries_metrics.metric_health(user, metric_id)
    if view.metric.product_id != product.pk:
        raise not_found(Metric)
    measurements = list(queries_metrics.list_measurements(user, metric_id).order_by("-at")[:15])
    report = view.report
    context.update(
        {
            "view": view,
            "metric": view.metric,
            "report": report,
            "trend_per_week": report.trend.slope * 7 if report.trend else None,
            "chart": chart_data(view, access.organisation.time_zone),
            "measurements": measurements,
            "measurement_count": queries_metrics.list_measurements(user, metric_id).count(),
            "measurement_form": measurement_form or MeasurementForm(),
        }
    )
    return context


@require_GET
@organisation_page()
def metric_page(
    request: HttpRequest, access: Access, product_id: int, metric_id: int
) -> HttpResponse:
    """A metric: chart with target and trend, health and its reason, measurements."""
    context = _metric_context(request, access, product_id, metric_id)
    return render(request, "products/metric.html", context)


@require_POST
@organisation_page(Permission.RECORD_MEASUREMENT)
def record_measurement(
    request: HttpRequest, access: Access, product_id: int, metric_id: int
) -> HttpResponse:
    """Type in one measurement."""
    form = MeasurementForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services_metrics.record_measurement(
                member(request),
                metric_id,
                value=form.cleaned_data["value"],
                at=form.cleaned_data["at"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Measurement recorded.")
            return redirect(_metric_url(access, product_id, metric_id))
    context = _metric_context(request, access, product_id, metric_id, measurement_form=form)
    return render(request, "products/metric.html", context, status=status)


@require_POST
@organisation_page(Permission.RECORD_MEASUREMENT)
def delete_measurement(
    request: HttpRequest, access: Access, product_id: int, metric_id: int, measurement_id: int
) -> HttpResponse:
    """Remove a measurement recorded by mistake."""
    try:
        services_metrics.delete_measurement(member(request), measurement_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Measurement removed.")
    return redirect(_metric_url(access, product_id, metric_id))
