"""The live schedule: a project's rows translated for the scheduling core, a prepared
scheduler kept per project between edits, and the rows whose results changed written back.

Services call ``reschedule`` inside their transaction after changing the plan. The prepared
scheduler is kept in this process, keyed by the project's ``plan_version``; another worker's
change bumps the version and the next edit here rebuilds from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from tandem.core.calendar import WorkCalendar
from tandem.core.cpm import LinkType
from tandem.core.network import (
    ConstraintType,
    LagFormat,
    LinkSpec,
    ProjectSchedule,
    ProjectScheduler,
    ProjectSpec,
    ResourceSpec,
    TaskSpec,
)
from tandem.projects.models import Assignment, Calendar, Link, Project, Task

RESULT_FIELDS = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "start",
    "finish",
    "total_float",
    "free_float",
    "critical",
    "deadline_missed",
)
CACHE_SIZE = 16


@dataclass
class _Prepared:
    plan_version: int
    scheduler: ProjectScheduler
    result: ProjectSchedule
    zone: ZoneInfo


_cache: OrderedDict[int, _Prepared] = OrderedDict()
_lock = threading.Lock()


def forget(project_id: int) -> None:
    """Drop the prepared schedule of a project (after a rollback or in tests)."""
    with _lock:
        _cache.pop(project_id, None)


# -- rows to the core's model ----------------------------------------------------------------


def work_calendar(
    calendar: Calendar | None, known: dict[int, WorkCalendar] | None = None
) -> WorkCalendar:
    """The core calendar of a Calendar row, with its base chain (standard when None)."""
    if calendar is None:
        return WorkCalendar()
    known = {} if known is None else known
    if calendar.pk in known:
        return known[calendar.pk]
    base = work_calendar(calendar.base, known) if calendar.base_id else None
    week = tuple(
        None if day is None else tuple((int(a), int(b)) for a, b in day) for day in calendar.week
    )
    exceptions = {}
    for exception in calendar.exceptions.all():
        hours = tuple((int(a), int(b)) for a, b in exception.hours)
        day = exception.first_day
        while day <= exception.last_day:
            exceptions[day] = hours
            day += timedelta(days=1)
    result = WorkCalendar(name=calendar.name, week=week, exceptions=exceptions, base=base)
    known[calendar.pk] = result
    return result


class LocalTime:
    """Aware datetimes to the project's local wall time (naive) and back."""

    def __init__(self, zone: ZoneInfo, calendar: WorkCalendar) -> None:
        self.zone = zone
        self.calendar = calendar

    def local(self, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(self.zone).replace(tzinfo=None)

    def aware(self, value: datetime | None) -> datetime | None:
        return None if value is None else value.replace(tzinfo=self.zone)

    def day_start(self, day: date) -> datetime:
        """The first working moment of a day (midnight on a day off)."""
        hours = self.calendar.hours_on(day)
        return datetime.combine(day, time()) + timedelta(minutes=hours[0][0] if hours else 0)

    def day_end(self, day: date) -> datetime:
        """The last working moment of a day (the next midnight on a day off)."""
        hours = self.calendar.hours_on(day)
        return datetime.combine(day, time()) + timedelta(minutes=hours[-1][1] if hours else 1440)


def task_spec(task: Task, clock: LocalTime, resources: dict[str, float]) -> TaskSpec:
    """One task row as the core sees it."""
    return TaskSpec(
        id=str(task.pk),
        name=task.name,
        duration=float(task.duration),
        parent=None if task.parent_id is None else str(task.parent_id),
        constraint=ConstraintType(task.constraint_type),
        constraint_date=clock.local(task.constraint_date),
        deadline=clock.local(task.deadline),
        calendar=None if task.calendar_id is None else f"cal-{task.calendar_id}",
        actual_start=clock.local(task.actual_start),
        actual_finish=clock.local(task.actual_finish),
        percent_complete=float(task.percent_complete),
        remaining=None if task.remaining is None else float(task.remaining),
        milestone_at=task.milestone_at,
        resources=resources,
        # A forecast samples the three-point estimate when all three are given.
        **_estimate(task),
    )


def _estimate(task: Task) -> dict[str, Any]:
    values = (task.optimistic, task.most_likely, task.pessimistic)
    if any(v is None for v in values):
        return {}
    low, mode, high = (float(v) for v in values)  # type: ignore[arg-type]
    return {"optimistic": low, "most_likely": mode, "pessimistic": high, "distribution": "pert"}


def load_spec(project: Project) -> tuple[ProjectSpec, LocalTime, dict[str, Task]]:
    """The whole project from the database as a ProjectSpec (three queries and calendars)."""
    known: dict[int, WorkCalendar] = {}
    project_calendar = work_calendar(project.calendar, known)
    zone = ZoneInfo(project.organisation.time_zone)
    clock = LocalTime(zone, project_calendar)
    tasks = list(project.tasks.all().order_by("id"))
    booked: dict[int, dict[str, float]] = {}
    resources: dict[int, ResourceSpec] = {}
    calendars: dict[str, WorkCalendar] = {}
    assignments = Assignment.objects.filter(task__project=project).select_related(
        "resource__calendar"
    )
    for assignment in assignments:
        resource = assignment.resource
        booked.setdefault(assignment.task_id, {})[str(resource.pk)] = assignment.units
        if resource.pk not in resources:
            name = None
            if resource.calendar is not None:
                name = f"cal-{resource.calendar_id}"
                calendars[name] = work_calendar(resource.calendar, known)
            resources[resource.pk] = ResourceSpec(
                id=str(resource.pk), capacity=resource.capacity, calendar=name, name=resource.name
            )
    for task in tasks:
        if task.calendar_id is not None and f"cal-{task.calendar_id}" not in calendars:
            calendars[f"cal-{task.calendar_id}"] = work_calendar(task.calendar, known)
    links = [
        LinkSpec(
            pred=str(pred),
            succ=str(succ),
            type=LinkType[kind],
            lag=float(lag),
            lag_format=LagFormat(lag_format),
        )
        for pred, succ, kind, lag, lag_format in Link.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "type", "lag", "lag_format"
        )
    ]
    spec = ProjectSpec(
        tasks=[task_spec(task, clock, booked.get(task.pk, {})) for task in tasks],
        links=links,
        start=clock.day_start(project.start),
        calendar=project_calendar,
        calendars=calendars,
        resources=list(resources.values()),
        deadline=None if project.deadline is None else clock.day_end(project.deadline),
        status_date=None if project.status_date is None else clock.day_start(project.status_date),
        lag_calendar=project.lag_calendar,
        finished_work=project.finished_work,
    )
    return spec, clock, {str(task.pk): task for task in tasks}


