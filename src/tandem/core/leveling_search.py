"""A genetic algorithm over activity lists for resource levelling (Hartmann 1998), with every
child improved by forward-backward justification (Valls et al. 2005) and its list rewritten in
the order of the improved schedule, so good structure is inherited."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from tandem.core import rcpsp_kernels as k

if TYPE_CHECKING:
    from tandem.core.leveling import Prepared

POPULATION = 30
MUTATION = 0.05


def _list_of(prep: Prepared, start: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The activity list of a schedule: by start, ties in topological order (always feasible)."""
    keys = start.astype(np.float64) + rank / (len(rank) + 1.0)
    return k.order_by(keys, prep.pred_ptr, prep.pred_from, prep.succ_ptr, prep.succ_to)


def _evaluate(
    prep: Prepared, order: np.ndarray, rank: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray, int]:
    """(makespan, starts, improved list, schedules generated) of an activity list."""
    start = prep.decode(order)
    if start.min() < 0:
        return 1 << 60, start, order, 1
    better = prep.justify(start)
    return prep.span(better), better, _list_of(prep, better, rank), 3


def _crossover(mother: np.ndarray, father: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two-point crossover: mother's head, father's middle, mother's tail, each taking the
    activities not yet placed in its own order (keeps precedence feasibility)."""
    n = len(mother)
    q1, q2 = sorted(rng.integers(0, n + 1, 2))
    child = np.empty(n, dtype=np.int64)
    taken = np.zeros(n, dtype=bool)
    child[:q1] = mother[:q1]
    taken[mother[:q1]] = True
    fill = q1
    for j in father:
        if fill >= q2:
            break
        if not taken[j]:
            child[fill] = j
            taken[j] = True
            fill += 1
    for j in mother:
        if not taken[j]:
            child[fill] = j
            taken[j] = True
            fill += 1
    return child


def _mutate(order: np.ndarray, linked: set[tuple[int, int]], rng: np.random.Generator) -> None:
    """Swap neighbours that are not linked, each with a small probability."""
    for i in np.flatnonzero(rng.random(len(order) - 1) < MUTATION):
        a, b = int(order[i]), int(order[i + 1])
        if (a, b) not in linked:
            order[i], order[i + 1] = b, a


def genetic(
    prep: Prepared,
    budget: int,
    seed: int,
    deadline: float,
    seeds: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, int]:
    """The best starts found with at most ``budget`` schedules (or until ``deadline``);
    ``seeds`` are schedules to start the population from (for instance the solver's)."""
    rng = np.random.default_rng(seed)
    inst = prep.inst
    rank = np.empty(inst.size, dtype=np.float64)
    rank[prep._topological()] = np.arange(inst.size)
    linked = set(zip(inst.link_from.tolist(), inst.link_to.tolist(), strict=True))
    generated = 0
    population: list[tuple[int, np.ndarray, np.ndarray]] = []
    for start in seeds or []:
        if start.min() >= 0:
            population.append((prep.span(start), start, _list_of(prep, start, rank)))
    # Seed with each priority rule's list, then biased random draws around the best rule.
    for rule in ("LFT", "MSLK", "MTS", "GRPW"):
        order = k.order_by(
            prep.keys[rule], prep.pred_ptr, prep.pred_from, prep.succ_ptr, prep.succ_to
        )
        span, start, order, used = _evaluate(prep, order, rank)
        generated += used
        population.append((span, start, order))
    ruled = population[-4:]
    best_rule = min(range(4), key=lambda i: ruled[i][0])
    keys = prep.keys[("LFT", "MSLK", "MTS", "GRPW")[best_rule]]
    k.seed(int(rng.integers(0, 2**31 - 1)))  # compiled code has its own generator
    while len(population) < POPULATION and generated + 3 <= budget:
        order = k.draw_order(keys, 1.0, prep.pred_ptr, prep.succ_ptr, prep.succ_to, False)
        span, start, order, used = _evaluate(prep, order, rank)
        generated += used
        population.append((span, start, order))
    population.sort(key=lambda item: item[0])
    while generated + 3 <= budget and time.perf_counter() < deadline:
        if population[0][0] <= prep.bound:
            break
        children = []
        for _ in range(max(2, len(population) // 2)):
            if generated + 3 > budget:
                break
            # Tournament of two for each parent: good parents, some diversity.
            a, b = (min(rng.integers(0, len(population), 2)) for _ in range(2))
            child = _crossover(population[a][2], population[b][2], rng)
            _mutate(child, linked, rng)
            span, start, order, used = _evaluate(prep, child, rank)
            generated += used
            children.append((span, start, order))
        population = sorted(population + children, key=lambda item: item[0])[:POPULATION]
    return population[0][1], generated
