"""Resource levelling: schedules that respect resource capacities as well as the links.

An ``Instance`` holds a project as arrays (integer periods). Two ways to level it:

- ``level_interactive``: priority-rule activity lists (latest finish, minimum slack, most total
  successors, greatest rank positional weight), decoded by the serial schedule generation
  scheme, a few biased random draws around the best rule, each improved by forward-backward
  justification. Milliseconds, for every edit.
- ``level_best``: a genetic algorithm over activity lists with justification (Hartmann;
  Valls et al.), then OR-Tools CP-SAT (interval variables, cumulative constraints) warm-started
  with the best schedule, within a time limit; for small projects with plain finish-to-start
  links, an exact branch-and-bound (Demeulemeester & Herroelen) runs beside the solver.
  Reports the makespan, the lower bound proved and whether the result is optimal.

Every link type reduces to a start-to-start minimum lag: FS lag l: S_b >= S_a + d_a + l;
SS: S_b >= S_a + l; FF: S_b >= S_a + d_a + l - d_b; SF: S_b >= S_a + l - d_b.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tandem.core import rcpsp_kernels as k
from tandem.core.cpm import LinkType, Network, PreparedNetwork
from tandem.core.network import LagFormat, ProjectSpec
from tandem.errors import Invalid

Ints = Sequence[int] | np.ndarray
MAX_EXACT_DESCENDANTS = 20_000  # bit sets of n^2 / 8 bytes: 50 MB at this size
RULES = ("LFT", "MSLK", "MTS", "GRPW")


@dataclass(frozen=True)
class Instance:
    """A resource-constrained project: integer durations, links as start-to-start lags,
    renewable resources with capacities, demands per activity."""

    ids: list[str]
    duration: np.ndarray  # int64 (n,)
    link_from: np.ndarray  # int64 (m,)
    link_to: np.ndarray
    lag: np.ndarray  # start-to-start minimum lag, int64 (m,)
    demand: np.ndarray  # int64 (n, K)
    capacity: np.ndarray  # int64 (K,)
    resources: list[str]
    release: np.ndarray  # int64 (n,): earliest start of each activity (status date)
    fixed: np.ndarray  # int64 (n,): the start of an activity that must not move, else -1
    priority: np.ndarray  # int64 (n,): 0-1000, higher levels first (MS Project's rule); 500

    @classmethod
    def create(
        cls,
        ids: Sequence[str],
        duration: Ints,
        links: Sequence[tuple[int, int, LinkType | int, int]],
        demand: np.ndarray,
        capacity: Ints,
        resources: Sequence[str] | None = None,
        release: Ints | None = None,
        fixed: Ints | None = None,
        priority: Ints | None = None,
    ) -> Instance:
        """From links (from, to, type, lag); refuses demand above capacity and bad sizes."""
        n = len(ids)
        d = np.asarray(duration, dtype=np.int64)
        if d.shape != (n,) or (n and d.min() < 0):
            raise Invalid("Durations are whole periods, one per activity, never negative.")
        demand = (
            np.asarray(demand, dtype=np.int64).reshape(n, -1)
            if n
            else np.zeros((0, len(capacity)), np.int64)
        )
        cap = np.asarray(capacity, dtype=np.int64)
        if demand.shape[1] != cap.shape[0]:
            raise Invalid("Give one demand per resource for every activity.")
        over = np.argwhere(demand > cap[None, :])
        if len(over):
            j, r = over[0]
            names = list(resources) if resources else [f"R{i + 1}" for i in range(len(cap))]
            raise Invalid(
                f"Activity {ids[j]} needs {demand[j, r]} of {names[r]}, which has only {cap[r]}: "
                "no schedule can give it that.",
                field="resources",
            )
        frm = np.array([a for a, _, _, _ in links], dtype=np.int64)
        to = np.array([b for _, b, _, _ in links], dtype=np.int64)
        kind = np.array([int(t) for _, _, t, _ in links], dtype=np.int64)
        raw = np.array([lag for _, _, _, lag in links], dtype=np.int64)
        ss = raw.copy()
        if len(links):
            ss += np.where((kind == LinkType.FS) | (kind == LinkType.FF), d[frm], 0)
            ss -= np.where((kind == LinkType.FF) | (kind == LinkType.SF), d[to], 0)
        names = list(resources) if resources else [f"R{i + 1}" for i in range(len(cap))]
        return cls(
            ids=list(ids), duration=d, link_from=frm, link_to=to, lag=ss, demand=demand,
            capacity=cap, resources=names,
            release=np.zeros(n, np.int64) if release is None else np.asarray(release, np.int64),
            fixed=np.full(n, -1, np.int64) if fixed is None else np.asarray(fixed, np.int64),
            priority=np.full(n, 500, np.int64)
            if priority is None
            else np.asarray(priority, np.int64),
        )  # fmt: skip

    @property
    def size(self) -> int:
        return len(self.ids)


class Prepared:
    """An instance with its adjacency, cycle check, priorities and bounds computed once."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        n = inst.size
        # Cycles and the resource-free schedule come from the critical-path core.
        network = Network.create(
            inst.duration.astype(np.float64), inst.link_from.astype(np.int32),
            inst.link_to.astype(np.int32), np.full(len(inst.lag), int(LinkType.SS), np.int8),
            inst.lag.astype(np.float64),
        )  # fmt: skip
        network.start_bound[:] = inst.release
        pinned = inst.fixed >= 0
        network.fixed_start[pinned] = inst.fixed[pinned]  # fixed work stays where it is
        cpm = PreparedNetwork(network, inst.ids).schedule()  # refuses cycles, naming them
        self.early_start = np.round(cpm.early_start).astype(np.int64)
        self.late_start = np.round(cpm.late_start).astype(np.int64)
        self.late_finish = np.round(cpm.late_finish).astype(np.int64)
        self.bound = round(cpm.project_finish) if n else 0  # the critical-path lower bound
        order = np.argsort(inst.link_from, kind="stable")
        self.succ_to = inst.link_to[order]
        self.succ_lag = inst.lag[order]
        self.succ_ptr = np.zeros(n + 1, np.int64)
        np.add.at(self.succ_ptr, inst.link_from + 1, 1)
        self.succ_ptr = np.cumsum(self.succ_ptr)
        order = np.argsort(inst.link_to, kind="stable")
        self.pred_from = inst.link_from[order]
        lag = inst.lag[order]
        self.pred_lag = lag
        self.pred_ptr = np.zeros(n + 1, np.int64)
        np.add.at(self.pred_ptr, inst.link_to + 1, 1)
        self.pred_ptr = np.cumsum(self.pred_ptr)
        # Lags of the reversed network (for backward passes), along the predecessor adjacency.
        to_sorted = inst.link_to[order]
        self.back_lag = lag + inst.duration[to_sorted] - inst.duration[self.pred_from]
        self.horizon = int(
            inst.duration.sum()
            + np.maximum(inst.lag, 0).sum()
            + max(inst.release.max(initial=0), inst.fixed.max(initial=0))
            + 2
        )
        self._reach: tuple[np.ndarray, np.ndarray] | None = None
        self.keys = {rule: self._priority(rule) for rule in RULES}

    def _priority(self, rule: str) -> np.ndarray:
        """Lower is better. A task's own priority (0-1000) comes first, then the rule."""
        keys = self._rule(rule)
        spread = float(np.abs(keys).max(initial=0.0)) * 2 + 1
        return keys + (1000 - self.inst.priority) * spread

    def _rule(self, rule: str) -> np.ndarray:
        inst = self.inst
        if rule == "LFT":
            return self.late_finish.astype(np.float64)
        if rule == "MSLK":
            return (self.late_start - self.early_start).astype(np.float64)
        successors = self._descendants()
        if rule == "MTS":
            return -successors[0].astype(np.float64)
        return -(inst.duration + successors[1]).astype(np.float64)  # GRPW

    def _descendants(self) -> tuple[np.ndarray, np.ndarray]:
        """Count and total duration of every activity's (transitive) successors."""
        if self._reach is None:
            n = self.inst.size
            if n <= MAX_EXACT_DESCENDANTS:
                topological = np.array(self._topological(), dtype=np.int64)
                self._reach = k.descendants(
                    topological, self.succ_ptr, self.succ_to, self.inst.duration
                )
            else:
                # Too many for bit sets: count direct successors only (a coarser rule).
                direct = np.diff(self.succ_ptr).astype(np.int64)
                weight = np.zeros(n, np.int64)
                np.add.at(weight, np.repeat(np.arange(n), direct), self.inst.duration[self.succ_to])
                self._reach = (direct, weight)
        return self._reach

    def _topological(self) -> list[int]:
        keys = np.zeros(self.inst.size)
        return list(k.order_by(keys, self.pred_ptr, self.pred_from, self.succ_ptr, self.succ_to))

    # -- decoding ------------------------------------------------------------------------------

    @property
    def constrained(self) -> bool:
        """True when releases or fixed activities rule out the justification moves."""
        return bool(self.inst.release.any() or (self.inst.fixed >= 0).any())

    def decode(self, order: np.ndarray) -> np.ndarray:
        """Starts from an activity list by the serial scheme (honouring releases and fixed
        activities)."""
        inst = self.inst
        if (inst.fixed >= 0).any():
            return k.serial_sgs_fixed(
                order, inst.duration, self.succ_ptr, self.succ_to, self.succ_lag, inst.release,
                inst.fixed, inst.demand, inst.capacity, self.horizon,
            )  # fmt: skip
        return k.serial_sgs(
            order, inst.duration, self.succ_ptr, self.succ_to, self.succ_lag, inst.release,
            inst.demand, inst.capacity, self.horizon,
        )  # fmt: skip

    def parallel(self, rule: str) -> np.ndarray:
        """Starts by the parallel scheme with a priority rule."""
        inst = self.inst
        return k.parallel_sgs(
            self.keys[rule], inst.duration, self.pred_ptr, self.pred_from,
            self.pred_lag, self.succ_ptr, self.succ_to, self.succ_lag, inst.release,
            inst.demand, inst.capacity, self.horizon,
        )  # fmt: skip

    def justify(self, start: np.ndarray) -> np.ndarray:
        inst = self.inst
        if self.constrained:
            return start  # justification would move work before its release or fixed start
        return k.justify(
            start, inst.duration, self.pred_ptr, self.pred_from, self.back_lag, self.succ_ptr,
            self.succ_to, self.succ_lag, inst.demand, inst.capacity, self.horizon,
        )  # fmt: skip

    def span(self, start: np.ndarray) -> int:
        return int(k.makespan(start, self.inst.duration)) if self.inst.size else 0


