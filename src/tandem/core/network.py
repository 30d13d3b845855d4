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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np

from tandem.core import cpm_kernels as kernels
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


DISTRIBUTIONS = ("triangular", "pert")  # of three-point estimates, for forecasts


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
    # A three-point estimate for forecasts (working minutes or plain units); None: duration.
    optimistic: float | None = None
    most_likely: float | None = None
    pessimistic: float | None = None
    distribution: str = "triangular"  # or "pert"
    # Where a milestone shows when it falls on a break between working times: "start" at the
    # next working start (P6's start milestones); "finish" where the schedule put it, but an
    # as-late-as-possible one at the last working end before its successor (P6's finish
    # milestones); "" where the schedule put it. The working minute is the same either way.
    milestone_at: str = ""


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
    # The calendar working lags count in: the successor's (MS Project) or the predecessor's
    # (P6's default "calendar for scheduling relationship lag").
    lag_calendar: str = "successor"
    # What finished work's successors follow: its actual finish (MS Project), or the status
    # date carried through the logic ("status", as P6 does).
    finished_work: str = "actual"


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


COLUMNS = ("early_start", "early_finish", "late_start", "late_finish", "start", "finish")


class ProjectSchedule:
    """A schedule's results per task, held as arrays in task order.

    ``tasks`` gives a ``TaskResult`` per id (built on first use); ``changed`` compares two
    schedules of the same project so a service stores only the rows that moved.
    """

    def __init__(
        self,
        ids: list[str],
        times: np.ndarray,
        total_float: np.ndarray,
        free_float: np.ndarray,
        summary: np.ndarray,
        deadline: np.ndarray,
        clock: _Clock,
        finish: float,
        start: float,
        finished: np.ndarray | None = None,
    ) -> None:
        self.ids = ids
        self.times = times  # shape (6, tasks), the COLUMNS, on the project's time axis
        self.total_float = np.round(total_float, 6) + 0.0  # + 0.0 turns -0.0 into 0.0
        self.free_float = np.round(free_float, 6) + 0.0
        # Like MS Project, finished work is never critical: it can no longer delay anything.
        done = np.zeros(len(ids), dtype=bool) if finished is None else finished
        self.critical = (self.total_float <= EPSILON) & ~done
        self.summary = summary
        self.deadline_missed = self.times[1] > deadline + EPSILON  # NaN deadline: False
        self.clock = clock
        self.finish = clock.from_axis(finish)
        self.start = clock.from_axis(start)
        leaves = np.flatnonzero(self.critical & ~summary)
        by_date = np.lexsort((leaves, self.times[1][leaves], self.times[0][leaves]))
        self.critical_path = [ids[i] for i in leaves[by_date]]
        self._tasks: dict[str, TaskResult] | None = None

    @property
    def tasks(self) -> dict[str, TaskResult]:
        if self._tasks is None:
            columns = [self.clock.many_from_axis(row) for row in self.times]
            floats = (self.total_float.tolist(), self.free_float.tolist())
            flags = (self.critical.tolist(), self.summary.tolist(), self.deadline_missed.tolist())
            self._tasks = {
                task_id: TaskResult(
                    columns[0][i],
                    columns[1][i],
                    columns[2][i],
                    columns[3][i],
                    columns[4][i],
                    columns[5][i],
                    floats[0][i],
                    floats[1][i],
                    flags[0][i],
                    flags[1][i],
                    flags[2][i],
                )
                for i, task_id in enumerate(self.ids)
            }
        return self._tasks

    def results_at(self, rows: list[int]) -> list[TaskResult]:
        """TaskResults for some task rows only (cheaper than ``tasks`` for a few rows)."""
        index = np.asarray(rows, dtype=np.int64)
        columns = [self.clock.many_from_axis(row[index]) for row in self.times]
        total, free = self.total_float[index].tolist(), self.free_float[index].tolist()
        critical = self.critical[index].tolist()
        summary, missed = self.summary[index].tolist(), self.deadline_missed[index].tolist()
        return [
            TaskResult(
                columns[0][n],
                columns[1][n],
                columns[2][n],
                columns[3][n],
                columns[4][n],
                columns[5][n],
                total[n],
                free[n],
                critical[n],
                summary[n],
                missed[n],
            )
            for n in range(len(index))
        ]

    def changed_rows(self, previous: ProjectSchedule | None) -> list[int]:
        """Rows (task positions) whose results differ from ``previous``; all without one."""
        if previous is None or previous.ids != self.ids:
            return list(range(len(self.ids)))
        moved = (
            (np.abs(self.times - previous.times) > EPSILON).any(axis=0)
            | (np.abs(self.total_float - previous.total_float) > EPSILON)
            | (np.abs(self.free_float - previous.free_float) > EPSILON)
            | (self.deadline_missed != previous.deadline_missed)
            | (self.critical != previous.critical)
        )
        rows: list[int] = np.flatnonzero(moved).tolist()
        return rows

    def changed(self, previous: ProjectSchedule | None) -> list[str]:
        """Ids whose dates, floats or flags differ from ``previous`` (all ids without one)."""
        return [self.ids[i] for i in self.changed_rows(previous)]


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

    @cached_property
    def is_summary(self) -> np.ndarray:
        return np.array([task_id in self.children for task_id in self.ids], dtype=bool)

    @cached_property
    def child_rows(self) -> dict[str, np.ndarray]:
        return {
            summary: np.array([self.index[kid] for kid in kids])
            for summary, kids in self.children.items()
        }

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
    start_node: list[int] = []
    finish_node: list[int] = []
    names: list[str] = []
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

    def __init__(
        self,
        project: ProjectSpec,
        horizon_days: int,
        back_days: int,
        calendars: list[WorkCalendar],
    ) -> None:
        self.dated = project.start is not None
        self.back_days = back_days
        self.days = back_days + horizon_days
        self.calendars = calendars
        if project.start is not None:
            self.origin = datetime.combine(project.start.date(), datetime.min.time()) - timedelta(
                days=back_days
            )
            self.first_day = self.origin.date()
        self.project = project

    def tables(self) -> CalendarArrays:
        """The calendars as interval tables over the clock's days."""
        if not self.dated:
            return CalendarArrays()
        built = (IntervalTable.build(c, self.first_day, self.days) for c in self.calendars)
        return CalendarArrays.stack([(t.starts, t.ends, t.cum) for t in built])

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

    def many_from_axis(self, values: np.ndarray) -> list[Time]:
        """from_axis for a whole array at once (numpy's datetimes, then Python's)."""
        if not self.dated:
            return [v + 0.0 for v in np.round(values, 9).tolist()]
        micros = np.round(values * 60e6).astype("timedelta64[us]")
        moments: list[Time] = (np.datetime64(self.origin, "us") + micros).astype(object).tolist()
        return moments


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


