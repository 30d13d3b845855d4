"""Interactive levelling of a 10,000-task project: under a second (issue 6).

Run: .venv/bin/python benchmarks/leveling_large.py [--tasks N]

The project: random links to up to three of the previous 60 tasks, durations of 1-10 days,
twenty people (capacity 1 or 2) with each task needing one of them, so most of the work
queues for its person. Baseline in the same run: one serial schedule with the latest-finish
rule written plainly in Python (lists, no numpy); tandem's interactive levelling runs four
rules, each schedule justified forward and backward, plus sampling if time allows.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tandem.core.leveling import Instance, Prepared, level_interactive
from tandem.core.rcpsp_check import violations


def instance(n: int, seed: int = 3) -> Instance:
    rng = np.random.default_rng(seed)
    duration = rng.integers(1, 11, n)
    links = []
    for j in range(1, n):
        for i in set(rng.integers(max(0, j - 60), j, rng.integers(0, 4)).tolist()):
            links.append((int(i), j, 0, 0))
    people = 20
    demand = np.zeros((n, people), dtype=np.int64)
    demand[np.arange(n), rng.integers(0, people, n)] = 1
    capacity = rng.integers(1, 3, people)
    return Instance.create([str(i) for i in range(n)], duration, links, demand, capacity)


def plain_serial(inst: Instance, prep: Prepared) -> int:
    """One serial schedule in plain Python (the baseline): returns the makespan."""
    n = inst.size
    duration = inst.duration.tolist()
    need = [[(k, int(inst.demand[j, k])) for k in np.flatnonzero(inst.demand[j])] for j in range(n)]
    capacity = inst.capacity.tolist()
    succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    preds = [0] * n
    for a, b, lag in zip(
        inst.link_from.tolist(), inst.link_to.tolist(), inst.lag.tolist(), strict=True
    ):
        succ[a].append((b, lag))
        preds[b] += 1
    key = prep.late_finish.tolist()
    usage: dict[tuple[int, int], int] = {}
    earliest = [0] * n
    eligible = [j for j in range(n) if preds[j] == 0]
    end = 0
    while eligible:
        j = min(eligible, key=lambda e: (key[e], e))
        eligible.remove(j)
        t = earliest[j]
        while any(
            usage.get((k, u), 0) + amount > capacity[k]
            for k, amount in need[j]
            for u in range(t, t + duration[j])
        ):
            t += 1
        for k, amount in need[j]:
            for u in range(t, t + duration[j]):
                usage[(k, u)] = usage.get((k, u), 0) + amount
        end = max(end, t + duration[j])
        for s, lag in succ[j]:
            earliest[s] = max(earliest[s], t + lag)
            preds[s] -= 1
            if preds[s] == 0:
                eligible.append(s)
    return end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    level_interactive(instance(200))  # compile (cached on disk after the first run)
    inst = instance(args.tasks)
    started = time.perf_counter()
    result = level_interactive(inst)
    seconds = time.perf_counter() - started
    problems = violations(
        result.start, inst.duration, inst.link_from, inst.link_to, inst.lag, inst.demand,
        inst.capacity,
    )  # fmt: skip
    assert not problems, problems[:3]
    started = time.perf_counter()
    baseline_span = plain_serial(inst, Prepared(inst))
    baseline = time.perf_counter() - started
    print(
        f"{args.tasks:,} tasks, {len(inst.link_from):,} links, {len(inst.capacity)} people: "
        f"levelled in {seconds:.2f} s (target < 1 s: {'met' if seconds < 1 else 'MISSED'}), "
        f"makespan {result.makespan} (critical-path bound {result.lower_bound}), "
        f"{result.schedules} schedules, feasible"
    )
    print(
        f"  baseline, one latest-finish serial schedule in plain Python: {baseline:.1f} s, "
        f"makespan {baseline_span} -> {baseline / seconds:.0f}x"
    )


if __name__ == "__main__":
    main()
