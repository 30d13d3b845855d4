"""REST endpoints of finance: cost rates, time entries (and timesheet CSV), expenses, earned
value figures, snapshots and Monte Carlo forecasts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from tandem.accounts.access import access_organisation
from tandem.core.permissions import Permission
from tandem.finance import forecasting, queries, services, timesheet_csv
from tandem.finance.models import CostRate, EvmSnapshot, Expense, TimeEntry
from tandem.finance.schemas import (
    ExpenseIn,
    ExpenseOut,
    ExpensePatch,
    ForecastIn,
    RateIn,
    RateOut,
    SnapshotIn,
    SnapshotOut,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatch,
    TimesheetIn,
    TimesheetOut,
)
from tandem.web.http import actor, if_match_version, set_etag

router = Router(tags=["finance"])


# -- rates -----------------------------------------------------------------------------------


@router.get("/resources/{resource_id}/rates", response=list[RateOut])
def list_rates(request: HttpRequest, resource_id: int) -> Any:
    """A resource's dated cost rates (roles that may see rates)."""
    return queries.list_rates(actor(request), resource_id)


@router.put("/resources/{resource_id}/rates", response=RateOut)
def set_rate(request: HttpRequest, resource_id: int, payload: RateIn) -> CostRate:
    """Set the rate from a date on (replacing a rate that starts the same day)."""
    return services.set_cost_rate(
        actor(request), resource_id, effective_from=payload.effective_from, rate=payload.rate
    )


@router.delete("/rates/{rate_id}", response={204: None})
def delete_rate(request: HttpRequest, rate_id: int) -> Status[None]:
    services.delete_cost_rate(actor(request), rate_id)
    return Status(204, None)


# -- time entries ----------------------------------------------------------------------------


def _entry_out(request: HttpRequest, entry: TimeEntry, show_cost: bool) -> dict[str, Any]:
    return {
        **{f: getattr(entry, f) for f in ("id", "project_id", "task_id", "person_id", "worked_on",
                                            "minutes", "note", "version")},
        "cost": entry.cost if show_cost else None,
    }  # fmt: skip


def _sees_cost(request: HttpRequest, organisation_id: int) -> bool:
    return access_organisation(actor(request), organisation_id).can(Permission.VIEW_COST_RATES)


