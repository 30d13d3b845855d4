"""Monte Carlo forecast speed: 10,000 iterations of a 1,000-task and of a 10,000-task project.

Run: .venv/bin/python benchmarks/risk.py [--iterations N] [--baseline-iterations B]

Each project is dated on the standard calendar (8-12, 13-17, Monday to Friday) with links of
all four types, lags, milestones and three-point estimates (half triangular, half PERT). The
baseline is the plain way to write it: a Python loop over iterations that samples durations
with numpy and runs the same critical-path core (both passes and the floats) once per
iteration. It runs ``B`` iterations in the same process and is scaled to the full count.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import datetime

import numpy as np

from tandem.core.calendar import WorkCalendar
from tandem.core.cpm import LinkType
from tandem.core.network import LinkSpec, ProjectScheduler, ProjectSpec, TaskSpec
from tandem.core.risk import forecast

TARGETS = {1_000: 1.0, 10_000: 10.0}  # seconds for 10,000 iterations (the figures)
START = datetime(2027, 1, 4, 8, 0)


def project(n: int, seed: int = 5) -> ProjectSpec:
    """A random acyclic plan: about 1.5 links per task to a task up to 50 later."""
    rng = np.random.default_rng(seed)
    tasks = []
    for i in range(n):
        most = float(rng.integers(0, 10) * 240)  # half days; about 10 % milestones
        if most == 0:
            tasks.append(TaskSpec(f"t{i}", 0.0))
            continue
        low = most * float(rng.uniform(0.6, 1.0))
        high = most * float(rng.uniform(1.1, 2.5))
        tasks.append(
            TaskSpec(
                f"t{i}",
                most,
                optimistic=round(low),
                most_likely=most,
                pessimistic=round(high),
                distribution="pert" if i % 2 else "triangular",
            )
        )
    links = []
    seen = set()
    for _ in range(int(n * 1.5)):
        a = int(rng.integers(0, n - 1))
        b = min(a + int(rng.integers(1, 50)), n - 1)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        kind = LinkType(int(rng.choice(4, p=[0.85, 0.07, 0.06, 0.02])))
        lag = float(rng.choice([0, 0, 0, 60, -60, 480]))
        links.append(LinkSpec(f"t{a}", f"t{b}", type=kind, lag=lag))
    return ProjectSpec(tasks=tasks, links=links, start=START, calendar=WorkCalendar())


def per_iteration_loop(spec: ProjectSpec, iterations: int, seed: int = 0) -> float:
    """The baseline: sample, reschedule with the core, record the finish, one at a time.
    Returns seconds per iteration."""
    rng = np.random.default_rng(seed)
    scheduler = ProjectScheduler(spec)
    scheduler.schedule()
    rows = [i for i, t in enumerate(spec.tasks) if t.optimistic is not None]
    low = np.array([spec.tasks[i].optimistic for i in rows], dtype=float)
    mode = np.array([spec.tasks[i].most_likely for i in rows], dtype=float)
    high = np.array([spec.tasks[i].pessimistic for i in rows], dtype=float)
    ids = [spec.tasks[i].id for i in rows]
    finishes, critical = [], np.zeros(len(spec.tasks))
    started = time.perf_counter()
    for _ in range(iterations):
        draws = rng.triangular(low, mode, high)
        for task_id, value in zip(ids, draws, strict=True):
            scheduler.set_duration(task_id, float(value))
        result = scheduler.schedule()
        finishes.append(result.finish)
        critical += result.critical
    elapsed = time.perf_counter() - started
    assert len(finishes) == iterations and critical.max() <= iterations
    return elapsed / iterations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--baseline-iterations", type=int, default=20)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.iterations:,} iterations per forecast")
    forecast(project(50), iterations=100)  # compile (cached on disk after the first run)
    for n in (int(size) for size in args.sizes.split(",")):
        spec = project(n)
        started = time.perf_counter()
        result = forecast(spec, iterations=args.iterations, seed=1)
        seconds = time.perf_counter() - started
        again = forecast(spec, iterations=args.iterations, seed=1)
        baseline = per_iteration_loop(spec, args.baseline_iterations) * args.iterations
        target = TARGETS.get(n)
        verdict = (
            ""
            if target is None
            else f" (target < {target:g} s: {'met' if seconds < target else 'MISSED'})"
        )
        print(
            f"{n:,} tasks, {len(spec.links):,} links: {seconds:.2f} s{verdict}; "
            f"P50 {result.finish.p50:%Y-%m-%d %H:%M}, P80 {result.finish.p80:%Y-%m-%d %H:%M}, "
            f"P95 {result.finish.p95:%Y-%m-%d %H:%M} "
            f"(deterministic {result.deterministic_finish:%Y-%m-%d %H:%M}); "
            f"same seed again identical: {again == result}"
        )
        print(
            f"  baseline per-iteration loop over the core: {baseline:.1f} s for "
            f"{args.iterations:,} (from {args.baseline_iterations} timed) "
            f"-> {baseline / seconds:.0f}x"
        )


if __name__ == "__main__":
    main()
