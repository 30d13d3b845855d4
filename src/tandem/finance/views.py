"""Finance pages of a project: the Costs tab (earned value, the S-curve, index trends, the
per-task figures, expenses, snapshots) and the Forecast tab (Monte Carlo finish dates and
costs). Time entries, the timesheet and rates are in views_time."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError, NotFound
from tandem.finance import forecasting, queries, services
from tandem.finance.forms import ExpenseForm, ForecastForm, SnapshotForm, StatusForm, minor
from tandem.finance.presenting import figure_cards, forecast_view, s_curve_data, trend_data
from tandem.projects.models import Project
from tandem.projects.queries import task_rows
from tandem.projects.views import project_page, tabs
from tandem.web.forms import set_choices, show_refusal
from tandem.web.pages import organisation_page, signed_in


def _costs_url(access: Access, project: Project) -> str:
    return reverse(
        "finance:costs", kwargs={"org": access.organisation.slug, "project_id": project.pk}
    )


def _task_choices(project: Project, blank: str | None = None) -> list[tuple[Any, str]]:
    """The project's work tasks (not summaries) in outline order, named by outline number."""
    choices: list[tuple[Any, str]] = [] if blank is None else [("", blank)]
    choices += [
        (row.task.pk, f"{row.outline.number} {row.task.name}")
        for row in task_rows(project)
        if not row.summary
    ]
    return choices


def _costs_context(
    request: HttpRequest, access: Access, project: Project, expense_form: ExpenseForm
) -> dict[str, Any]:
    actor = signed_in(request)
    status = StatusForm(request.GET or None)
    baselines = list(project.baselines.order_by("-created_at", "-id"))
    set_choices(status, "baseline", [(b.pk, b.name) for b in baselines])
    as_of = baseline_id = None
    if status.is_bound and status.is_valid():
        as_of, baseline_id = status.cleaned_data["as_of"], status.cleaned_data["baseline"]
    value = queries.earned_value_report(actor, project.pk, as_of=as_of, baseline_id=baseline_id)
    if not status.is_bound:
        status = StatusForm(
            initial={"as_of": value.as_of, "baseline": value.baseline and value.baseline.pk}
        )
        set_choices(status, "baseline", [(b.pk, b.name) for b in baselines])
    snapshots = list(queries.list_snapshots(actor, project.pk))
    outline = {row.task.pk: row.outline.number for row in task_rows(project)}
    return {
        **tabs(access, project, "costs"),
        "value": value,
        "figures": value.figures,
        "cards": figure_cards(value),
        "status_form": status,
        "baselines": baselines,
        "snapshots": snapshots,
        "task_values": sorted(
            ((outline.get(tv.task.pk, ""), tv) for tv in value.tasks),
            key=lambda pair: [int(n) for n in pair[0].split(".") if n.isdigit()],
        ),
        "expenses": list(queries.list_expenses(actor, project.pk)[:200]),
        "expense_form": expense_form,
        "can_manage": access.can(Permission.MANAGE_FINANCE),
        "can_snapshot": access.can(Permission.EDIT_PLAN),
        "curve": s_curve_data(value),
        "trend": trend_data(snapshots),
    }


@require_GET
@organisation_page()
def costs(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Earned value as of a status date against a baseline, with its charts and expenses."""
    project = project_page(request, access, project_id)
    form = ExpenseForm(initial={"category": "other"})
    set_choices(form, "task", _task_choices(project, "Whole project"))
    return render(request, "finance/costs.html", _costs_context(request, access, project, form))


@require_POST
@organisation_page(Permission.EDIT_PLAN)
def snapshot(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Keep the figures as of the chosen status date for the trend chart."""
    project = project_page(request, access, project_id)
    form = SnapshotForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The status date is not a date.")
        return redirect(_costs_url(access, project))
    try:
        kept = services.take_snapshot(
            signed_in(request),
            project.pk,
            status_date=form.cleaned_data["status_date"],
            baseline_id=form.cleaned_data["baseline"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Kept the figures as of {kept.status_date:%-d %b %Y}.")
    return redirect(_costs_url(access, project))


@require_POST
@organisation_page(Permission.MANAGE_FINANCE)
def expense_add(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Record an expense; a refusal shows the Costs tab again with the form's errors."""
    project = project_page(request, access, project_id)
    form = ExpenseForm(request.POST)
    set_choices(form, "task", _task_choices(project, "Whole project"))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.record_expense(
                signed_in(request),
                project.pk,
                incurred_on=data["incurred_on"],
                amount=minor(data["amount"]),
                description=data["description"],
                category=data["category"],
                task_id=data["task"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"Recorded the expense “{expense.description}”.")
            return redirect(_costs_url(access, project) + "#expenses")
    context = _costs_context(request, access, project, form)
    return render(request, "finance/costs.html", context, status=status)


@require_POST
@organisation_page(Permission.MANAGE_FINANCE)
def expense_delete(
    request: HttpRequest, access: Access, project_id: int, expense_id: int
) -> HttpResponse:
    """Remove an expense of this project."""
    project = project_page(request, access, project_id)
    expense = queries.list_expenses(signed_in(request), project.pk).filter(pk=expense_id).first()
    if expense is None:
        raise NotFound("No such expense in this project.", code="expense.not_found")
    services.delete_expense(signed_in(request), expense.pk)
    messages.success(request, f"Removed the expense “{expense.description}”.")
    return redirect(_costs_url(access, project) + "#expenses")


# -- forecast ---------------------------------------------------------------------------------


def _forecast_context(
    request: HttpRequest, access: Access, project: Project, result: dict[str, Any], form: Any
) -> dict[str, Any]:
    zone = ZoneInfo(access.organisation.time_zone)
    return {
        **tabs(access, project, "forecast"),
        "forecast": forecast_view(result, task_rows(project), project.deadline, zone),
        "form": form,
    }


@require_GET
@organisation_page()
def forecast(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """When the project will finish and what it will cost, as distributions."""
    project = project_page(request, access, project_id)
    result = forecasting.project_forecast(signed_in(request), project.pk)
    form = ForecastForm(initial={"iterations": result["iterations"], "seed": result["seed"]})
    return render(
        request,
        "finance/forecast.html",
        _forecast_context(request, access, project, result, form),
    )


@require_http_methods(["POST"])
@organisation_page()
def forecast_run(request: HttpRequest, access: Access, project_id: int) -> HttpResponse:
    """Simulate again with the chosen iterations and seed. An htmx request gets the results
    fragment back; a plain form post is redirected to the tab."""
    project = project_page(request, access, project_id)
    form = ForecastForm(request.POST)
    status = 422
    result: dict[str, Any] | None = None
    if form.is_valid():
        try:
            result = services.run_forecast(
                signed_in(request),
                project.pk,
                iterations=form.cleaned_data["iterations"],
                seed=form.cleaned_data["seed"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            status = 200
            if not request.headers.get("HX-Request"):
                messages.success(request, f"Forecast again with {result['iterations']:,} runs.")
                return redirect(
                    reverse(
                        "finance:forecast",
                        kwargs={"org": access.organisation.slug, "project_id": project.pk},
                    )
                )
    if result is None:
        result = forecasting.project_forecast(signed_in(request), project.pk)
    context = _forecast_context(request, access, project, result, form)
    template = (
        "finance/_forecast_body.html"
        if request.headers.get("HX-Request")
        else "finance/forecast.html"
    )
    return render(request, template, context, status=status)
