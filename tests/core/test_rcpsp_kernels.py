"""The compiled building blocks of levelling against plain references: activity lists by key
(the heap against a scan), biased draws stay precedence-feasible, successor counts against a
set-based transitive closure."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core import rcpsp_kernels as k


@st.composite
def dags(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]], list[int], list[int]]:
    n = draw(st.integers(1, 40))
    links = sorted(
        {(a, b) for a, b in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                           max_size=80)) if a < b}
    )  # fmt: skip
    keys = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))  # many ties
    duration = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    return n, links, keys, duration


def adjacency(n: int, links: list[tuple[int, int]]) -> tuple[np.ndarray, ...]:
    src = np.array([a for a, _ in links], dtype=np.int64)
    dst = np.array([b for _, b in links], dtype=np.int64)
    order = np.argsort(src, kind="stable")
    succ_ptr = np.concatenate(([0], np.cumsum(np.bincount(src, minlength=n)))).astype(np.int64)
    order_to = np.argsort(dst, kind="stable")
    pred_ptr = np.concatenate(([0], np.cumsum(np.bincount(dst, minlength=n)))).astype(np.int64)
    return pred_ptr, src[order_to], succ_ptr, dst[order]


def scan_order(n: int, links: list[tuple[int, int]], keys: list[int]) -> list[int]:
    waiting = [sum(1 for _, b in links if b == j) for j in range(n)]
    placed: list[int] = []
    while len(placed) < n:
        best = min((j for j in range(n) if j not in placed and waiting[j] == 0),
                   key=lambda j: (keys[j], j))  # fmt: skip
        placed.append(best)
        for a, b in links:
            if a == best:
                waiting[b] -= 1
    return placed


@settings(max_examples=200, deadline=None)
@given(dags())
def test_the_heap_orders_exactly_as_a_scan_would(dag: tuple) -> None:  # type: ignore[type-arg]
    n, links, keys, _ = dag
    pred_ptr, pred_from, succ_ptr, succ_to = adjacency(n, links)
    order = k.order_by(np.array(keys, dtype=np.float64), pred_ptr, pred_from, succ_ptr, succ_to)
    assert order.tolist() == scan_order(n, links, keys)


@settings(max_examples=100, deadline=None)
@given(dags(), st.integers(0, 1000))
def test_biased_draws_are_precedence_feasible_permutations(dag: tuple, seed: int) -> None:  # type: ignore[type-arg]
    n, links, keys, _ = dag
    pred_ptr, _, succ_ptr, succ_to = adjacency(n, links)
    k.seed(seed)
    order = k.draw_order(np.array(keys, dtype=np.float64), 1.0, pred_ptr, succ_ptr, succ_to, False)
    position = {j: q for q, j in enumerate(order.tolist())}
    assert sorted(position) == list(range(n))
    assert all(position[a] < position[b] for a, b in links)


@settings(max_examples=150, deadline=None)
@given(dags())
def test_successor_counts_and_work_match_the_transitive_closure(dag: tuple) -> None:  # type: ignore[type-arg]
    n, links, _, duration = dag
    _, _, succ_ptr, succ_to = adjacency(n, links)
    reach: list[set[int]] = [set() for _ in range(n)]
    for j in range(n - 1, -1, -1):  # links go forward in index order
        for a, b in links:
            if a == j:
                reach[j] |= {b} | reach[b]
    topological = np.arange(n, dtype=np.int64)
    count, total = k.descendants(topological, succ_ptr, succ_to, np.array(duration, np.int64))
    assert count.tolist() == [len(r) for r in reach]
    assert total.tolist() == [sum(duration[s] for s in r) for r in reach]
