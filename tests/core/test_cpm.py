"""The critical path method: worked examples, properties against a Bellman-Ford reference,
invariants, cycles and incremental rescheduling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.cpm import DependencyCycle, LinkType, Network, PreparedNetwork, schedule
from tests.core.cpm_reference import FF, FS, SF, SS, RefTask, reference

# Hillier & Lieberman, Introduction to Operations Research (9th ed.), section 22.2-22.3: the
# Reliable Construction Company's project (weeks). Durations and immediate predecessors from
# Table 22.1; the earliest starts and slacks below are the book's (Tables 22.2 and 22.3).
RELIABLE = {
    "A": (2, []), "B": (4, ["A"]), "C": (10, ["B"]), "D": (6, ["C"]), "E": (4, ["C"]),
    "F": (5, ["E"]), "G": (7, ["D"]), "H": (9, ["E", "G"]), "I": (7, ["C"]),
    "J": (8, ["F", "I"]), "K": (4, ["J"]), "L": (5, ["J"]), "M": (2, ["H"]),
    "N": (6, ["K", "L"]),
}  # fmt: skip
RELIABLE_ES = dict(A=0, B=2, C=6, D=16, E=16, F=20, G=22, H=29, I=16, J=25, K=33, L=33, M=38, N=38)
RELIABLE_SLACK = dict(A=0, B=0, C=0, D=4, E=0, F=0, G=4, H=4, I=2, J=0, K=1, L=0, M=4, N=0)


def _network(durations: dict[str, tuple[int, list[str]]]) -> tuple[Network, list[str]]:
    names = list(durations)
    index = {name: i for i, name in enumerate(names)}
    links = [(index[p], index[t]) for t, (_, preds) in durations.items() for p in preds]
    network = Network.create(
        [durations[name][0] for name in names], [a for a, _ in links], [b for _, b in links]
    )
    return network, names


def test_reliable_construction_company_matches_the_textbook() -> None:
    network, names = _network(RELIABLE)
    result = schedule(network, names)
    assert result.project_finish == 44
    assert dict(zip(names, result.early_start.tolist(), strict=True)) == RELIABLE_ES
    assert dict(zip(names, result.total_float.tolist(), strict=True)) == RELIABLE_SLACK
    critical = [name for name, c in zip(names, result.critical, strict=True) if c]
    assert critical == ["A", "B", "C", "E", "F", "J", "L", "N"]


def test_each_link_type_with_lag_and_lead() -> None:
    # A(4) then B(3) by each link type; lag +2 and lead -1. Start B at its earliest legal time.
    cases = {
        (LinkType.FS, 2): 6, (LinkType.SS, 2): 2, (LinkType.FF, 2): 3, (LinkType.SF, 2): 0,
        (LinkType.FS, -1): 3, (LinkType.SS, -1): 0, (LinkType.FF, -1): 0, (LinkType.SF, -1): 0,
        (LinkType.SF, 5): 2,
    }  # fmt: skip
    for (kind, lag), start_b in cases.items():
        result = schedule(Network.create([4, 3], [0], [1], [kind], [lag]))
        assert result.early_start[1] == start_b, (kind, lag)


def test_a_deadline_before_the_finish_gives_negative_float_on_the_critical_path() -> None:
    network = Network.create([5, 5, 2], [0, 1], [1, 2], deadline=8)
    result = schedule(network)
    assert result.project_finish == 12
    assert result.total_float.tolist() == [-4, -4, -4]
    assert result.critical.all()


def test_a_cycle_is_refused_naming_its_tasks() -> None:
    network = Network.create([1, 1, 1, 1], [0, 1, 2, 3], [1, 2, 3, 1])
    with pytest.raises(DependencyCycle) as refusal:
        PreparedNetwork(network, ["start", "b", "c", "d"])
    assert sorted(refusal.value.cycle) == ["b", "c", "d"]
    assert refusal.value.code == "task.dependency_cycle"
    assert "b → c" in refusal.value.message or "c → d" in refusal.value.message


def test_incremental_reschedule_reuses_the_order_and_matches_a_fresh_schedule() -> None:
    network, names = _network(RELIABLE)
    prepared = PreparedNetwork(network, names)
    prepared.set_duration(names.index("I"), 12)  # I now drives J
    again = prepared.schedule()
    fresh = schedule(network, names)
    assert again.project_finish == fresh.project_finish == 47
    assert np.array_equal(again.total_float, fresh.total_float)
    assert again.critical[names.index("I")]


# -- properties against the reference --------------------------------------------------------


@st.composite
def networks(
    draw: st.DrawFn,
) -> tuple[list[RefTask], list[tuple[int, int, int, float]], float | None]:
    n = draw(st.integers(1, 12))
    tasks = []
    for _ in range(n):
        task = RefTask(duration=draw(st.integers(0, 9)))
        kind = draw(st.sampled_from(["none", "none", "snet", "fnet", "snlt", "fnlt", "deadline"]))
        date = draw(st.integers(0, 30))
        if kind != "none":
            setattr(task, kind, float(date))
        tasks.append(task)
    links = []
    for _ in range(draw(st.integers(0, 3 * n))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a == b:
            continue
        a, b = min(a, b), max(a, b)  # acyclic by construction: links go forward in index
        links.append(
            (a, b, draw(st.sampled_from([FS, SS, FF, SF])), float(draw(st.integers(-4, 6))))
        )
    deadline = draw(st.one_of(st.none(), st.integers(5, 60).map(float)))
    return tasks, links, deadline


def _to_network(
    tasks: list[RefTask],
    links: list[tuple[int, int, int, float]],
    deadline: float | None,
    perm: list[int],
) -> Network:
    """The same network under a relabelling ``perm`` (old index -> new index)."""
    n = len(tasks)
    inverse = [0] * n
    for old, new in enumerate(perm):
        inverse[new] = old
    ordered = [tasks[inverse[i]] for i in range(n)]
    network = Network.create(
        [t.duration for t in ordered],
        [perm[a] for a, _, _, _ in links],
        [perm[b] for _, b, _, _ in links],
        [k for _, _, k, _ in links],
        [lag for _, _, _, lag in links],
        deadline=deadline,
    )
    for i, t in enumerate(ordered):
        if t.snet is not None:
            network.start_bound[i] = max(0.0, t.snet)
        if t.fnet is not None:
            network.finish_bound[i] = t.fnet
        if t.snlt is not None:
            network.start_limit[i] = t.snlt
        if t.fnlt is not None:
            network.finish_limit[i] = t.fnlt
        if t.deadline is not None:
            network.finish_limit[i] = min(network.finish_limit[i], t.deadline)
    return network


@settings(max_examples=300, deadline=None)
@given(networks(), st.randoms(use_true_random=False))
def test_passes_and_floats_equal_the_bellman_ford_reference(case, rnd) -> None:  # type: ignore[no-untyped-def]
    tasks, links, deadline = case
    perm = list(range(len(tasks)))
    rnd.shuffle(perm)
    result = schedule(_to_network(tasks, links, deadline, perm))
    expected = reference(tasks, links, deadline)
    got = {
        "es": result.early_start, "ef": result.early_finish, "ls": result.late_start,
        "lf": result.late_finish, "tf": result.total_float, "ff": result.free_float,
    }  # fmt: skip
    for key, values in got.items():
        # Relabelling changes nothing: compare task by task through the permutation.
        assert [float(values[perm[i]]) for i in range(len(tasks))] == pytest.approx(
            expected[key]
        ), key
    assert result.project_finish == pytest.approx(expected["finish"])


@settings(max_examples=200, deadline=None)
@given(networks())
def test_invariants_without_limits(case) -> None:  # type: ignore[no-untyped-def]
    tasks, links, _ = case
    plain = [RefTask(duration=t.duration, snet=t.snet, fnet=t.fnet) for t in tasks]
    result = schedule(_to_network(plain, links, None, list(range(len(plain)))))
    # Early never after late; free float within total float; some chain has no float.
    assert (result.early_start <= result.late_start + 1e-9).all()
    assert (result.free_float <= result.total_float + 1e-9).all()
    assert (result.free_float >= 0).all()
    assert result.total_float.min() == pytest.approx(0.0)
    assert (result.total_float[result.critical] == 0).all()
    # The finish is the longest path: some task finishes exactly then, none later.
    assert result.early_finish.max() == result.project_finish
