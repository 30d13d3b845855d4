"""Reads of finance: earned value of a project as of a status date (against a chosen
baseline), the S-curve and index trends, time entries, expenses and rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.core.calendar import IntervalTable
from tandem.core.evm import (
    CostItem,
    EarningRule,
    Figures,
    earned_value,
    figures,
    planned_value,
    s_curve,
)
from tandem.core.permissions import Permission
from tandem.errors import NotFound
from tandem.finance.costs import actual_cost_by_day, actual_costs, planned_costs
from tandem.finance.models import CostRate, EvmSnapshot, Expense, TimeEntry
from tandem.projects.access import access_project
from tandem.projects.models import Baseline, BaselineTask, Project, Task
from tandem.projects.scheduling import LocalTime, work_calendar

MIN_SPI_T = 0.1


def today_in(project: Project) -> date:
    """Today in the project's organisation's time zone."""
    return datetime.now(ZoneInfo(project.organisation.time_zone)).date()


@dataclass(frozen=True)
class TaskValue:
    """One task's share of the earned value figures."""

    task: Task
    budget: int
    planned_value: float
    earned_value: float
    actual_cost: int
    rule: str

    @property
    def cost_variance(self) -> float:
        return self.earned_value - self.actual_cost

    @property
    def schedule_variance(self) -> float:
        return self.earned_value - self.planned_value


@dataclass(frozen=True)
class SCurve:
    """Cumulative planned value, earned value and actual cost over time, with the estimate
    at completion projected from the status date."""

    dates: list[date]
    planned: list[float]
    earned: list[tuple[date, float]]
    actual: list[tuple[date, float]]
    projection: list[tuple[date, float]]


