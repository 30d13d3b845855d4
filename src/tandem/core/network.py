"""Scheduling a project given as tasks and links with ids: the model services and files use.

Translates tasks (with summary tasks, constraints, deadlines, calendars and progress) into the
arrays of ``core.cpm``, schedules them and translates the results back. Times are plain numbers
when the project has no start date, else naive local datetimes; durations and floats are in
working minutes (or plain units).

Summary tasks become two zero-duration gates: links into the summary's start reach every child
through the start gate, and its finish gate waits for every child. Successors of a summary's
finish (FS, FF) follow the finish gate; those of its start (SS, SF) follow the start gate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np

from tandem.core.calendar import IntervalTable, WorkCalendar
from tandem.core.cpm import EPSILON, CalendarArrays, LinkType, Network, PreparedNetwork, Schedule
from tandem.errors import Invalid

Time = Any  # float without a project start, datetime with one


class ConstraintType(StrEnum):
    """Date constraints, with MS Project's and P6's abbreviations."""

    ASAP = "ASAP"  # as soon as possible (the default)
    ALAP = "ALAP"  # as late as possible (uses free float; moves no successor)
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


class LagFormat(StrEnum):
    WORKING = "working"  # working minutes of the successor's calendar
    ELAPSED = "elapsed"  # calendar minutes, nights and weekends included
    PERCENT = "percent"  # percent of the predecessor's duration


@dataclass(frozen=True)
class TaskSpec:
    """One task as the scheduler needs it."""

    id: str
    duration: float = 0.0
    name: str = ""
    parent: str | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: Time = None
    deadline: Time = None
    calendar: str | None = None
    actual_start: Time = None
    actual_finish: Time = None
    percent_complete: float = 0.0
    remaining: float | None = None
    resources: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkSpec:
    pred: str
    succ: str
    type: LinkType = LinkType.FS
    lag: float = 0.0
    lag_format: LagFormat = LagFormat.WORKING


@dataclass(frozen=True)
class ResourceSpec:
    id: str
    capacity: float = 1.0
    calendar: str | None = None
    name: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    """A whole schedulable project. With ``start`` set, Time values are datetimes."""

    tasks: Sequence[TaskSpec]
    links: Sequence[LinkSpec] = ()
    start: datetime | None = None
    calendar: WorkCalendar | None = None
    calendars: Mapping[str, WorkCalendar] = field(default_factory=dict)
    resources: Sequence[ResourceSpec] = ()
    deadline: Time = None
    status_date: Time = None


@dataclass(frozen=True)
class TaskResult:
    early_start: Time
    early_finish: Time
    late_start: Time
    late_finish: Time
    start: Time
    finish: Time
    total_float: float
    free_float: float
    critical: bool
    summary: bool
    deadline_missed: bool

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class ProjectSchedule:
    tasks: dict[str, TaskResult]
    finish: Time
    critical_path: list[str]
    start: Time


# -- building the arrays ---------------------------------------------------------------------


@dataclass
class _Layout:
    """Where each task lives among the network's nodes."""

    ids: list[str]
    index: dict[str, int]
    children: dict[str, list[str]]
    start_node: list[int]
    finish_node: list[int]
    node_names: list[str]
    summaries: list[str]  # deepest first

    @property
    def nodes(self) -> int:
        return len(self.node_names)


def _layout(tasks: Sequence[TaskSpec]) -> _Layout:
    ids = [task.id for task in tasks]
    index: dict[str, int] = {}
    for i, task_id in enumerate(ids):
        if task_id in index:
            raise Invalid(f"Task id '{task_id}' appears twice.", field="tasks")
        index[task_id] = i
    children: dict[str, list[str]] = {}
    for task in tasks:
        if task.parent is not None:
            if task.parent not in index:
                raise Invalid(
                    f"Task {task.id}'s parent '{task.parent}' does not exist.", field="parent"
                )
            children.setdefault(task.parent, []).append(task.id)
    depth: dict[str, int] = {}
    for task in tasks:
        seen = {task.id}
        node, d = task, 0
        while node.parent is not None:
            if node.parent in seen:
                raise Invalid(f"Task {task.id} is nested inside itself.", field="parent")
            seen.add(node.parent)
            node = tasks[index[node.parent]]
            d += 1
        depth[task.id] = d
    start_node, finish_node, names = [], [], []
    for task in tasks:
        if task.id in children:
            start_node.append(len(names))
            names.append(f"{task.id} (start)")
            finish_node.append(len(names))
            names.append(f"{task.id} (finish)")
        else:
            start_node.append(len(names))
            finish_node.append(len(names))
            names.append(task.id)
    summaries = sorted(children, key=lambda s: -depth[s])
    return _Layout(ids, index, children, start_node, finish_node, names, summaries)


