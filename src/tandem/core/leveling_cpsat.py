"""Exact resource levelling with OR-Tools CP-SAT: interval variables, one cumulative
constraint per resource, the links as start-to-start lags; warm-started with a heuristic
schedule, it returns the best schedule found, the lower bound it proved and optimality."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tandem.core.leveling import Prepared


class Beside:
    """What the solver shares with a search running beside it in another thread: the best
    makespan either has found (``shared[0]``), a stop request (``shared[1]``), and a way to
    stop the solver."""

    def __init__(self, upper: int) -> None:
        self.shared = np.array([upper, 0], dtype=np.int64)
        self._solver: Any = None
        self._lock = threading.Lock()

    def attach(self, solver: Any) -> bool:
        """Let ``stop`` reach this solver; False when a stop came first."""
        with self._lock:
            self._solver = solver
            return self.shared[1] == 0

    def stop(self) -> None:
        with self._lock:
            self.shared[1] = 1
            if self._solver is not None:
                self._solver.stop_search()


def solve(
    prep: Prepared,
    hint: np.ndarray,
    time_limit: float,
    seed: int,
    workers: int,
    beside: Beside | None = None,
) -> tuple[np.ndarray, int, int, bool] | None:
    """(starts, makespan, lower bound, optimal), or None when no schedule was found."""
    from ortools.sat.python import cp_model

    inst = prep.inst
    n = inst.size
    upper = prep.span(hint)
    slack = upper - prep.bound  # every activity can move this far past its late start
    model = cp_model.CpModel()
    starts = []
    intervals = []
    for j in range(n):
        d = int(inst.duration[j])
        lo = int(max(prep.early_start[j], inst.release[j]))
        hi = int(prep.late_start[j] + slack)
        if inst.fixed[j] >= 0:
            lo = hi = int(inst.fixed[j])
        s = model.new_int_var(lo, max(lo, hi), f"s{j}")
        starts.append(s)
        intervals.append(model.new_fixed_size_interval_var(s, d, f"i{j}"))
        model.add_hint(s, int(hint[j]))
    for a, b, lag in zip(
        inst.link_from.tolist(), inst.link_to.tolist(), inst.lag.tolist(), strict=True
    ):
        model.add(starts[b] >= starts[a] + lag)
    for r in range(len(inst.capacity)):
        users = [j for j in range(n) if inst.demand[j, r] > 0 and inst.duration[j] > 0]
        if users:
            model.add_cumulative(
                [intervals[j] for j in users], [int(inst.demand[j, r]) for j in users],
                int(inst.capacity[r]),
            )  # fmt: skip
        # Redundant but strong: activities needing more than half the capacity exclude one
        # another, and a disjunctive constraint propagates that far better than cumulative.
        heavy = [j for j in users if 2 * inst.demand[j, r] > inst.capacity[r]]
        if len(heavy) > 1:
            model.add_no_overlap([intervals[j] for j in heavy])
    makespan = model.new_int_var(prep.bound, upper, "makespan")
    for j in range(n):
        model.add(makespan >= starts[j] + int(inst.duration[j]))
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    # Stronger scheduling propagation: it pays on the tight instances (PSPLIB j30 sets 13, 29).
    solver.parameters.use_timetable_edge_finding_in_cumulative = True
    solver.parameters.use_overload_checker_in_cumulative = True
    solver.parameters.use_hard_precedences_in_cumulative = True
    solver.parameters.exploit_all_precedences = True
    if beside is None:
        status = solver.solve(model)
    else:
        if not beside.attach(solver):
            return None
        shared = beside.shared

        class Publish(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                found = int(self.objective_value)
                if found < shared[0]:
                    shared[0] = found

        status = solver.solve(model, Publish())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    result = np.array([solver.value(s) for s in starts], dtype=np.int64)
    return (
        result,
        int(solver.value(makespan)),
        int(solver.best_objective_bound),
        status == cp_model.OPTIMAL,
    )