@dataclass(frozen=True)
class Levelled:
    """A levelled schedule with what is known about its quality."""

    start: np.ndarray
    makespan: int
    lower_bound: int
    optimal: bool
    schedules: int
    method: str


def level_interactive(
    inst: Instance, rounds: int = 40, seed: int = 1, time_budget: float = 0.65
) -> Levelled:
    """Fast levelling: every priority rule with the serial scheme, then biased sampling
    around the best rule, all justified. For 120 activities a few milliseconds.

    Sampling gets the ``rounds`` that fit in ``time_budget`` seconds as measured on the
    rules: all of them for projects of hundreds of tasks, fewer or none for tens of
    thousands, so an interactive answer stays under a second (the budget leaves room for a
    last rule or round that runs over it)."""
    started = time.perf_counter()
    prep = Prepared(inst)
    if inst.size == 0:
        return Levelled(np.zeros(0, np.int64), 0, 0, True, 0, "empty")
    best: np.ndarray | None = None
    best_span, best_rule, count = 1 << 62, "LFT", 0
    ruled = time.perf_counter()
    for done, rule in enumerate(RULES):
        order = k.order_by(
            prep.keys[rule], prep.pred_ptr, prep.pred_from, prep.succ_ptr, prep.succ_to
        )
        start = prep.justify(prep.decode(order))
        count += 3
        span = prep.span(start)
        if span < best_span:
            best, best_span, best_rule = start, span, rule
        # Huge projects: the rules in order of merit (LFT first) as long as time allows.
        per_rule = (time.perf_counter() - ruled) / (done + 1)
        if time.perf_counter() + per_rule > started + time_budget:
            break
    elapsed = time.perf_counter() - started
    per_round = per_rule  # a sampled, justified round costs what a rule costs
    if per_round > 0 and elapsed + rounds * per_round > time_budget:
        rounds = max(0, int((time_budget - elapsed) / per_round))
    if rounds and not prep.constrained:
        sampled, generated = k.sample(
            prep.keys[best_rule], 1.0, rounds, seed, inst.duration, prep.pred_ptr,
            prep.pred_from, prep.back_lag, prep.succ_ptr, prep.succ_to, prep.succ_lag,
            inst.demand, inst.capacity, prep.horizon, True,
        )  # fmt: skip
        count += int(generated)
        if sampled.min() >= 0 and prep.span(sampled) < best_span:
            best, best_span = sampled, prep.span(sampled)
    assert best is not None
    return Levelled(
        best, int(best_span), prep.bound, best_span == prep.bound, count, f"sampling ({best_rule})"
    )