class _Clock:
    """Converts the project's times to minutes from an origin and back."""

    def __init__(self, project: ProjectSpec, horizon_days: int, back_days: int) -> None:
        self.dated = project.start is not None
        if project.start is not None:
            self.origin = datetime.combine(project.start.date(), datetime.min.time()) - timedelta(
                days=back_days
            )
            self.first_day = self.origin.date()
            self.days = back_days + horizon_days
        self.project = project

    def to_axis(self, value: Time, what: str) -> float:
        if value is None:
            return math.nan
        if self.dated:
            if not isinstance(value, datetime):
                raise Invalid(f"{what} must be a date or datetime in a dated project.", field=what)
            return (value - self.origin).total_seconds() / 60.0
        if isinstance(value, datetime):
            raise Invalid(f"{what} must be a number in a project without a start date.", field=what)
        return float(value)

    def from_axis(self, value: float) -> Time:
        if not self.dated:
            return float(value)
        return self.origin + timedelta(minutes=round(float(value), 6))


def _task_calendars(project: ProjectSpec, layout: _Layout) -> tuple[list[WorkCalendar], list[int]]:
    """The calendars in use and each task's calendar index (-1: continuous time)."""
    if project.start is None:
        return [], [-1] * len(layout.ids)
    project_calendar = project.calendar or WorkCalendar()
    names: list[str | None] = [None]
    calendars = [project_calendar]
    resource_calendar = {r.id: r.calendar for r in project.resources if r.calendar}
    indexes = []
    for task in project.tasks:
        name = task.calendar
        if name is None:
            name = next(
                (resource_calendar[r] for r in task.resources if r in resource_calendar), None
            )
        if name is not None and name not in project.calendars:
            raise Invalid(f"Task {task.id} uses the unknown calendar '{name}'.", field="calendar")
        if name not in names:
            names.append(name)
            calendars.append(project.calendars[name])  # type: ignore[index]
        indexes.append(names.index(name))
    return calendars, indexes


