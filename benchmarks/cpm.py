"""Critical path speed: 1,000,000 tasks / 3,000,000 links, the ratio against networkx on
200,000 tasks, and rescheduling one edited task in a 10,000-task project.

Run: .venv/bin/python benchmarks/cpm.py [--tasks N] [--repeat R]
Prints each figure with its target; the networkx baseline runs in the same process.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from tandem.core.cpm import Network, PreparedNetwork
from tandem.core.network import LinkSpec, ProjectScheduler, ProjectSpec, TaskSpec

FS, SS, FF, SF = 0, 1, 2, 3


def random_network(n: int, m: int, seed: int = 7, shuffle_ids: bool = True) -> Network:
    """A random acyclic network: links of all four types from a task to one up to 1,000 later,
    lags from -2 to +4, durations 0-19 (about 5 % milestones), links in random order.

    With ``shuffle_ids`` the task numbers are a random permutation (nothing about the numbering
    helps); without, tasks are numbered in creation order, as a plan's ids usually are.
    """
    rng = np.random.default_rng(seed)
    link_from = rng.integers(0, n - 1, m, dtype=np.int32)
    link_to = np.minimum(link_from + rng.integers(1, 1000, m, dtype=np.int32), n - 1)
    link_type = rng.integers(0, 4, m, dtype=np.int8)
    lag = rng.integers(-2, 5, m).astype(np.float64)
    duration = rng.integers(0, 20, n).astype(np.float64)
    if not shuffle_ids:
        return Network.create(duration, link_from, link_to, link_type, lag)
    perm = rng.permutation(n).astype(np.int32)
    return Network.create(
        duration[np.argsort(perm)], perm[link_from], perm[link_to], link_type, lag
    )


def _peak_reset() -> None:
    """Reset the process's peak resident memory (Linux), so the next reading covers one step."""
    Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def networkx_cpm(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The same passes written the usual way with networkx: the baseline."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(network.size))
    d = network.duration.tolist()
    for a, b, kind, lag in zip(
        network.link_from.tolist(), network.link_to.tolist(),
        network.link_type.tolist(), network.lag.tolist(), strict=True,
    ):  # fmt: skip
        graph.add_edge(a, b, kind=kind, lag=lag)  # one link per pair is kept, as networkx does
    order = list(nx.topological_sort(graph))
    es = [0.0] * network.size
    for j in order:
        for i, _, data in graph.in_edges(j, data=True):
            kind, lag = data["kind"], data["lag"]
            if kind == FS:
                es[j] = max(es[j], es[i] + d[i] + lag)
            elif kind == SS:
                es[j] = max(es[j], es[i] + lag)
            elif kind == FF:
                es[j] = max(es[j], es[i] + d[i] + lag - d[j])
            else:
                es[j] = max(es[j], es[i] + lag - d[j])
    ef = [es[i] + d[i] for i in range(network.size)]
    end = max(ef)
    lf = [end] * network.size
    for i in reversed(order):
        for _, j, data in graph.out_edges(i, data=True):
            kind, lag = data["kind"], data["lag"]
            ls_j = lf[j] - d[j]
            if kind == FS:
                lf[i] = min(lf[i], ls_j - lag)
            elif kind == SS:
                lf[i] = min(lf[i], ls_j - lag + d[i])
            elif kind == FF:
                lf[i] = min(lf[i], lf[j] - lag)
            else:
                lf[i] = min(lf[i], lf[j] - lag + d[i])
    total = [lf[i] - ef[i] for i in range(network.size)]
    free = []
    for i in range(network.size):
        best = end - ef[i]
        for _, j, data in graph.out_edges(i, data=True):
            kind, lag = data["kind"], data["lag"]
            mine = ef[i] if kind in (FS, FF) else es[i]
            theirs = es[j] if kind in (FS, SS) else ef[j]
            best = min(best, theirs - mine - lag)
        free.append(min(max(best, 0.0), max(total[i], 0.0)))
    return np.array(es), np.array(ef), np.array(total), np.array(free)


def best_of(repeat: int, step):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        result = None  # let the previous run's arrays go before the next one
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    # Warm-up: compile (or load the cached compiled code) outside the timings.
    PreparedNetwork(random_network(1000, 3000)).schedule()

    n = args.tasks
    for numbering, shuffled in (("creation-order ids", False), ("randomly permuted ids", True)):
        network = random_network(n, 3 * n, shuffle_ids=shuffled)
        _peak_reset()
        seconds, result = best_of(args.repeat, lambda net=network: PreparedNetwork(net).schedule())
        peak = _peak_mb()
        critical = int(result.critical.sum())
        print(f"cpm {n:,} tasks / {3 * n:,} links, {numbering}: {seconds:.2f} s (graph order, "
              f"both passes, both floats; best of {args.repeat}); peak memory {peak:.0f} MB; "
              f"finish {result.project_finish:.0f}, {critical:,} critical  "
              f"[target <= 1.5 s, < 500 MB]")  # fmt: skip
        del network, result

    small = random_network(200_000, 600_000, seed=11)
    # networkx keeps one link per task pair: compare on a network without parallel links.
    pairs = np.unique(np.stack([small.link_from, small.link_to]), axis=1, return_index=True)[1]
    unique = Network.create(
        small.duration, small.link_from[pairs], small.link_to[pairs],
        small.link_type[pairs], small.lag[pairs],
    )  # fmt: skip
    ours, mine = best_of(args.repeat, lambda: PreparedNetwork(unique).schedule())
    start = time.perf_counter()
    es, _, total, free = networkx_cpm(unique)
    theirs = time.perf_counter() - start
    assert np.allclose(es, mine.early_start)
    assert np.allclose(total, mine.total_float)
    assert np.allclose(free, mine.free_float)
    print(f"cpm 200,000 tasks / {len(pairs):,} links: tandem {ours * 1000:.0f} ms, "
          f"networkx {theirs:.1f} s, ratio {theirs / ours:.0f}x (same results)  "
          f"[target >= 30x]")  # fmt: skip

    incremental(args.repeat)


def incremental(repeat: int) -> None:
    """One duration edit in a 10,000-task project, rescheduled with the prepared structure."""
    rng = np.random.default_rng(3)
    tasks = [TaskSpec(str(i), 480.0 * (1 + i % 5)) for i in range(10_000)]
    pairs = {
        (int(a), int(min(a + rng.integers(1, 50), 9_999))) for a in rng.integers(0, 9_999, 20_000)
    }
    links = [LinkSpec(str(a), str(b)) for a, b in sorted(pairs) if a != b]
    for label, start_date in (("plain units", None), ("working calendar", datetime(2027, 1, 4, 8))):
        project = ProjectSpec(tasks, links, start=start_date)
        full, scheduler = best_of(1, lambda p=project: ProjectScheduler(p))
        previous = scheduler.schedule()
        timings, moved = [], 0
        for k in range(21):
            scheduler.set_duration(str(k * 7), 960.0 + 60 * k)
            start = time.perf_counter()
            current = scheduler.schedule()
            changed = current.changed(previous)
            timings.append(time.perf_counter() - start)
            previous, moved = current, moved + len(changed)
        median = sorted(timings)[len(timings) // 2]
        print(f"reschedule after one edit, 10,000 tasks / {len(links):,} links ({label}): "
              f"{median * 1000:.1f} ms median of 21 edits, changed rows found included "
              f"(~{moved // 21:,} tasks moved per edit; preparing took {full * 1000:.0f} ms)  "
              f"[target < 10 ms]")  # fmt: skip


if __name__ == "__main__":
    main()