def level_best(
    inst: Instance,
    time_limit: float = 10.0,
    seed: int = 1,
    schedules: int = 1000,
    workers: int = 2,
    use_solver: bool = True,
) -> Levelled:
    """Near-optimal levelling within ``time_limit`` seconds.

    A genetic algorithm (``schedules`` schedules) gives CP-SAT a warm start for a quarter of
    the time; an instance it cannot close gets a longer genetic search seeded with the
    solver's schedule, then the solver again from the best schedule for the time left.
    Small classic projects (``leveling_exact``) instead get branch-and-bound beside the
    solver, in a second thread, for all the time after the genetic algorithm.
    """
    started = time.perf_counter()
    deadline = started + time_limit - 0.25  # room to build the solver's model and answer
    prep = Prepared(inst)
    if inst.size == 0:
        return Levelled(np.zeros(0, np.int64), 0, 0, True, 0, "empty")
    from tandem.core.leveling_search import genetic

    start, count = genetic(prep, schedules, seed, deadline=started + time_limit * 0.2)
    span = prep.span(start)
    if span == prep.bound or not use_solver:
        return Levelled(start, span, prep.bound, span == prep.bound, count, "genetic")
    from tandem.core import leveling_exact
    from tandem.core.leveling_cpsat import solve

    if leveling_exact.applies(prep, most=leveling_exact.RACE_ACTIVITIES):
        # Small classic projects: branch-and-bound beside the solver for all the time left.
        start, span, bound, optimal = leveling_exact.race(
            prep, start, prep.bound, max(0.1, deadline - time.perf_counter()), seed, workers
        )
        method = "branch-and-bound beside CP-SAT"
        return Levelled(start, span, bound, optimal, count, method)
    bound = prep.bound
    solved = solve(prep, start, max(0.1, time_limit * 0.25), seed, workers)
    if solved is not None:
        if solved[3]:
            return Levelled(solved[0], solved[1], solved[1], True, count, "genetic + CP-SAT")
        bound = max(bound, solved[2])
        if solved[1] < span:
            start, span = solved[0], solved[1]
    method = "genetic + CP-SAT"
    # Not closed: search longer around the best schedule, then let the solver finish.
    search_until = started + time_limit * 0.7
    if time.perf_counter() < search_until and span > bound:
        found, more = genetic(prep, 10**9, seed + 1, deadline=search_until, seeds=[start])
        count += more
        if prep.span(found) < span:
            start, span = found, prep.span(found)
    remaining = deadline - time.perf_counter()
    if span > bound and remaining > 0.1:
        solved = solve(prep, start, remaining, seed + 2, workers)
        if solved is not None:
            bound = max(bound, solved[2])
            if solved[1] <= span:
                start, span = solved[0], solved[1]
            if solved[3]:
                bound = span
    return Levelled(start, span, min(bound, span), span == bound, count, method)