def build_network(project: ProjectSpec, horizon_days: int = 0) -> tuple[Network, _Layout, _Clock]:
    """The array network for a project (see the module docstring for summary tasks)."""
    tasks = project.tasks
    layout = _layout(tasks)
    n = layout.nodes
    calendars, task_calendar = _task_calendars(project, layout)
    if project.start is not None and horizon_days == 0:
        per_day = (project.calendar or WorkCalendar()).minutes_per_day
        total = sum(max(t.duration, 0.0) for t in tasks) + sum(abs(lk.lag) for lk in project.links)
        horizon_days = int(total / per_day * 1.5) + 60
    clock = _Clock(project, horizon_days, back_days=horizon_days // 4 + 30)

    duration = np.zeros(n)
    cal = np.full(n, -1, dtype=np.int32)
    start_bound = np.full(n, clock.to_axis(project.start, "start") if clock.dated else 0.0)
    status = clock.to_axis(project.status_date, "status_date")
    finish_bound = np.full(n, -np.inf)
    start_limit = np.full(n, np.inf)
    finish_limit = np.full(n, np.inf)
    fixed_start = np.full(n, np.nan)
    fixed_finish = np.full(n, np.nan)
    remaining = np.full(n, np.nan)
    alap = np.zeros(n, dtype=np.bool_)

    for i, task in enumerate(tasks):
        s_node, f_node = layout.start_node[i], layout.finish_node[i]
        is_summary = task.id in layout.children
        cal[s_node] = cal[f_node] = (
            task_calendar[i] if not is_summary else (0 if clock.dated else -1)
        )
        if task.duration < 0:
            raise Invalid(f"Task {task.id} has a negative duration.", field="duration")
        if not is_summary:
            duration[s_node] = task.duration
        date = clock.to_axis(task.constraint_date, f"constraint date of task {task.id}")
        if task.constraint not in (ConstraintType.ASAP, ConstraintType.ALAP) and math.isnan(date):
            raise Invalid(
                f"Task {task.id}'s {task.constraint} constraint needs a date.", field="constraint"
            )
        match task.constraint:
            case ConstraintType.ALAP:
                alap[s_node] = not is_summary
            case ConstraintType.SNET:
                start_bound[s_node] = max(start_bound[s_node], date)
            case ConstraintType.FNET:
                finish_bound[f_node] = date
            case ConstraintType.SNLT:
                start_limit[s_node] = date
            case ConstraintType.FNLT:
                finish_limit[f_node] = date
            case ConstraintType.MSO:
                fixed_start[s_node] = date
            case ConstraintType.MFO:
                fixed_finish[f_node] = date
        deadline = clock.to_axis(task.deadline, f"deadline of task {task.id}")
        if not math.isnan(deadline):
            finish_limit[f_node] = min(finish_limit[f_node], deadline)
        if is_summary:
            continue
        actual_start = clock.to_axis(task.actual_start, f"actual start of task {task.id}")
        actual_finish = clock.to_axis(task.actual_finish, f"actual finish of task {task.id}")
        if not math.isnan(actual_finish):
            fixed_finish[s_node] = actual_finish
            fixed_start[s_node] = actual_start  # NaN: derived from the finish and duration
            if math.isnan(actual_start):
                fixed_start[s_node] = np.nan
            remaining[s_node] = np.nan
        elif not math.isnan(actual_start):
            fixed_start[s_node] = actual_start
            fixed_finish[s_node] = np.nan
            left = task.remaining
            if left is None:
                left = task.duration * (1.0 - min(max(task.percent_complete, 0.0), 100.0) / 100.0)
            remaining[s_node] = max(left, 0.0)
        elif not math.isnan(status):
            start_bound[s_node] = max(start_bound[s_node], status)

    link_from, link_to, link_type, lag, elapsed = [], [], [], [], []

    def add(a: int, b: int, kind: LinkType, value: float = 0.0, is_elapsed: bool = False) -> None:
        link_from.append(a)
        link_to.append(b)
        link_type.append(int(kind))
        lag.append(value)
        elapsed.append(is_elapsed)

    for link in project.links:
        for end in (link.pred, link.succ):
            if end not in layout.index:
                raise Invalid(
                    f"The link {link.pred} → {link.succ} names the unknown task '{end}'.",
                    field="links",
                )
        if link.pred == link.succ:
            raise Invalid(f"Task {link.pred} cannot be linked to itself.", field="links")
        p, s = layout.index[link.pred], layout.index[link.succ]
        from_finish = link.type in (LinkType.FS, LinkType.FF)
        to_start = link.type in (LinkType.FS, LinkType.SS)
        value = link.lag
        if link.lag_format is LagFormat.PERCENT:
            value = tasks[p].duration * link.lag / 100.0
        add(
            layout.finish_node[p] if from_finish else layout.start_node[p],
            layout.start_node[s] if to_start else layout.finish_node[s],
            link.type,
            value,
            link.lag_format is LagFormat.ELAPSED,
        )
    for summary, kids in layout.children.items():
        gate_in = layout.start_node[layout.index[summary]]
        gate_out = layout.finish_node[layout.index[summary]]
        add(gate_in, gate_out, LinkType.SS)
        for kid in kids:
            add(gate_in, layout.start_node[layout.index[kid]], LinkType.SS)
            add(layout.finish_node[layout.index[kid]], gate_out, LinkType.FF)

    network = Network(
        duration=duration,
        link_from=np.array(link_from, dtype=np.int32),
        link_to=np.array(link_to, dtype=np.int32),
        link_type=np.array(link_type, dtype=np.int8),
        lag=np.array(lag, dtype=np.float64),
        lag_elapsed=np.array(elapsed, dtype=np.bool_),
        calendar=cal,
        start_bound=start_bound,
        finish_bound=finish_bound,
        start_limit=start_limit,
        finish_limit=finish_limit,
        fixed_start=fixed_start,
        fixed_finish=fixed_finish,
        remaining=remaining,
        alap=alap,
        project_start=float(start_bound[0]) if n else 0.0,
        deadline=None if project.deadline is None else clock.to_axis(project.deadline, "deadline"),
        status=status,
        calendars=CalendarArrays.stack(
            [
                (t.starts, t.ends, t.cum)
                for t in (IntervalTable.build(c, clock.first_day, clock.days) for c in calendars)
            ]
        )
        if clock.dated
        else CalendarArrays(),
    )
    return network, layout, clock


# -- scheduling ------------------------------------------------------------------------------


class ProjectScheduler:
    """A project prepared for scheduling; ``reschedule`` after changing task durations.

    Keeps the graph order between edits so a change to one task reschedules in a fraction of
    the time of the first run.
    """

    def __init__(self, project: ProjectSpec) -> None:
        self.project = project
        self._build(0)

    def _build(self, horizon_days: int) -> None:
        self.network, self.layout, self.clock = build_network(self.project, horizon_days)
        self.prepared = PreparedNetwork(self.network, self.layout.node_names)

    def set_duration(self, task_id: str, duration: float) -> None:
        """Change one task's duration in place (a leaf task)."""
        if task_id not in self.layout.index:
            raise Invalid(f"No task '{task_id}'.", field="id")
        if duration < 0:
            raise Invalid(f"Task {task_id} has a negative duration.", field="duration")
        i = self.layout.index[task_id]
        if task_id in self.layout.children:
            raise Invalid(
                f"Task {task_id} is a summary; its dates come from its tasks.", field="duration"
            )
        self.prepared.set_duration(self.layout.start_node[i], duration)

    def schedule(self) -> ProjectSchedule:
        while True:
            result = self.prepared.schedule()
            if not self._outside_calendar(result):
                return self._results(result)
            # A date fell outside the calendar tables: widen them and schedule again.
            durations = self.network.duration.copy()
            self._build(self.clock.days * 2)
            self.network.duration[:] = durations
            self.prepared.refresh_tasks()

    def _outside_calendar(self, result: Schedule) -> bool:
        cals = self.network.calendars
        if not self.clock.dated or len(cals.ptr) < 2 or self.network.size == 0:
            return False
        low = min(float(result.early_start.min()), float(result.late_start.min()))
        high = max(float(result.early_finish.max()), float(result.late_finish.max()))
        for c in range(len(cals.ptr) - 1):
            first, last = cals.span(c)
            if low < first or high > last:
                if self.clock.days > 366 * 200:
                    raise Invalid("The schedule runs beyond 200 years; check durations and lags.")
                return True
        return False

    def _results(self, result: Schedule) -> ProjectSchedule:
        layout, clock, tasks = self.layout, self.clock, self.project.tasks
        es, ef, ls, lf = (
            result.early_start,
            result.early_finish,
            result.late_start,
            result.late_finish,
        )
        start, finish = result.start, result.finish
        tf, ff = result.total_float, result.free_float
        # Summary rows take the span of their children, deepest summaries first.
        row: dict[str, tuple[float, ...]] = {}
        for i, task in enumerate(tasks):
            if task.id not in layout.children:
                j = layout.start_node[i]
                row[task.id] = (es[j], ef[j], ls[j], lf[j], start[j], finish[j], tf[j], ff[j])
        for summary in layout.summaries:
            kids = [row[kid] for kid in layout.children[summary]]
            i = layout.index[summary]
            gate = layout.finish_node[i]
            row[summary] = (
                min(k[0] for k in kids),
                max(k[1] for k in kids),
                min(k[2] for k in kids),
                max(k[3] for k in kids),
                min(k[4] for k in kids),
                max(k[5] for k in kids),
                tf[gate],
                ff[gate],
            )
        results: dict[str, TaskResult] = {}
        critical_leaves = []
        for i, task in enumerate(tasks):
            r = row[task.id]
            deadline = clock.to_axis(task.deadline, "deadline")
            critical = bool(r[6] <= EPSILON)
            is_summary = task.id in layout.children
            results[task.id] = TaskResult(
                early_start=clock.from_axis(r[0]),
                early_finish=clock.from_axis(r[1]),
                late_start=clock.from_axis(r[2]),
                late_finish=clock.from_axis(r[3]),
                start=clock.from_axis(r[4]),
                finish=clock.from_axis(r[5]),
                total_float=_clean(r[6]),
                free_float=_clean(r[7]),
                critical=critical,
                summary=is_summary,
                deadline_missed=bool(not math.isnan(deadline) and r[1] > deadline + EPSILON),
            )
            if critical and not is_summary:
                critical_leaves.append((r[0], r[1], i, task.id))
        critical_leaves.sort()
        return ProjectSchedule(
            tasks=results,
            finish=clock.from_axis(result.project_finish),
            critical_path=[c[3] for c in critical_leaves],
            start=clock.from_axis(self.network.project_start),
        )


def _clean(value: float) -> float:
    """Round away float noise from sums (results are whole minutes or plain units)."""
    rounded = round(float(value), 6)
    return 0.0 if rounded == 0 else rounded


def schedule_project(project: ProjectSpec) -> ProjectSchedule:
    """Schedule a project once."""
    return ProjectScheduler(project).schedule()