@router.get("/projects/{project_id}/time-entries", response=list[TimeEntryOut])
def list_time_entries(
    request: HttpRequest,
    project_id: int,
    person_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Any:
    """A project's time entries, newest first."""
    rows = queries.list_time_entries(
        actor(request), project_id, person_id=person_id, since=since, until=until
    )
    entries = list(rows)
    show = bool(entries) and _sees_cost(request, entries[0].project.organisation_id)
    return [_entry_out(request, e, show) for e in entries]


@router.post("/time-entries", response={201: TimeEntryOut})
def record_time(request: HttpRequest, response: HttpResponse, payload: TimeEntryIn) -> Any:
    """Record time worked on a task (yours, or anyone's for finance managers)."""
    entry = services.record_time(
        actor(request),
        payload.task_id,
        worked_on=payload.worked_on,
        minutes=payload.minutes,
        note=payload.note,
        person_id=payload.person_id,
    )
    set_etag(response, entry)
    return Status(
        201, _entry_out(request, entry, _sees_cost(request, entry.project.organisation_id))
    )


@router.patch("/time-entries/{entry_id}", response=TimeEntryOut)
def update_time_entry(
    request: HttpRequest, response: HttpResponse, entry_id: int, payload: TimeEntryPatch
) -> Any:
    entry = services.update_time_entry(
        actor(request), entry_id, version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )  # fmt: skip
    set_etag(response, entry)
    return _entry_out(request, entry, _sees_cost(request, entry.project.organisation_id))


@router.delete("/time-entries/{entry_id}", response={204: None})
def delete_time_entry(request: HttpRequest, entry_id: int) -> Status[None]:
    services.delete_time_entry(actor(request), entry_id)
    return Status(204, None)


@router.post("/projects/{project_id}/timesheet", response=TimesheetOut)
def import_timesheet(request: HttpRequest, project_id: int, payload: TimesheetIn) -> Any:
    """Import time entries from CSV: all rows or none (422 listing every bad row).
    With dry_run, only check and preview."""
    if payload.dry_run:
        preview = timesheet_csv.preview_time_entries(actor(request), project_id, payload.csv)
        return {
            "imported": 0,
            "rows": len(preview.rows),
            "hours": preview.minutes / 60,
            "errors": [e.as_dict() for e in preview.errors],
        }
    count = timesheet_csv.import_time_entries(actor(request), project_id, payload.csv)
    return {"imported": count, "rows": count, "hours": 0.0, "errors": []}


# -- expenses --------------------------------------------------------------------------------


@router.get("/projects/{project_id}/expenses", response=list[ExpenseOut])
def list_expenses(request: HttpRequest, project_id: int) -> Any:
    return queries.list_expenses(actor(request), project_id)


@router.post("/projects/{project_id}/expenses", response={201: ExpenseOut})
def record_expense(
    request: HttpRequest, response: HttpResponse, project_id: int, payload: ExpenseIn
) -> Status[Expense]:
    expense = services.record_expense(actor(request), project_id, **payload.dict())
    set_etag(response, expense)
    return Status(201, expense)


@router.patch("/expenses/{expense_id}", response=ExpenseOut)
def update_expense(
    request: HttpRequest, response: HttpResponse, expense_id: int, payload: ExpensePatch
) -> Expense:
    expense = services.update_expense(
        actor(request), expense_id, version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )  # fmt: skip
    set_etag(response, expense)
    return expense


@router.delete("/expenses/{expense_id}", response={204: None})
def delete_expense(request: HttpRequest, expense_id: int) -> Status[None]:
    services.delete_expense(actor(request), expense_id)
    return Status(204, None)


# -- earned value, snapshots, forecasts -------------------------------------------------------


@router.get("/projects/{project_id}/earned-value")
def earned_value(
    request: HttpRequest,
    project_id: int,
    as_of: date | None = None,
    baseline_id: int | None = None,
) -> dict[str, Any]:
    """Earned value figures as of a status date (default: the project's), per task too."""
    value = queries.earned_value_report(
        actor(request), project_id, as_of=as_of, baseline_id=baseline_id
    )
    return {
        **value.as_dict(),
        "tasks": [
            {"task_id": t.task.pk, "name": t.task.name, "budget": t.budget, "rule": t.rule,
             "planned_value": round(t.planned_value), "earned_value": round(t.earned_value),
             "actual_cost": t.actual_cost}
            for t in value.tasks
        ],
        "s_curve": {
            "dates": [d.isoformat() for d in value.curve.dates],
            "planned_value": [round(v) for v in value.curve.planned],
            "earned_value": [[d.isoformat(), round(v)] for d, v in value.curve.earned],
            "actual_cost": [[d.isoformat(), round(v)] for d, v in value.curve.actual],
            "eac_projection": [[d.isoformat(), round(v)] for d, v in value.curve.projection],
        },
    }  # fmt: skip


@router.get("/projects/{project_id}/snapshots", response=list[SnapshotOut])
def list_snapshots(request: HttpRequest, project_id: int) -> Any:
    """Weekly (or on-demand) earned value snapshots, oldest first: the trend."""
    return queries.list_snapshots(actor(request), project_id)


@router.post("/projects/{project_id}/snapshots", response={201: SnapshotOut})
def take_snapshot(
    request: HttpRequest, project_id: int, payload: SnapshotIn
) -> Status[EvmSnapshot]:
    """Keep the figures as of a status date (today by default; replaces that day's)."""
    snapshot = services.take_snapshot(
        actor(request), project_id, status_date=payload.status_date, baseline_id=payload.baseline_id
    )
    return Status(201, snapshot)


def _public(forecast: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in forecast.items() if k not in ("quantiles", "cost_quantiles")}


@router.get("/projects/{project_id}/forecast")
def get_forecast(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """The Monte Carlo forecast for the current plan (computed when the plan changed)."""
    return _public(forecasting.project_forecast(actor(request), project_id))


@router.post("/projects/{project_id}/forecast")
def run_forecast(request: HttpRequest, project_id: int, payload: ForecastIn) -> dict[str, Any]:
    """Run the forecast again with chosen iterations and seed (the same seed repeats it)."""
    return _public(
        services.run_forecast(
            actor(request), project_id, iterations=payload.iterations, seed=payload.seed
        )
    )