def instance_of(project: ProjectSpec) -> Instance:
    """A plain-units project (such as a PSPLIB instance) as a levelling instance.

    Summary tasks are not supported here: level their tasks.
    """
    index = {task.id: i for i, task in enumerate(project.tasks)}
    if any(task.parent is not None for task in project.tasks):
        raise Invalid("Level a project's tasks; summary tasks have no resources of their own.")
    names = [r.id for r in project.resources]
    demand = np.zeros((len(project.tasks), len(names)), dtype=np.int64)
    for i, task in enumerate(project.tasks):
        for resource, units in task.resources.items():
            if resource not in names:
                raise Invalid(
                    f"Task {task.id} uses the unknown resource '{resource}'.", field="resources"
                )
            demand[i, names.index(resource)] = round(units)
    durations = [round(task.duration) for task in project.tasks]
    links = []
    for link in project.links:
        if link.pred not in index or link.succ not in index:
            raise Invalid(
                f"The link {link.pred} → {link.succ} names an unknown task.", field="links"
            )
        lag = (
            link.lag
            if link.lag_format is not LagFormat.PERCENT
            else link.lag / 100 * durations[index[link.pred]]
        )
        links.append((index[link.pred], index[link.succ], link.type, round(lag)))
    return Instance.create(
        [task.id for task in project.tasks], durations, links, demand,
        [round(r.capacity) for r in project.resources], names,
    )  # fmt: skip
