"""Resource levelling: worked examples, the PSPLIB yardstick, and every schedule checked by
the independent feasibility checker against a brute-force optimum on small instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core import rcpsp_kernels as k
from tandem.core.cpm import DependencyCycle, LinkType
from tandem.core.leveling import Instance, Prepared, instance_of, level_best, level_interactive
from tandem.core.rcpsp_check import violations
from tandem.errors import Invalid
from tandem.interop.psplib import read_psplib
from tests.shared_data import PSPLIB


def feasible(inst: Instance, start: np.ndarray) -> bool:
    return not violations(
        start, inst.duration, inst.link_from, inst.link_to, inst.lag, inst.demand, inst.capacity
    )


def test_two_tasks_needing_the_only_person_run_one_after_the_other() -> None:
    inst = Instance.create(["a", "b"], [3, 2], [], np.array([[1], [1]]), [1])
    result = level_interactive(inst)
    assert result.makespan == 5
    assert (
        sorted([(int(s), int(s) + d) for s, d in zip(result.start, inst.duration, strict=True)])[0][
            1
        ]
        <= 3
    )
    assert feasible(inst, result.start)
    assert result.lower_bound == 3  # the critical path ignores the resource


def test_every_link_type_and_lag_is_kept_while_levelling() -> None:
    links = [
        (0, 1, LinkType.SS, 2),
        (1, 2, LinkType.FF, 1),
        (0, 3, LinkType.SF, 4),
        (2, 3, LinkType.FS, -1),
    ]
    inst = Instance.create(
        ["a", "b", "c", "d"], [4, 3, 2, 2], links, np.array([[1], [1], [1], [1]]), [2]
    )
    for result in (level_interactive(inst), level_best(inst, time_limit=2, workers=1)):
        assert feasible(inst, result.start)
        s = result.start
        assert s[1] >= s[0] + 2  # SS +2
        assert s[2] + 2 >= s[1] + 3 + 1  # FF +1
        assert s[3] + 2 >= s[0] + 4  # SF +4
        assert s[3] >= s[2] + 2 - 1  # FS -1


def test_demand_above_capacity_is_refused_naming_activity_and_resource() -> None:
    with pytest.raises(Invalid, match="Activity b needs 3 of crane, which has only 2"):
        Instance.create(["a", "b"], [1, 1], [], np.array([[1], [3]]), [2], ["crane"])


def test_a_cycle_is_refused() -> None:
    inst = Instance.create(
        ["a", "b"], [1, 1], [(0, 1, LinkType.FS, 0), (1, 0, LinkType.FS, 0)], np.zeros((2, 1)), [1]
    )
    with pytest.raises(DependencyCycle):
        level_interactive(inst)


def test_j301_1_reaches_its_proven_optimum_of_43() -> None:
    inst = instance_of(read_psplib((PSPLIB / "j30" / "j301_1.sm").read_text()))
    result = level_best(inst, time_limit=5, workers=1)
    assert (result.makespan, result.lower_bound, result.optimal) == (43, 43, True)
    assert feasible(inst, result.start)
    quick = level_interactive(inst)
    assert feasible(inst, quick.start)
    assert 43 <= quick.makespan <= 47


def test_the_parallel_scheme_builds_feasible_schedules() -> None:
    inst = instance_of(read_psplib((PSPLIB / "j30" / "j3013_1.sm").read_text()))
    prep = Prepared(inst)
    for rule in ("LFT", "MSLK", "MTS", "GRPW"):
        start = prep.parallel(rule)
        assert feasible(inst, start)
        assert prep.span(start) >= prep.bound


@st.composite
def instances(
    draw: st.DrawFn,
    most: int = 6,
    kinds: tuple[LinkType, ...] = tuple(LinkType),
    lags: tuple[int, int] = (-2, 3),
) -> Instance:
    n = draw(st.integers(1, most))
    resources = draw(st.integers(1, 2))
    capacity = [draw(st.integers(1, 4)) for _ in range(resources)]
    durations = [draw(st.integers(0, 5)) for _ in range(n)]
    demand = np.array(
        [[draw(st.integers(0, capacity[r])) for r in range(resources)] for _ in range(n)]
    )
    links = []
    for _ in range(draw(st.integers(0, 2 * n))):
        a, b = (
            sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
            if n > 1
            else (0, 0)
        )
        if a != b:
            links.append((a, b, draw(st.sampled_from(kinds)), draw(st.integers(*lags))))
    return Instance.create([str(i) for i in range(n)], durations, links, demand, capacity)


def brute_force(inst: Instance) -> int:
    """The shortest makespan over every precedence-feasible activity list: with ordinary
    precedences the serial scheme's schedules include an optimal one."""
    prep = Prepared(inst)
    best = None
    position = {}
    for order in itertools.permutations(range(inst.size)):
        for i, j in enumerate(order):
            position[j] = i
        if any(
            position[a] > position[b]
            for a, b in zip(inst.link_from.tolist(), inst.link_to.tolist(), strict=True)
        ):
            continue
        span = prep.span(prep.decode(np.array(order, dtype=np.int64)))
        best = span if best is None else min(best, span)
    assert best is not None
    return best


