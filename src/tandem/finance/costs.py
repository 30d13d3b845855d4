"""Costs of a project: the rate in effect on a day, each task's planned cost (fixed cost plus
its assignments' work at the rates in effect while it runs) and the actual cost booked to
each task by a status date (time entries and expenses)."""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Sum

from tandem.finance.models import CostRate, Expense, TimeEntry
from tandem.projects.models import Assignment, Project, Resource, Task


@dataclass(frozen=True)
class RateTable:
    """A resource's rates: the standard rate until the first dated one, then each in turn."""

    standard: int
    days: tuple[date, ...] = ()
    rates: tuple[int, ...] = ()

    def on(self, day: date) -> int:
        """The rate in effect on ``day``."""
        k = bisect.bisect_right(self.days, day) - 1
        return self.standard if k < 0 else self.rates[k]

    def over(self, start: datetime, finish: datetime) -> float:
        """The average rate over a span, each rate weighted by the share of the span it covers
        (elapsed time: a rate change in the middle of a task prices each part at its rate)."""
        if finish <= start:
            return float(self.on(start.date()))
        total = (finish - start).total_seconds()
        edges = [start]
        for day in self.days:
            moment = datetime.combine(day, datetime.min.time(), tzinfo=start.tzinfo)
            if start < moment < finish:
                edges.append(moment)
        edges.append(finish)
        value = 0.0
        for a, b in itertools.pairwise(edges):
            value += self.on(a.date()) * (b - a).total_seconds()
        return value / total


def rate_tables(organisation_id: int) -> dict[int, RateTable]:
    """Every resource's rate table in an organisation (two queries)."""
    dated: dict[int, list[tuple[date, int]]] = defaultdict(list)
    rows = CostRate.objects.filter(resource__organisation_id=organisation_id).order_by(
        "resource_id", "effective_from"
    )
    for resource_id, day, rate in rows.values_list("resource_id", "effective_from", "rate"):
        dated[resource_id].append((day, rate))
    tables = {}
    for resource_id, standard in Resource.objects.filter(
        organisation_id=organisation_id
    ).values_list("id", "cost_rate"):
        entries = dated.get(resource_id, [])
        tables[resource_id] = RateTable(
            standard, tuple(d for d, _ in entries), tuple(r for _, r in entries)
        )
    return tables


def planned_costs(project: Project, tables: dict[int, RateTable] | None = None) -> dict[int, int]:
    """Each task's planned cost in minor units: its fixed cost plus, per assignment, units ×
    working hours × the resource's rate over the task's scheduled span."""
    tables = rate_tables(project.organisation_id) if tables is None else tables
    costs = dict(Task.objects.filter(project=project).values_list("id", "fixed_cost"))
    rows = Assignment.objects.filter(task__project=project).values_list(
        "task_id", "units", "task__duration", "task__start", "task__finish", "resource_id"
    )
    for task_id, units, duration, start, finish, resource_id in rows:
        table = tables.get(resource_id, RateTable(0))
        rate = table.over(start, finish) if start and finish else table.standard
        costs[task_id] = costs.get(task_id, 0) + round(units * duration / 60 * rate)
    return costs


def cost_per_minute(
    project: Project, tables: dict[int, RateTable] | None = None
) -> dict[int, float]:
    """Each task's resource cost per working minute of duration (for forecasts of cost)."""
    tables = rate_tables(project.organisation_id) if tables is None else tables
    result: dict[int, float] = defaultdict(float)
    rows = Assignment.objects.filter(task__project=project).values_list(
        "task_id", "units", "task__start", "task__finish", "resource_id"
    )
    for task_id, units, start, finish, resource_id in rows:
        table = tables.get(resource_id, RateTable(0))
        rate = table.over(start, finish) if start and finish else table.standard
        result[task_id] += units * rate / 60
    return dict(result)


@dataclass(frozen=True)
class ActualCosts:
    """What was spent by a status date: per task, and on the project as a whole."""

    by_task: dict[int, int]
    unassigned: int  # expenses not booked to a task
    minutes_by_task: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_task.values()) + self.unassigned


def actual_costs(project: Project, as_of: date | None = None) -> ActualCosts:
    """Time entries worked and expenses incurred on or before ``as_of`` (all when None)."""
    entries = TimeEntry.objects.filter(project=project)
    expenses = Expense.objects.filter(project=project)
    if as_of is not None:
        entries = entries.filter(worked_on__lte=as_of)
        expenses = expenses.filter(incurred_on__lte=as_of)
    by_task: dict[int, int] = defaultdict(int)
    minutes: dict[int, int] = defaultdict(int)
    for task_id, cost, spent in (
        entries.values("task_id")
        .annotate(cost=Sum("cost"), spent=Sum("minutes"))
        .values_list("task_id", "cost", "spent")
    ):
        by_task[task_id] += int(cost or 0)
        minutes[task_id] += int(spent or 0)
    unassigned = 0
    for task_id, amount in (
        expenses.values("task_id").annotate(amount=Sum("amount")).values_list("task_id", "amount")
    ):
        if task_id is None:
            unassigned += int(amount or 0)
        else:
            by_task[task_id] += int(amount or 0)
    return ActualCosts(dict(by_task), unassigned, dict(minutes))


def actual_cost_by_day(project: Project) -> list[tuple[date, int]]:
    """Cumulative actual cost at the end of each day anything was spent (for the S-curve)."""
    spent: dict[date, int] = defaultdict(int)
    for day, cost in (
        TimeEntry.objects.filter(project=project)
        .values("worked_on")
        .annotate(cost=Sum("cost"))
        .values_list("worked_on", "cost")
    ):
        spent[day] += int(cost or 0)
    for day, amount in (
        Expense.objects.filter(project=project)
        .values("incurred_on")
        .annotate(amount=Sum("amount"))
        .values_list("incurred_on", "amount")
    ):
        spent[day] += int(amount or 0)
    total = 0
    result = []
    for day in sorted(spent):
        total += spent[day]
        result.append((day, total))
    return result