def node_values(
    task: TaskSpec, is_summary: bool, clock: _Clock, base_start: float, status: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The array values of a task's start node and finish node (one node for a plain task).

    Every column is given, so an edit can overwrite what an earlier constraint had set.
    """
    at_start: dict[str, Any] = {
        "duration": 0.0,
        "start_bound": base_start,
        "finish_bound": -np.inf,
        "start_limit": np.inf,
        "finish_limit": np.inf,
        "fixed_start": np.nan,
        "fixed_finish": np.nan,
        "remaining": np.nan,
        "alap": False,
    }
    at_finish = dict(at_start) if is_summary else at_start
    if task.duration < 0:
        raise Invalid(f"Task {task.id} has a negative duration.", field="duration")
    if not is_summary:
        at_start["duration"] = float(task.duration)
    date = clock.to_axis(task.constraint_date, f"constraint date of task {task.id}")
    if task.constraint not in (ConstraintType.ASAP, ConstraintType.ALAP) and math.isnan(date):
        raise Invalid(
            f"Task {task.id}'s {task.constraint} constraint needs a date.", field="constraint"
        )
    match task.constraint:
        case ConstraintType.ALAP:
            at_start["alap"] = not is_summary
        case ConstraintType.SNET:
            at_start["start_bound"] = max(base_start, date)
        case ConstraintType.FNET:
            at_finish["finish_bound"] = date
        case ConstraintType.SNLT:
            at_start["start_limit"] = date
        case ConstraintType.FNLT:
            at_finish["finish_limit"] = date
        case ConstraintType.MSO:
            at_start["fixed_start"] = date
        case ConstraintType.MFO:
            at_finish["fixed_finish"] = date
    deadline = clock.to_axis(task.deadline, f"deadline of task {task.id}")
    if not math.isnan(deadline):
        at_finish["finish_limit"] = min(at_finish["finish_limit"], deadline)
    if is_summary:
        return at_start, at_finish
    actual_start = clock.to_axis(task.actual_start, f"actual start of task {task.id}")
    actual_finish = clock.to_axis(task.actual_finish, f"actual finish of task {task.id}")
    if not math.isnan(actual_finish):
        # Finished: both dates fixed (a missing actual start follows from the duration).
        at_start["fixed_finish"] = actual_finish
        at_start["fixed_start"] = actual_start
    elif not math.isnan(actual_start):
        at_start["fixed_start"] = actual_start
        at_start["fixed_finish"] = np.nan
        left = task.remaining
        if left is None:
            left = task.duration * (1.0 - min(max(task.percent_complete, 0.0), 100.0) / 100.0)
        at_start["remaining"] = max(left, 0.0)
    elif not math.isnan(status):
        at_start["start_bound"] = max(at_start["start_bound"], status)
    return at_start, at_finish


def build_network(
    project: ProjectSpec, horizon_days: int = 120, back_days: int = 60
) -> tuple[Network, _Layout, _Clock]:
    """The array network for a project (see the module docstring for summary tasks).

    Calendar tables cover ``back_days`` before the start and ``horizon_days`` after it;
    ``ProjectScheduler`` sizes them to the project.
    """
    tasks = project.tasks
    layout = _layout(tasks)
    n = layout.nodes
    calendars, task_calendar = _task_calendars(project, layout)
    clock = _Clock(project, horizon_days, back_days, calendars)

    base_start = clock.to_axis(project.start, "start") if clock.dated else 0.0
    status = clock.to_axis(project.status_date, "status_date")
    columns: dict[str, np.ndarray] = {
        "duration": np.zeros(n),
        "start_bound": np.full(n, base_start),
        "finish_bound": np.full(n, -np.inf),
        "start_limit": np.full(n, np.inf),
        "finish_limit": np.full(n, np.inf),
        "fixed_start": np.full(n, np.nan),
        "fixed_finish": np.full(n, np.nan),
        "remaining": np.full(n, np.nan),
        "alap": np.zeros(n, dtype=np.bool_),
    }
    cal = np.full(n, -1, dtype=np.int32)
    for i, task in enumerate(tasks):
        s_node, f_node = layout.start_node[i], layout.finish_node[i]
        is_summary = task.id in layout.children
        cal[s_node] = cal[f_node] = (0 if clock.dated else -1) if is_summary else task_calendar[i]
        at_start, at_finish = node_values(task, is_summary, clock, base_start, status)
        for name, value in at_start.items():
            columns[name][s_node] = value
        for name, value in at_finish.items():
            columns[name][f_node] = value

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
    rollup = np.zeros(n, dtype=np.bool_)
    for summary, kids in layout.children.items():
        gate_in = layout.start_node[layout.index[summary]]
        gate_out = layout.finish_node[layout.index[summary]]
        rollup[gate_out] = True
        add(gate_in, gate_out, LinkType.SS)
        for kid in kids:
            add(gate_in, layout.start_node[layout.index[kid]], LinkType.SS)
            add(layout.finish_node[layout.index[kid]], gate_out, LinkType.FF)

    network = Network(
        duration=columns["duration"],
        link_from=np.array(link_from, dtype=np.int32),
        link_to=np.array(link_to, dtype=np.int32),
        link_type=np.array(link_type, dtype=np.int8),
        lag=np.array(lag, dtype=np.float64),
        lag_elapsed=np.array(elapsed, dtype=np.bool_),
        calendar=cal,
        start_bound=columns["start_bound"],
        finish_bound=columns["finish_bound"],
        start_limit=columns["start_limit"],
        finish_limit=columns["finish_limit"],
        fixed_start=columns["fixed_start"],
        fixed_finish=columns["fixed_finish"],
        remaining=columns["remaining"],
        alap=columns["alap"],
        project_start=base_start,
        deadline=None if project.deadline is None else clock.to_axis(project.deadline, "deadline"),
        status=status,
        calendars=clock.tables(),
        rollup=rollup,
        lag_on_predecessor=project.lag_calendar == "predecessor",
        finished_from_status=project.finished_work == "status",
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
        self._percent_lag_preds = {
            link.pred for link in project.links if link.lag_format is LagFormat.PERCENT
        }
        # Rows of milestones with a stated side (few): placed after each schedule.
        self._sided = {i for i, task in enumerate(project.tasks) if task.milestone_at}
        self._done: np.ndarray | None = None  # which tasks are finished (see _finished)
        self._build(back_days=60)

    def update_task(self, task: TaskSpec) -> bool:
        """Replace one task's data in place for the next ``schedule``.

        Returns False, changing nothing, when the change needs a new structure (another
        parent, calendar or resources, or a percent lag hanging on its duration): build a new
        scheduler then.
        """
        i = self.layout.index.get(task.id)
        if i is None:
            return False
        old = self.project.tasks[i]
        if (task.parent, task.calendar, dict(task.resources)) != (
            old.parent,
            old.calendar,
            dict(old.resources),
        ) or task.id in self._percent_lag_preds:
            return False
        is_summary = task.id in self.layout.children
        base_start = self.network.project_start
        at_start, at_finish = node_values(
            task, is_summary, self.clock, base_start, self.network.status
        )
        self.prepared.set_values(self.layout.start_node[i], **at_start)
        if is_summary:
            self.prepared.set_values(self.layout.finish_node[i], **at_finish)
        tasks = list(self.project.tasks)
        tasks[i] = task
        self.project = replace(self.project, tasks=tasks)
        if task.milestone_at:
            self._sided.add(i)
        else:
            self._sided.discard(i)
        self._done = None
        self.deadlines[i] = self.clock.to_axis(task.deadline, f"deadline of task {task.id}")
        return True

    def _build(self, back_days: int) -> None:
        self.network, self.layout, self.clock = build_network(
            self.project, horizon_days=120, back_days=back_days
        )
        self.prepared = PreparedNetwork(self.network, self.layout.node_names)
        if self.clock.dated and self.network.size:
            # Size the calendar tables from a quick around-the-clock estimate of the span:
            # tables much longer than the project only slow every date conversion down.
            estimate = self.prepared.schedule(continuous=True)
            span = float(estimate.early_finish.max()) - self.network.project_start
            per_day = (self.project.calendar or WorkCalendar()).minutes_per_day
            self._set_horizon(int(max(span, 0.0) / per_day * 1.6) + 60)
        self.deadlines = np.array(
            [
                self.clock.to_axis(t.deadline, f"deadline of task {t.id}")
                for t in self.project.tasks
            ],
            dtype=np.float64,
        )

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

    def _set_horizon(self, days: int) -> None:
        self.clock.days = self.clock.back_days + days
        self.network.calendars = self.clock.tables()

    def schedule(self) -> ProjectSchedule:
        """Schedule with the current durations; grows the calendar tables when dates run out."""
        while True:
            result = self.prepared.schedule()
            outside = self._outside_calendar(result)
            if outside is None:
                return self._results(result)
            if self.clock.days > 366 * 200:
                raise Invalid("The schedule runs beyond 200 years; check durations and lags.")
            if outside == "before":
                durations = self.network.duration.copy()
                self._build(back_days=self.clock.back_days * 4)
                self.network.duration[:] = durations
                self.prepared.refresh_tasks()
            else:
                self._set_horizon((self.clock.days - self.clock.back_days) * 2)

    def _outside_calendar(self, result: Schedule) -> str | None:
        """ "before" or "after" when a date fell outside the calendar tables, else None."""
        cals = self.network.calendars
        if not self.clock.dated or len(cals.ptr) < 2 or self.network.size == 0:
            return None
        low = min(float(result.early_start.min()), float(result.late_start.min()))
        high = max(float(result.early_finish.max()), float(result.late_finish.max()))
        for c in range(len(cals.ptr) - 1):
            first, last = cals.span(c)
            if low < first:
                return "before"
            if high > last:
                return "after"
        return None

    def _finished(self) -> np.ndarray:
        """Tasks with an actual finish; summaries when all their tasks are finished (kept
        between schedules until a task changes)."""
        if self._done is None:
            layout = self.layout
            done = np.array([t.actual_finish is not None for t in self.project.tasks], dtype=bool)
            for summary in layout.summaries:
                done[layout.index[summary]] = bool(done[layout.child_rows[summary]].all())
            self._done = done
        return self._done.copy()

    def _results(self, result: Schedule) -> ProjectSchedule:
        layout = self.layout
        nodes = np.array(layout.start_node, dtype=np.int64)
        gates = np.array(layout.finish_node, dtype=np.int64)
        sources = (
            result.early_start, result.early_finish, result.late_start,
            result.late_finish, result.start, result.finish,
        )  # fmt: skip
        times = np.stack([column[nodes] for column in sources])
        total = result.total_float[gates].copy()
        free = result.free_float[gates].copy()
        self._place_milestones(times)
        # Summary rows span their children, deepest summaries first.
        for summary in layout.summaries:
            row = layout.index[summary]
            kids = layout.child_rows[summary]
            times[0::2, row] = times[0::2, kids].min(axis=1)
            times[1::2, row] = times[1::2, kids].max(axis=1)
        return ProjectSchedule(
            ids=layout.ids,
            times=times,
            total_float=total,
            free_float=free,
            summary=layout.is_summary,
            deadline=self.deadlines,
            finished=self._finished(),
            clock=self.clock,
            finish=result.project_finish,
            start=self.network.project_start,
        )

    def _place_milestones(self, times: np.ndarray) -> None:
        """Milestones with a stated side take that side of a break (see TaskSpec)."""
        cal = self.network.calendars
        if not self._sided or len(cal.ptr) < 2:
            return
        args = (cal.ptr, cal.starts, cal.ends, cal.cum)
        for row in sorted(self._sided):
            task = self.project.tasks[row]
            if not task.milestone_at or task.duration != 0 or task.id in self.layout.children:
                continue
            if task.milestone_at == "finish" and task.constraint is not ConstraintType.ALAP:
                continue
            c = int(self.network.calendar[self.layout.start_node[row]])
            if c < 0:
                continue
            place = kernels.start_at if task.milestone_at == "start" else kernels.finish_at
            for column in range(times.shape[0]):
                moment = float(times[column, row])
                if math.isfinite(moment):
                    times[column, row] = place(c, kernels.work_at(c, moment, *args), *args)


def schedule_project(project: ProjectSpec) -> ProjectSchedule:
    """Schedule a project once."""
    return ProjectScheduler(project).schedule()
