"""Proven-optimal levelling of small classic projects by branch-and-bound
(``rcpsp_branch``), within a time limit; the heuristics and CP-SAT handle the rest."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from tandem.core import rcpsp_branch

if TYPE_CHECKING:
    from tandem.core.leveling import Prepared

MAX_ACTIVITIES = 63  # a set of started activities is one 64-bit word
# Where exhaustive search pays beside the solver: on PSPLIB's 30-activity sets it finds what
# CP-SAT misses; on the 60-activity sets it rarely proves anything and its thread slows the
# solver (0.45 % above the best known against 0.34 % without it, 48 j60 instances at 5 s).
RACE_ACTIVITIES = 40
STORE = 1_000_000  # closed nodes remembered for the cutset rule (at most 76 MB)


def applies(prep: Prepared, most: int = MAX_ACTIVITIES) -> bool:
    """True for the classic problem the search handles: finish-to-start links without lag,
    no releases, no fixed activities, at most ``most`` (and 63) activities."""
    inst = prep.inst
    return (
        0 < inst.size <= min(most, MAX_ACTIVITIES)
        and not prep.constrained
        and bool((inst.lag == inst.duration[inst.link_from]).all())
    )


def branch_and_bound(
    prep: Prepared,
    upper: int,
    time_limit: float,
    lower: int | None = None,
    shared: np.ndarray | None = None,
) -> tuple[np.ndarray | None, int, bool, int]:
    """(starts of a schedule shorter than ``upper`` or None, its makespan (else ``upper``),
    whether the makespan returned is proved optimal, nodes explored). The search stops at a
    schedule as short as ``lower`` (a proved bound; the critical path by default).
    ``shared`` links it to a search running beside it (see ``rcpsp_branch.search``): then
    a proof covers the makespans found there too."""
    inst = prep.inst
    n = inst.size
    pred_mask = np.zeros(n, np.uint64)
    for a, b in zip(inst.link_from.tolist(), inst.link_to.tolist(), strict=True):
        pred_mask[b] |= np.uint64(1) << np.uint64(a)
    tail = (prep.bound - prep.late_finish).astype(np.int64)
    finish, best, exhausted, nodes, _ = rcpsp_branch.search(
        inst.duration, pred_mask, tail, inst.demand, inst.capacity, int(upper),
        int(prep.bound if lower is None else lower), float(time_limit), STORE,
        np.array([upper, 0], np.int64) if shared is None else shared,
    )  # fmt: skip
    proved = bool(exhausted) or best <= (prep.bound if lower is None else lower)
    if best >= upper:
        return None, int(upper), proved, int(nodes)
    start = np.where(finish >= 0, finish - inst.duration, -1)
    # Zero-length activities after the last work (the project's end) start when their
    # predecessors finish.
    for j in prep._topological():
        if start[j] < 0:
            p = prep.pred_from[prep.pred_ptr[j] : prep.pred_ptr[j + 1]]
            start[j] = int((start[p] + inst.duration[p]).max()) if len(p) else 0
    return start.astype(np.int64), int(best), proved, int(nodes)


def race(
    prep: Prepared, start: np.ndarray, bound: int, time_limit: float, seed: int, workers: int
) -> tuple[np.ndarray, int, int, bool]:
    """Branch-and-bound in a second thread beside CP-SAT, each passing the other the best
    makespan found; the first to prove optimality stops the other. The two are strong on
    different instances (the search on PSPLIB's tightest 30-activity sets, the solver's
    neighbourhood search elsewhere) and the compiled search releases the interpreter lock.
    (starts, makespan, lower bound, optimal)."""
    from tandem.core.leveling_cpsat import Beside, solve

    span = prep.span(start)
    beside = Beside(span)
    outcome: list[tuple[np.ndarray | None, int, bool, int]] = []
    failure: list[BaseException] = []

    def search() -> None:
        try:
            outcome.append(
                branch_and_bound(prep, span, time_limit, lower=bound, shared=beside.shared)
            )
        except BaseException as error:  # handed to the caller's thread below
            failure.append(error)
            beside.stop()
            return
        if outcome[0][2]:
            beside.stop()

    thread = threading.Thread(target=search, name="branch-and-bound", daemon=True)
    thread.start()
    solved = solve(prep, start, time_limit, seed, workers, beside=beside)
    beside.shared[1] = 1  # the solver has finished: the search stops within a few nodes
    thread.join()
    if failure:
        raise failure[0]
    found, best, proved, _ = outcome[0]
    optimal = proved
    if found is not None:
        start, span = found, best
    if solved is not None:
        if solved[1] < span:
            start, span = solved[0], solved[1]
        bound = max(bound, solved[2])
        optimal = optimal or solved[3]
    if optimal:
        bound = span
    return start, span, min(bound, span), optimal
