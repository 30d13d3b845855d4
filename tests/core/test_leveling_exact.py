"""Exact levelling by branch-and-bound: the optimum it proves matches brute force on small
instances and the published optimum on PSPLIB, every schedule passes the independent
checker, and a bound passed in from a search beside it is honoured."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from tandem.core.cpm import LinkType
from tandem.core.leveling import Instance, Prepared, instance_of, level_best
from tandem.core.leveling_exact import RACE_ACTIVITIES, applies, branch_and_bound
from tandem.interop.psplib import read_psplib
from tests.core.test_leveling import brute_force, feasible, instances
from tests.shared_data import PSPLIB


def published_optimum(name: str) -> int:
    """The proven optimum of a j30 instance from PSPLIB's table (set, instance, makespan)."""
    group, number = name.removeprefix("j30").split("_")
    for line in (PSPLIB / "solutions" / "j30opt.sm").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[:2] == [group, number]:
            return int(parts[2])
    raise AssertionError(f"{name} is not in the table")


def psplib(name: str) -> Instance:
    return instance_of(read_psplib((PSPLIB / "j30" / f"{name}.sm").read_text()))


@settings(max_examples=80, deadline=None)
@given(instances(kinds=(LinkType.FS,), lags=(0, 0)))
def test_the_proved_optimum_is_the_brute_force_optimum(inst: Instance) -> None:
    prep = Prepared(inst)
    assert applies(prep)
    upper = int(inst.duration.sum()) + 1  # above every schedule without idle time
    start, span, proved, _ = branch_and_bound(prep, upper, time_limit=30)
    assert start is not None
    assert feasible(inst, start)
    assert prep.span(start) == span
    assert (span, proved) == (brute_force(inst), True)


def test_a_tight_psplib_instance_is_solved_and_proved_at_its_published_optimum() -> None:
    # j3029_9: four resources at 20 % strength; CP-SAT needs seconds to close it.
    inst = psplib("j3029_9")
    prep = Prepared(inst)
    upper = prep.span(prep.decode(np.argsort(prep.keys["LFT"], kind="stable")))
    start, span, proved, nodes = branch_and_bound(prep, upper, time_limit=60)
    assert start is not None and feasible(inst, start)
    assert (span, proved) == (published_optimum("j3029_9"), True)
    assert nodes > 1


def test_a_makespan_found_beside_the_search_cuts_it_and_counts_in_its_proof() -> None:
    inst = psplib("j3029_9")
    prep = Prepared(inst)
    optimum = published_optimum("j3029_9")
    shared = np.array([optimum, 0], dtype=np.int64)  # as if CP-SAT had found the optimum
    start, span, proved, _ = branch_and_bound(prep, optimum + 10, 60, shared=shared)
    assert start is None  # nothing shorter than what was found beside it
    assert proved
    assert span == optimum + 10


def test_a_stop_request_ends_the_search_without_a_proof() -> None:
    inst = psplib("j3013_1")  # hours for the 1995 search; seconds here, not zero
    prep = Prepared(inst)
    shared = np.array([10**6, 1], dtype=np.int64)
    _, _, proved, nodes = branch_and_bound(prep, 10**6, 60, shared=shared)
    assert not proved
    assert nodes <= 256


def test_only_classic_small_projects_are_taken() -> None:
    demand = np.array([[1], [1]])
    plain = Instance.create(["a", "b"], [2, 3], [(0, 1, LinkType.FS, 0)], demand, [1])
    assert applies(Prepared(plain))
    lagged = Instance.create(["a", "b"], [2, 3], [(0, 1, LinkType.FS, 1)], demand, [1])
    started_to_start = Instance.create(["a", "b"], [2, 3], [(0, 1, LinkType.SS, 0)], demand, [1])
    released = Instance.create(["a", "b"], [2, 3], [], demand, [1], release=[0, 4])
    pinned = Instance.create(["a", "b"], [2, 3], [], demand, [1], fixed=[-1, 0])
    for other in (lagged, started_to_start, released, pinned):
        assert not applies(Prepared(other))
    big = Instance.create([str(i) for i in range(64)], [1] * 64, [], np.ones((64, 1)), [1])
    assert not applies(Prepared(big))
    j60 = instance_of(read_psplib((PSPLIB / "j60" / "j601_1.sm").read_text()))
    assert applies(Prepared(j60)) and not applies(Prepared(j60), most=RACE_ACTIVITIES)


def test_best_levelling_runs_the_search_beside_the_solver_and_reports_its_proof() -> None:
    inst = psplib("j3029_9")
    result = level_best(inst, time_limit=20, workers=1)
    assert "branch-and-bound" in result.method
    assert feasible(inst, result.start)
    optimum = published_optimum("j3029_9")
    assert (result.makespan, result.lower_bound, result.optimal) == (optimum, optimum, True)