def exhaustive(inst: Instance) -> int:
    """The shortest makespan over every vector of start times: the plain definition."""
    horizon = int(inst.duration.sum() + np.abs(inst.lag).sum()) + 1
    best = None
    for starts in itertools.product(range(horizon), repeat=inst.size):
        start = np.array(starts, dtype=np.int64)
        span = int((start + inst.duration).max())
        if (best is None or span < best) and feasible(inst, start):
            best = span
    assert best is not None
    return best


@settings(max_examples=40, deadline=None)
@given(instances(most=3))
def test_with_every_link_type_and_lead_the_solver_matches_exhaustive_search(inst: Instance) -> None:
    optimum = exhaustive(inst)
    quick = level_interactive(inst)
    best = level_best(inst, time_limit=2, workers=1, seed=3)
    assert feasible(inst, quick.start) and feasible(inst, best.start)
    assert quick.makespan >= optimum
    assert (best.makespan, best.optimal) == (optimum, True)
    assert best.lower_bound <= optimum


@settings(max_examples=60, deadline=None)
@given(instances(kinds=(LinkType.FS, LinkType.SS), lags=(0, 3)))
def test_schedules_are_feasible_and_the_solver_finds_the_optimum(inst: Instance) -> None:
    optimum = brute_force(inst)
    quick = level_interactive(inst)
    best = level_best(inst, time_limit=2, workers=1, seed=3)
    assert feasible(inst, quick.start)
    assert feasible(inst, best.start)
    assert quick.makespan >= optimum
    assert best.makespan == optimum
    assert best.lower_bound <= optimum
    assert best.optimal


def test_justification_never_lengthens_a_schedule() -> None:
    inst = instance_of(read_psplib((PSPLIB / "j30" / "j3037_4.sm").read_text()))
    prep = Prepared(inst)
    k.seed(4)
    for _ in range(20):
        order = k.draw_order(
            prep.keys["LFT"], 1.0, prep.pred_ptr, prep.succ_ptr, prep.succ_to, False
        )
        start = prep.decode(order)
        better = prep.justify(start)
        assert feasible(inst, better)
        assert prep.span(better) <= prep.span(start)


def test_the_same_seed_gives_the_same_levelling() -> None:
    inst = instance_of(read_psplib((PSPLIB / "j60" / "j6013_1.sm").read_text()))
    runs = [level_best(inst, time_limit=30, seed=7, use_solver=False) for _ in range(2)]
    assert np.array_equal(runs[0].start, runs[1].start)
    assert runs[0].schedules == runs[1].schedules


def test_fixed_work_keeps_its_start_and_others_level_around_it() -> None:
    # c is pinned at 2 and takes the only crane; a and b must go before or after it.
    inst = Instance.create(
        ["a", "b", "c"], [2, 2, 3], [], np.array([[1], [1], [1]]), [1], ["crane"],
        fixed=[-1, -1, 2],
    )  # fmt: skip
    for result in (level_interactive(inst), level_best(inst, time_limit=2, workers=1)):
        assert result.start[2] == 2
        assert feasible(inst, result.start)
    assert level_best(inst, time_limit=2, workers=1).makespan == 7