@dataclass(frozen=True)
class EarnedValue:
    """A project's earned value figures as of a status date."""

    project: Project
    as_of: date
    baseline: Baseline | None
    currency: str
    figures: Figures
    planned_start: date
    planned_finish: date
    forecast_finish: date | None
    tasks: list[TaskValue]
    curve: SCurve

    def as_dict(self) -> dict[str, Any]:
        """Figures with dates as text (for the API, snapshots and reports)."""
        return {
            "as_of": self.as_of.isoformat(),
            "baseline": None if self.baseline is None else self.baseline.name,
            "currency": self.currency,
            "planned_start": self.planned_start.isoformat(),
            "planned_finish": self.planned_finish.isoformat(),
            "forecast_finish": None
            if self.forecast_finish is None
            else self.forecast_finish.isoformat(),
            **{k: _rounded(v) for k, v in self.figures.as_dict().items()},
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


class _Axis:
    """Working minutes of the project calendar from the project's start: the time axis on
    which planned value spreads (it does not rise on weekends and holidays)."""

    def __init__(self, project: Project, first: date, last: date) -> None:
        calendar = work_calendar(project.calendar)
        self.clock = LocalTime(ZoneInfo(project.organisation.time_zone), calendar)
        self.first = min(first, project.start) - timedelta(days=7)
        days = (max(last, project.start) - self.first).days + 60
        self.table = IntervalTable.build(calendar, self.first, days)
        self.origin = self.table.origin
        self.zero = self.at_local(self.clock.day_start(project.start))

    def at_local(self, moment: datetime) -> float:
        return self.table.working_at((moment - self.origin).total_seconds() / 60)

    def at(self, moment: datetime | None) -> float:
        """An aware moment on the axis (working minutes since the project's start)."""
        local = self.clock.local(moment)
        return 0.0 if local is None else self.at_local(local) - self.zero

    def end_of(self, day: date) -> float:
        return self.at_local(self.clock.day_end(day)) - self.zero

    def start_day_of(self, w: float) -> date:
        """The day work starts at working minute ``w`` (a finish at the same minute falls on
        the working day before)."""
        return (
            self.origin + timedelta(minutes=self.table.start_at(max(w + self.zero, 0.0)))
        ).date()

    def day_of(self, w: float) -> date:
        w = max(w + self.zero, 0.0)
        total = self.table.total
        if w > total:
            # Past the table (a forecast well beyond the plan): count on in the calendar.
            end = self.origin + timedelta(minutes=self.table.finish_at(total))
            return self.clock.calendar.add_working(end, w - total).date()
        return (self.origin + timedelta(minutes=self.table.finish_at(w))).date()


def _leaf_tasks(project: Project) -> list[Task]:
    tasks = list(Task.objects.filter(project=project).order_by("id"))
    parents = {t.parent_id for t in tasks if t.parent_id is not None}
    return [t for t in tasks if t.pk not in parents]


def _latest_baseline(project: Project) -> Baseline | None:
    return project.baselines.order_by("-created_at", "-id").first()


def earned_value_of(
    project: Project, as_of: date | None = None, baseline: Baseline | None = None
) -> EarnedValue:
    """Earned value of a project (already access-checked) against ``baseline`` (the latest
    when None; the current plan when the project has none)."""
    as_of = as_of or project.status_date or today_in(project)
    baseline = baseline or _latest_baseline(project)
    leaves = _leaf_tasks(project)
    windows: dict[int, tuple[datetime | None, datetime | None, int]] = {}
    if baseline is not None:
        for task_id, start, finish, cost in BaselineTask.objects.filter(
            baseline=baseline, task__isnull=False
        ).values_list("task_id", "start", "finish", "cost"):
            windows[task_id] = (start, finish, cost)
    else:
        costs = planned_costs(project)
        windows = {t.pk: (t.start, t.finish, costs.get(t.pk, 0)) for t in leaves}
    dates = [d.date() for s, f, _ in windows.values() for d in (s, f) if d is not None]
    first = min(dates, default=project.start)
    last = max([*dates, as_of], default=as_of)
    axis = _Axis(project, first, last)
    spent = actual_costs(project, as_of)
    remaining_costs = planned_costs(project)
    items: list[CostItem] = []
    values: list[tuple[Task, int, CostItem]] = []
    for task in leaves:
        start, finish, budget = windows.get(task.pk, (None, None, 0))
        started = task.actual_start is not None or task.percent_complete > 0
        finished = task.actual_finish is not None or task.percent_complete >= 100
        item = CostItem(
            planned_start=axis.at(start or task.start),
            planned_finish=axis.at(finish or task.finish),
            budget=float(budget),
            percent_complete=float(task.percent_complete),
            started=started,
            finished=finished,
            actual_cost=float(spent.by_task.get(task.pk, 0)),
            rule=EarningRule(task.earning_rule),
            # Bottom-up: what the current plan still costs for the work left.
            remaining_estimate=remaining_costs.get(task.pk, 0)
            * (100 - task.percent_complete)
            / 100,
        )
        items.append(item)
        values.append((task, budget, item))
    if spent.unassigned:
        items.append(CostItem(0.0, 0.0, 0.0, actual_cost=float(spent.unassigned), finished=True))
    status = axis.end_of(as_of)
    result = figures(items, status, start=0.0)
    planned_finish = axis.day_of(result.planned_duration)
    # Below an SPI(t) of 0.1 (hardly anything earned yet) a finish forecast means nothing.
    forecast_finish = (
        axis.day_of(result.forecast_duration)
        if result.forecast_duration is not None and (result.spi_t or 0) >= MIN_SPI_T
        else None
    )
    tasks = [
        TaskValue(
            task=task,
            budget=budget,
            planned_value=planned_value([item], status),
            earned_value=earned_value(item),
            actual_cost=round(item.actual_cost),
            rule=task.earning_rule,
        )
        for task, budget, item in values
    ]
    curve = _curve(project, axis, items, as_of, result, planned_finish, forecast_finish)
    return EarnedValue(
        project=project,
        as_of=as_of,
        baseline=baseline,
        currency=project.organisation.currency,
        figures=result,
        planned_start=axis.start_day_of(0.0) if first >= project.start else first,
        planned_finish=planned_finish,
        forecast_finish=forecast_finish,
        tasks=tasks,
        curve=curve,
    )


def _curve(
    project: Project,
    axis: _Axis,
    items: list[CostItem],
    as_of: date,
    result: Figures,
    planned_finish: date,
    forecast_finish: date | None,
) -> SCurve:
    start = project.start
    end = max(planned_finish, as_of, forecast_finish or planned_finish)
    weeks = max((end - start).days // 7 + 1, 1)
    step = max(1, weeks // 60) * 7  # at most about sixty points
    dates = [start + timedelta(days=d) for d in range(0, (end - start).days + step, step)]
    planned = s_curve(items, [axis.end_of(d) for d in dates])
    cumulative = actual_cost_by_day(project)
    actual: list[tuple[date, float]] = []
    k, total = 0, 0
    for d in [d for d in dates if d < as_of] + [as_of]:
        while k < len(cumulative) and cumulative[k][0] <= d:
            total = cumulative[k][1]
            k += 1
        actual.append((d, float(total)))
    earned = [
        (s.status_date, float(s.figures["ev"]))
        for s in EvmSnapshot.objects.filter(project=project, status_date__lt=as_of)
    ]
    earned.append((as_of, result.ev))
    projection = []
    if result.eac_cpi is not None:
        projection = [(as_of, result.ac), (forecast_finish or planned_finish, result.eac_cpi)]
    return SCurve(dates, planned, earned, actual, projection)


def earned_value_report(
    actor: Actor, project_id: int, *, as_of: date | None = None, baseline_id: int | None = None
) -> EarnedValue:
    """Earned value of a project the actor may see."""
    _, project = access_project(actor, project_id)
    baseline = None
    if baseline_id is not None:
        baseline = Baseline.objects.filter(pk=baseline_id, project=project).first()
        if baseline is None:
            raise NotFound("No such baseline in this project.", code="baseline.not_found")
    return earned_value_of(project, as_of, baseline)


def current_indices(project: Project) -> dict[str, float | None]:
    """SPI and CPI as of the project's status date (today when unset)."""
    if not project.baselines.exists() and not TimeEntry.objects.filter(project=project).exists():
        return {}
    f = earned_value_of(project).figures
    return {"SPI": f.spi, "CPI": f.cpi}


def list_snapshots(actor: Actor, project_id: int) -> QuerySet[EvmSnapshot]:
    """A project's earned value snapshots, oldest first."""
    _, project = access_project(actor, project_id)
    return EvmSnapshot.objects.filter(project=project).order_by("status_date")


def list_time_entries(
    actor: Actor,
    project_id: int,
    *,
    person_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[TimeEntry]:
    """A project's time entries, newest first, optionally for one person and a date range."""
    _, project = access_project(actor, project_id)
    rows = TimeEntry.objects.filter(project=project).select_related("task", "person", "resource")
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    if since is not None:
        rows = rows.filter(worked_on__gte=since)
    if until is not None:
        rows = rows.filter(worked_on__lte=until)
    return rows


def my_time_entries(actor: Actor, organisation_id: int, since: date) -> QuerySet[TimeEntry]:
    """The actor's own time entries in an organisation since a date (their timesheet)."""
    access = access_organisation(actor, organisation_id, Permission.RECORD_TIME)
    return TimeEntry.objects.filter(
        project__organisation_id=organisation_id, person=access.user, worked_on__gte=since
    ).select_related("task", "project")


def list_expenses(actor: Actor, project_id: int) -> QuerySet[Expense]:
    """A project's expenses, newest first."""
    _, project = access_project(actor, project_id)
    return Expense.objects.filter(project=project).select_related("task")


def list_rates(actor: Actor, resource_id: int) -> QuerySet[CostRate]:
    """A resource's dated cost rates (only for roles that may see rates)."""
    from tandem.projects.models import Resource

    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise NotFound("No such resource.", code="resource.not_found")
    try:
        access_organisation(actor, resource.organisation_id, Permission.VIEW_COST_RATES)
    except NotFound:
        raise NotFound("No such resource.", code="resource.not_found") from None
    return CostRate.objects.filter(resource=resource).order_by("effective_from")
