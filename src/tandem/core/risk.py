"""Monte Carlo forecasts: each task's three-point estimate (triangular or PERT-beta) sampled
many times and run through the project network with its links, constraints and calendars.

Reports P50/P80/P95 and mean finish for the project and every milestone, the probability of
meeting each deadline, each task's criticality index (the share of iterations in which it is
on a critical path) and the tasks that drive the spread most (the correlation of their
duration with the finish). Sampling is vectorised over iterations and reproducible with a
seed; the passes are the critical-path core's, so fixed estimates give its dates exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tandem.core import risk_kernels as rk
from tandem.core.cpm import LinkType
from tandem.core.network import DISTRIBUTIONS, ProjectScheduler, ProjectSpec, TaskSpec
from tandem.errors import Invalid

CHUNKS = 64  # fixed slices of the iterations, run in parallel and summed in order


@dataclass(frozen=True)
class Percentiles:
    p50: Any
    p80: Any
    p95: Any
    mean: Any

    def as_dict(self) -> dict[str, Any]:
        return {"p50": self.p50, "p80": self.p80, "p95": self.p95, "mean": self.mean}


@dataclass(frozen=True)
class Forecast:
    """The outcome of a simulation; times in the project's terms (numbers or datetimes)."""

    iterations: int
    seed: int
    finish: Percentiles
    deterministic_finish: Any
    milestones: dict[str, Percentiles]
    deadlines: dict[str, float]  # task id (or "project") -> probability of meeting it
    criticality: dict[str, float]
    sensitivity: list[tuple[str, float]]  # strongest first
    histogram: tuple[list[Any], list[int]]  # bin starts and counts of the finish
    quantiles: list[Any]  # the finish at 0, 1, ..., 100 % (for combining forecasts)
    cost: Percentiles | None = None  # cost of the work still to do, when rates are given
    cost_quantiles: list[float] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The documented JSON shape (before converting times to text)."""
        return {
            "iterations": self.iterations,
            "seed": self.seed,
            "finish": self.finish.as_dict(),
            "deterministic_finish": self.deterministic_finish,
            "milestones": {k: v.as_dict() for k, v in self.milestones.items()},
            "deadlines": {k: {"probability": p} for k, p in self.deadlines.items()},
            "tasks": {k: {"criticality": c} for k, c in self.criticality.items()},
            "drivers": [{"task": k, "correlation": c} for k, c in self.sensitivity],
            "histogram": {"start": self.histogram[0], "count": self.histogram[1]},
            **({} if self.cost is None else {"cost": self.cost.as_dict()}),
        }


def _estimate(task: TaskSpec) -> tuple[float, float, float, int]:
    values = [task.optimistic, task.most_likely, task.pessimistic]
    if all(v is None for v in values):
        d = float(task.duration)
        return d, d, d, 0
    if any(v is None for v in values):
        raise Invalid(
            f"Task {task.id} needs optimistic, most likely and pessimistic together.",
            field="estimate",
        )
    a, m, b = (float(v) for v in values)  # type: ignore[arg-type]
    if not 0 <= a <= m <= b:
        raise Invalid(
            f"Task {task.id}'s estimates must run 0 ≤ optimistic ≤ most likely ≤ pessimistic.",
            field="estimate",
        )
    if task.distribution not in DISTRIBUTIONS:
        raise Invalid(
            f"Task {task.id}: the distribution is triangular or pert.", field="distribution"
        )
    return a, m, b, DISTRIBUTIONS.index(task.distribution)


def pert_table(shape: float, grid: int = 1024) -> np.ndarray:
    """The inverse distribution function of a PERT-beta on [0, 1] whose mode sits at
    ``shape`` (0..1), tabulated at ``grid`` + 1 evenly spaced probabilities.

    Beta(1 + 4 shape, 1 + 4 (1 - shape)) has its density integrated on a fine grid and
    inverted by interpolation: exact to well under a thousandth of the range.
    """
    alpha, beta = 1 + 4 * shape, 1 + 4 * (1 - shape)
    x = np.linspace(0.0, 1.0, 8 * grid + 1)
    mid = (x[1:] + x[:-1]) / 2
    density = mid ** (alpha - 1) * (1 - mid) ** (beta - 1)
    cdf = np.concatenate(([0.0], np.cumsum(density)))
    cdf /= cdf[-1]
    return np.interp(np.linspace(0.0, 1.0, grid + 1), cdf, x)


def forecast(
    project: ProjectSpec,
    iterations: int = 10_000,
    seed: int = 0,
    bins: int = 40,
    cost_rates: Mapping[str, float] | None = None,
) -> Forecast:
    """Simulate the project ``iterations`` times.

    ``cost_rates`` gives tasks a cost per unit of duration; the forecast then also reports the
    cost of the work still to do (what is left of started tasks, all of unstarted ones)."""
    if not 1 <= iterations <= 1_000_000:
        raise Invalid("Run between 1 and 1,000,000 iterations.", field="iterations")
    scheduler = ProjectScheduler(project)
    deterministic = scheduler.schedule()
    net, layout, prep = scheduler.network, scheduler.layout, scheduler.prepared
    n = net.size
    low, mode, high = net.duration.copy(), net.duration.copy(), net.duration.copy()
    pert = np.zeros(n, dtype=bool)
    for i, task in enumerate(project.tasks):
        if task.id in layout.children:
            continue
        node = layout.start_node[i]
        low[node], mode[node], high[node], family = _estimate(task)
        pert[node] = family == 1
    order, rank = prep.order, prep.rank
    low, mode, high, pert = low[order], mode[order], high[order], pert[order]
    # Triangular estimates are drawn by formula; PERT-beta ones from a table per shape.
    kind = np.where(high > low, np.where(pert, rk.TABLE, rk.TRIANGULAR), rk.FIXED).astype(np.int64)
    shapes: dict[float, int] = {}
    which = np.zeros(n, dtype=np.int64)
    for q in np.flatnonzero(kind == rk.TABLE):
        shape = round(float((mode[q] - low[q]) / (high[q] - low[q])), 6)
        which[q] = shapes.setdefault(shape, len(shapes))
    tables = np.array([pert_table(s) for s in shapes] or [np.zeros(2)], dtype=np.float64)
    # Watch the project's milestones and every task with a deadline.
    watch_ids = []
    for i, task in enumerate(project.tasks):
        is_summary = task.id in layout.children
        milestone = not is_summary and task.duration == 0
        if milestone or task.deadline is not None:
            watch_ids.append((task.id, layout.finish_node[i], milestone))
    watch = np.array([rank[node] for _, node, _ in watch_ids], dtype=np.int64)
    rate = np.zeros(n)
    for task_id, value in (cost_rates or {}).items():
        row = layout.index.get(task_id)
        if row is not None and task_id not in layout.children:
            rate[rank[layout.start_node[row]]] = value
    # Finished work is never critical (as in the deterministic schedule).
    done = np.zeros(n, dtype=np.bool_)
    for i, task in enumerate(project.tasks):
        if task.actual_finish is not None:
            done[rank[layout.finish_node[i]]] = True
    axis = _Axis(prep, net.calendars, net.status)
    # Tasks whose start position a milestone reads (start-to-start or start-to-finish without
    # lag to a task that may last nothing); only these are looked up in the calendar.
    slot_from = np.repeat(np.arange(n), np.diff(prep.succ_ptr))
    reads_start = (
        ((prep.succ_type == LinkType.SS) | (prep.succ_type == LinkType.SF))
        & (prep.succ_lag == 0.0)
        & (low[prep.succ_to] <= 0.0)
    )
    needs_start = np.zeros(n, dtype=np.bool_)
    needs_start[slot_from[reads_start]] = True
    finish_w, seen_w, finish_like, seen_like, spend, critical, sx, sxx, sxy = rk.simulate(
        seed, iterations, CHUNKS, low, mode, high, kind, which, tables,
        prep.duration, axis.remaining, prep.succ_ptr, prep.succ_to, prep.succ_type,
        prep.succ_lag, prep.succ_elapsed, axis.calendar, axis.start_bound, axis.finish_bound,
        axis.start_limit, axis.finish_limit, axis.fixed_start, axis.fixed_finish, done,
        axis.status, *axis.tables, watch, axis.flag_calendar, axis.bound_like, axis.fixed_like,
        *axis.flag_tables, rate, needs_start,
    )  # fmt: skip
    finish = axis.elapsed(finish_w, finish_like)
    seen = axis.elapsed(seen_w, seen_like)
    clock = scheduler.clock
    to_time = clock.from_axis

    def percentiles(values: np.ndarray, working: np.ndarray) -> Percentiles:
        # Order statistics of the simulated times: each percentile is a date some iteration
        # reached, never one between two working days.
        p = np.percentile(values, [50, 80, 95], method="inverted_cdf")
        mean = values[0] if values.min() == values.max() else axis.mean(working)
        return Percentiles(
            to_time(float(p[0])), to_time(float(p[1])), to_time(float(p[2])), to_time(mean)
        )

    milestones = {
        tid: percentiles(seen[:, w], seen_w[:, w]) for w, (tid, _, ms) in enumerate(watch_ids) if ms
    }
    deadlines: dict[str, float] = {}
    for w, (tid, _, _) in enumerate(watch_ids):
        task = project.tasks[layout.index[tid]]
        if task.deadline is not None:
            limit = clock.to_axis(task.deadline, "deadline")
            deadlines[tid] = round(float((seen[:, w] <= limit + 1e-6).mean()), 4)
    if project.deadline is not None:
        limit = clock.to_axis(project.deadline, "deadline")
        deadlines["project"] = round(float((finish <= limit + 1e-6).mean()), 4)
    share = critical / iterations
    criticality = {}
    drivers = []
    mean_x = sx / iterations
    var_x = np.maximum(sxx / iterations - mean_x**2, 0)
    mean_y = float(finish_w.mean())
    var_y = float(finish_w.var())
    cov = sxy / iterations - mean_x * mean_y
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where((var_x > 0) & (var_y > 0), cov / np.sqrt(var_x * var_y), 0.0)
    for i, task in enumerate(project.tasks):
        if task.id in layout.children:
            continue
        row = int(rank[layout.finish_node[i]])
        criticality[task.id] = round(float(share[row]), 4)
        # A task never on a critical path cannot drive the finish; its correlation is noise.
        if share[row] > 0 and corr[row] > 0.01:
            drivers.append((task.id, round(float(corr[row]), 4)))
    drivers.sort(key=lambda item: -item[1])
    counts, edges = np.histogram(finish_w, bins=bins)
    edges = axis.elapsed(edges, np.zeros(edges.shape[0], dtype=np.bool_))
    return Forecast(
        iterations=iterations,
        seed=seed,
        finish=percentiles(finish, finish_w),
        deterministic_finish=deterministic.finish,
        milestones=milestones,
        deadlines=deadlines,
        criticality=criticality,
        sensitivity=drivers[:10],
        histogram=([to_time(e) for e in edges[:-1]], counts.tolist()),
        quantiles=[
            to_time(float(v)) for v in np.percentile(finish, range(101), method="inverted_cdf")
        ],
        cost=None if cost_rates is None else _money(spend),
        cost_quantiles=None
        if cost_rates is None
        else [float(v) for v in np.percentile(spend, range(101))],
    )


def _money(spend: np.ndarray) -> Percentiles:
    p50, p80, p95 = (float(v) for v in np.percentile(spend, [50, 80, 95]))
    return Percentiles(p50, p80, p95, float(spend.mean()))


class _Axis:
    """The time axis the simulation runs on. With one calendar and no elapsed lags (the usual
    plan) every date converts to working minutes once, the passes run without calendar
    lookups, and results convert back exactly; otherwise the passes use the calendars."""

    def __init__(self, prep: Any, cal: Any, status: float) -> None:
        timed = cal.ptr.shape[0] > 1
        used = np.unique(prep.calendar) if prep.calendar.size else np.zeros(0)
        one = timed and used.size == 1 and not prep.succ_elapsed.any()
        self.flag_calendar = int(used[0]) if one else -1
        self.flag_tables = (cal.ptr, cal.starts, cal.ends, cal.cum)
        self.remaining = prep.remaining
        n = prep.duration.shape[0]
        self.bound_like = np.zeros((2, n), dtype=np.bool_)
        self.fixed_like = np.zeros((2, n), dtype=np.bool_)
        if not one:
            self.calendar = prep.calendar
            self.tables = self.flag_tables
            self.start_bound, self.finish_bound = prep.start_bound, prep.finish_bound
            self.start_limit, self.finish_limit = prep.start_limit, prep.finish_limit
            self.fixed_start, self.fixed_finish = prep.fixed_start, prep.fixed_finish
            self.status = status
            return
        c, tables = self.flag_calendar, self.flag_tables
        self.calendar = np.full(n, -1, dtype=prep.calendar.dtype)
        self.tables = (np.zeros(1, dtype=np.int64), np.zeros(0), np.zeros(0), np.zeros(0))

        def working(values: np.ndarray) -> np.ndarray:
            return rk.to_working(c, values.astype(np.float64), *tables)

        self.start_bound, self.finish_bound = working(prep.start_bound), working(prep.finish_bound)
        self.start_limit, self.finish_limit = working(prep.start_limit), working(prep.finish_limit)
        self.fixed_start, self.fixed_finish = working(prep.fixed_start), working(prep.fixed_finish)
        self.status = float(working(np.array([status]))[0]) if np.isfinite(status) else status
        self.bound_like[0] = rk.start_like(c, prep.start_bound, *tables)
        self.bound_like[1] = rk.start_like(c, prep.finish_bound, *tables)
        self.fixed_like[0] = rk.start_like(c, prep.fixed_start, *tables)
        self.fixed_like[1] = rk.start_like(c, prep.fixed_finish, *tables)

    def elapsed(self, values: np.ndarray, like: np.ndarray) -> np.ndarray:
        """Simulated times back on the project's elapsed axis."""
        if self.flag_calendar < 0:
            return values
        return rk.to_elapsed(self.flag_calendar, values, like, *self.flag_tables)

    def mean(self, working: np.ndarray) -> float:
        """The mean time (as a finish), averaged in working time where the passes ran so."""
        value = np.array([float(working.mean())])
        return float(self.elapsed(value, np.zeros(1, dtype=np.bool_))[0])
