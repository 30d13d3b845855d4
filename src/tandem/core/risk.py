"""Monte Carlo forecasts: each task's three-point estimate (triangular or PERT-beta) sampled
many times and run through the project network with its links, constraints and calendars.

Reports P50/P80/P95 and mean finish for the project and every milestone, the probability of
meeting each deadline, each task's criticality index (the share of iterations in which it is
on a critical path) and the tasks that drive the spread most (the correlation of their
duration with the finish). Sampling is vectorised over iterations and reproducible with a
seed; the passes are the critical-path core's, so fixed estimates give its dates exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tandem.core import risk_kernels as rk
from tandem.core.network import ProjectScheduler, ProjectSpec, TaskSpec
from tandem.errors import Invalid

DISTRIBUTIONS = ("triangular", "pert")
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
    project: ProjectSpec, iterations: int = 10_000, seed: int = 0, bins: int = 40
) -> Forecast:
    """Simulate the project ``iterations`` times."""
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
        low[node], mode[node], high[node], kind = _estimate(task)
        pert[node] = kind == 1
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
    cal = net.calendars
    finish, seen, critical, sx, sxx, sxy = rk.simulate(
        seed,
        iterations,
        CHUNKS,
        low,
        mode,
        high,
        kind,
        which,
        tables,
        prep.duration,
        prep.remaining,
        prep.succ_ptr,
        prep.succ_to,
        prep.succ_type,
        prep.succ_lag,
        prep.succ_elapsed,
        prep.calendar,
        prep.start_bound,
        prep.finish_bound,
        prep.fixed_start,
        prep.fixed_finish,
        net.status,
        cal.ptr,
        cal.starts,
        cal.ends,
        cal.cum,
        watch,
    )
    clock = scheduler.clock
    to_time = clock.from_axis

    def percentiles(values: np.ndarray) -> Percentiles:
        p = np.percentile(values, [50, 80, 95])
        return Percentiles(
            to_time(p[0]), to_time(p[1]), to_time(p[2]), to_time(float(values.mean()))
        )

    milestones = {tid: percentiles(seen[:, w]) for w, (tid, _, ms) in enumerate(watch_ids) if ms}
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
    mean_y = float(finish.mean())
    var_y = float(finish.var())
    cov = sxy / iterations - mean_x * mean_y
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where((var_x > 0) & (var_y > 0), cov / np.sqrt(var_x * var_y), 0.0)
    for i, task in enumerate(project.tasks):
        if task.id in layout.children:
            continue
        q = int(rank[layout.start_node[i]])
        criticality[task.id] = round(float(share[q]), 4)
        if corr[q] > 0.01:
            drivers.append((task.id, round(float(corr[q]), 4)))
    drivers.sort(key=lambda item: -item[1])
    counts, edges = np.histogram(finish, bins=bins)
    return Forecast(
        iterations=iterations,
        seed=seed,
        finish=percentiles(finish),
        deterministic_finish=deterministic.finish,
        milestones=milestones,
        deadlines=deadlines,
        criticality=criticality,
        sensitivity=drivers[:10],
        histogram=([to_time(e) for e in edges[:-1]], counts.tolist()),
    )