# -- rescheduling ----------------------------------------------------------------------------


def reschedule(project: Project, edited: list[Task] | None = None) -> ProjectSchedule:
    """Schedule the project after a change and store the results that moved.

    ``edited`` names tasks whose own fields changed while the structure (tasks, links,
    calendars, assignments) stayed: they are applied to the prepared scheduler in place. With
    None, the whole project is read again. Call inside the service's transaction with the
    project row locked.
    """
    with _lock:
        prepared = _cache.pop(project.pk, None)
    if prepared is not None and (edited is None or prepared.plan_version != project.plan_version):
        prepared = None
    if prepared is not None and edited is not None:
        clock = LocalTime(prepared.zone, prepared.scheduler.project.calendar or WorkCalendar())
        current = {t.id: t for t in prepared.scheduler.project.tasks}
        for task in edited:
            old = current.get(str(task.pk))
            resources = dict(old.resources) if old is not None else {}
            if not prepared.scheduler.update_task(task_spec(task, clock, resources)):
                prepared = None
                break
    if prepared is None:
        spec, clock, _ = load_spec(project)
        scheduler = ProjectScheduler(spec)
        previous = None
    else:
        scheduler, previous = prepared.scheduler, prepared.result
    result = scheduler.schedule()
    _write(result, result.changed_rows(previous), clock)
    project.plan_version += 1
    project.finish = clock.aware(result.finish) if result.ids else None
    Project.objects.filter(pk=project.pk).update(
        plan_version=project.plan_version, finish=project.finish
    )
    keep = _Prepared(project.plan_version, scheduler, result, clock.zone)
    # Only a committed plan may serve the next edit; a rolled-back one is simply dropped.
    transaction.on_commit(lambda: _remember(project.pk, keep))
    return result


def _remember(project_id: int, prepared: _Prepared) -> None:
    with _lock:
        _cache[project_id] = prepared
        _cache.move_to_end(project_id)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _write(result: ProjectSchedule, rows: list[int], clock: LocalTime) -> None:
    """UPDATE the changed tasks' result columns in one executemany."""
    if not rows:
        return
    ops = connection.ops
    params = []
    for row, values in zip(rows, result.results_at(rows), strict=True):
        dates = [
            ops.adapt_datetimefield_value(clock.aware(getattr(values, name)))
            for name in RESULT_FIELDS[:6]
        ]
        params.append(
            (
                *dates,
                round(values.total_float),
                round(values.free_float),
                values.critical,
                values.deadline_missed,
                int(result.ids[row]),
            )
        )
    table = connection.ops.quote_name(Task._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in RESULT_FIELDS)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", params)  # noqa: S608
