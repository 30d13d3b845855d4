"""Compiled schedule generation for resource-constrained projects (numba).

Activities 0..n-1 with integer durations, start-to-start minimum lags on links (every link
type of the critical-path core reduces to one: FS lag l becomes d_a + l ...), renewable
resources with a constant capacity per period and a demand per activity.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def uses(demand):
    """The resources each activity needs, as CSR (pointer, resource): most activities need
    few of many resources, so the schemes look only at those."""
    n, K = demand.shape
    ptr = np.zeros(n + 1, dtype=np.int64)
    for j in range(n):
        c = 0
        for k in range(K):
            if demand[j, k] > 0:
                c += 1
        ptr[j + 1] = ptr[j] + c
    res = np.empty(ptr[n], dtype=np.int64)
    for j in range(n):
        e = ptr[j]
        for k in range(K):
            if demand[j, k] > 0:
                res[e] = k
                e += 1
    return ptr, res


@njit(cache=True, inline="always")
def _fits(usage, demand, capacity, use_ptr, use_res, j, t, d):
    """-1 when activity j fits at t..t+d-1, else the last period that lacks capacity."""
    last = -1
    for e in range(use_ptr[j], use_ptr[j + 1]):
        k = use_res[e]
        room = capacity[k] - demand[j, k]
        # Scan down from the end: only a later conflict than the one known matters.
        for u in range(t + d - 1, max(t, last + 1) - 1, -1):
            if usage[k, u] > room:
                last = u
                break
    return last


@njit(cache=True, inline="always")
def _book(usage, demand, use_ptr, use_res, j, t, d):
    for e in range(use_ptr[j], use_ptr[j + 1]):
        k = use_res[e]
        need = demand[j, k]
        for u in range(t, t + d):
            usage[k, u] += need


@njit(cache=True)
def serial_sgs(order, duration, succ_ptr, succ_to, succ_lag, release, demand, capacity, horizon):
    """Serial schedule generation: activities in ``order`` (precedence feasible), each at the
    earliest period its links and the remaining capacity allow. Returns the starts."""
    n = duration.shape[0]
    use_ptr, use_res = uses(demand)
    usage = np.zeros((capacity.shape[0], horizon), dtype=np.int64)
    earliest = release.copy()
    start = np.full(n, -1, dtype=np.int64)
    for q in range(n):
        j = order[q]
        d = duration[j]
        t = earliest[j]
        if t < 0:
            t = 0
        if d > 0:
            while True:
                if t + d > horizon:
                    return start  # the caller gives a longer horizon and tries again
                conflict = _fits(usage, demand, capacity, use_ptr, use_res, j, t, d)
                if conflict < 0:
                    break
                t = conflict + 1
            _book(usage, demand, use_ptr, use_res, j, t, d)
        start[j] = t
        for p in range(succ_ptr[j], succ_ptr[j + 1]):
            s = succ_to[p]
            need_start = t + succ_lag[p]
            if need_start > earliest[s]:
                earliest[s] = need_start
    return start


@njit(cache=True)
def serial_sgs_fixed(
    order, duration, succ_ptr, succ_to, succ_lag, release, fixed, demand, capacity, horizon
):
    """The serial scheme with some activities fixed in time (``fixed`` >= 0: work already
    started, or pinned by the planner): their resource use is reserved first, and they keep
    their start whatever comes before them in the list."""
    n = duration.shape[0]
    K = capacity.shape[0]
    use_ptr, use_res = uses(demand)
    usage = np.zeros((K, horizon), dtype=np.int64)
    for j in range(n):
        if fixed[j] >= 0:
            _book(
                usage,
                demand,
                use_ptr,
                use_res,
                j,
                fixed[j],
                min(fixed[j] + duration[j], horizon) - fixed[j],
            )
    earliest = release.copy()
    start = np.full(n, -1, dtype=np.int64)
    for q in range(n):
        j = order[q]
        d = duration[j]
        if fixed[j] >= 0:
            t = fixed[j]
        else:
            t = earliest[j]
            if t < 0:
                t = 0
            if d > 0:
                while True:
                    if t + d > horizon:
                        return start
                    conflict = _fits(usage, demand, capacity, use_ptr, use_res, j, t, d)
                    if conflict < 0:
                        break
                    t = conflict + 1
                _book(usage, demand, use_ptr, use_res, j, t, d)
        start[j] = t
        for p in range(succ_ptr[j], succ_ptr[j + 1]):
            s = succ_to[p]
            need_start = t + succ_lag[p]
            if need_start > earliest[s]:
                earliest[s] = need_start
    return start


@njit(cache=True)
def parallel_sgs(
    priority,
    duration,
    pred_ptr,
    pred_from,
    pred_lag,
    succ_ptr,
    succ_to,
    succ_lag,
    release,
    demand,
    capacity,
    horizon,
):
    """Parallel schedule generation: step through decision times; at each, start the
    eligible activities (all predecessors scheduled and their lags met) that fit, best
    ``priority`` (lowest value) first. Returns the starts."""
    n = duration.shape[0]
    K = capacity.shape[0]
    use_ptr, use_res = uses(demand)
    usage = np.zeros((K, horizon), dtype=np.int64)
    start = np.full(n, -1, dtype=np.int64)
    earliest = release.copy()
    waiting = np.zeros(n, dtype=np.int64)
    for j in range(n):
        waiting[j] = pred_ptr[j + 1] - pred_ptr[j]
    done = 0
    t = 0
    while done < n:
        # Eligible now: every predecessor placed and this time allowed by the lags.
        picked = True
        while picked:
            picked = False
            best = -1
            for j in range(n):
                if start[j] >= 0 or waiting[j] > 0 or earliest[j] > t:
                    continue
                d = duration[j]
                if t + d > horizon:
                    return start
                if d > 0 and _fits(usage, demand, capacity, use_ptr, use_res, j, t, d) >= 0:
                    continue
                if best < 0 or priority[j] < priority[best]:
                    best = j
            if best >= 0:
                j = best
                d = duration[j]
                _book(usage, demand, use_ptr, use_res, j, t, d)
                start[j] = t
                done += 1
                picked = True
                for p in range(succ_ptr[j], succ_ptr[j + 1]):
                    s = succ_to[p]
                    waiting[s] -= 1
                    if t + succ_lag[p] > earliest[s]:
                        earliest[s] = t + succ_lag[p]
        # Next decision time: the next finish or release after t.
        nxt = horizon
        for j in range(n):
            if start[j] >= 0:
                f = start[j] + duration[j]
                if t < f < nxt:
                    nxt = f
            elif waiting[j] == 0 and t < earliest[j] < nxt:
                nxt = earliest[j]
        if nxt == horizon:
            nxt = t + 1
        t = nxt
        if t >= horizon and done < n:
            return start
    return start


@njit(cache=True)
def makespan(start, duration):
    end = 0
    for j in range(start.shape[0]):
        f = start[j] + duration[j]
        if f > end:
            end = f
    return end


@njit(cache=True, inline="always")
def _before(keys, a, b):
    """Heap order: lower key first, ties to the lower index (as a scan from 0 would pick)."""
    return keys[a] < keys[b] or (keys[a] == keys[b] and a < b)


@njit(cache=True)
def order_by(keys, pred_ptr, pred_from, succ_ptr, succ_to):
    """A precedence-feasible activity list: among eligible activities, lowest key first
    (ties to the lowest index). A binary heap of the eligible: O(n log n)."""
    n = keys.shape[0]
    waiting = np.zeros(n, dtype=np.int64)
    heap = np.empty(n, dtype=np.int64)
    size = 0
    for j in range(n):
        waiting[j] = pred_ptr[j + 1] - pred_ptr[j]
        if waiting[j] == 0:
            # Sift up.
            i = size
            heap[i] = j
            size += 1
            while i > 0:
                parent = (i - 1) // 2
                if _before(keys, heap[i], heap[parent]):
                    heap[i], heap[parent] = heap[parent], heap[i]
                    i = parent
                else:
                    break
    order = np.empty(n, dtype=np.int64)
    for q in range(n):
        best = heap[0]
        size -= 1
        heap[0] = heap[size]
        # Sift down.
        i = 0
        while True:
            left = 2 * i + 1
            if left >= size:
                break
            child = left
            if left + 1 < size and _before(keys, heap[left + 1], heap[left]):
                child = left + 1
            if _before(keys, heap[child], heap[i]):
                heap[i], heap[child] = heap[child], heap[i]
                i = child
            else:
                break
        order[q] = best
        for p in range(succ_ptr[best], succ_ptr[best + 1]):
            s = succ_to[p]
            waiting[s] -= 1
            if waiting[s] == 0:
                i = size
                heap[i] = s
                size += 1
                while i > 0:
                    parent = (i - 1) // 2
                    if _before(keys, heap[i], heap[parent]):
                        heap[i], heap[parent] = heap[parent], heap[i]
                        i = parent
                    else:
                        break
    return order


@njit(cache=True)
def justify(
    start,
    duration,
    pred_ptr,
    pred_from,
    back_lag,
    succ_ptr,
    succ_to,
    succ_lag,
    demand,
    capacity,
    horizon,
):
    """Forward-backward improvement (Valls et al. 2005): right-justify every activity in
    order of decreasing finish, then left-justify in order of increasing start. Never makes
    the schedule longer.

    The backward pass schedules the reversed network, whose links run along the predecessor
    adjacency with ``back_lag`` (a link's lag plus the successor's duration minus the
    predecessor's), in reversed time.
    """
    n = duration.shape[0]
    total = makespan(start, duration)
    release = np.zeros(n, dtype=np.int64)
    finish = start + duration
    order = order_by(-finish, succ_ptr, succ_to, pred_ptr, pred_from)
    rev = serial_sgs(
        order, duration, pred_ptr, pred_from, back_lag, release, demand, capacity, horizon
    )
    if rev.min() < 0:
        return start
    rev_total = makespan(rev, duration)
    late = np.empty(n, dtype=np.int64)
    for j in range(n):
        late[j] = rev_total - (rev[j] + duration[j])
    order = order_by(late, pred_ptr, pred_from, succ_ptr, succ_to)
    again = serial_sgs(
        order, duration, succ_ptr, succ_to, succ_lag, release, demand, capacity, horizon
    )
    if again.min() < 0 or makespan(again, duration) > total:
        return start
    return again


@njit(cache=True)
def draw_order(keys, bias, pred_ptr, succ_ptr, succ_to, greedy):
    """An activity list drawn by regret-based biased random sampling around ``keys`` (lower
    is better): the weight of an eligible activity is (worst key - its key + bias) squared.
    With ``greedy`` the best eligible activity is always taken.

    The eligible activities are kept sorted by index, so a draw walks only them (not all n)
    and picks exactly what a scan over all activities would."""
    n = keys.shape[0]
    if greedy:
        return order_by(keys, pred_ptr, np.zeros(0, dtype=np.int64), succ_ptr, succ_to)
    waiting = np.zeros(n, dtype=np.int64)
    eligible = np.empty(n, dtype=np.int64)
    m = 0
    for j in range(n):
        waiting[j] = pred_ptr[j + 1] - pred_ptr[j]
        if waiting[j] == 0:
            eligible[m] = j
            m += 1
    order = np.empty(n, dtype=np.int64)
    worst = keys.max()
    for q in range(n):
        total = 0.0
        for e in range(m):
            total += (worst - keys[eligible[e]] + bias) ** 2
        x = np.random.random() * total
        at = m - 1
        for e in range(m):
            x -= (worst - keys[eligible[e]] + bias) ** 2
            if x <= 0:
                at = e
                break
        pick = eligible[at]
        for e in range(at, m - 1):
            eligible[e] = eligible[e + 1]
        m -= 1
        order[q] = pick
        for p in range(succ_ptr[pick], succ_ptr[pick + 1]):
            s = succ_to[p]
            waiting[s] -= 1
            if waiting[s] == 0:
                # Insert keeping the index order.
                e = m
                while e > 0 and eligible[e - 1] > s:
                    eligible[e] = eligible[e - 1]
                    e -= 1
                eligible[e] = s
                m += 1
    return order


@njit(cache=True)
def sample(
    keys,
    bias,
    rounds,
    seed,
    duration,
    pred_ptr,
    pred_from,
    back_lag,
    succ_ptr,
    succ_to,
    succ_lag,
    demand,
    capacity,
    horizon,
    improve,
):
    """``rounds`` schedules: the priority rule's own list first, then biased random draws
    around it, each decoded by the serial scheme and (with ``improve``) justified. Returns the
    best starts and the number of schedules generated (a justification counts two)."""
    np.random.seed(seed)
    n = duration.shape[0]
    release = np.zeros(n, dtype=np.int64)
    best = np.full(n, -1, dtype=np.int64)
    best_span = 1 << 60
    generated = 0
    for r in range(rounds):
        order = draw_order(keys, bias, pred_ptr, succ_ptr, succ_to, r == 0)
        s = serial_sgs(
            order, duration, succ_ptr, succ_to, succ_lag, release, demand, capacity, horizon
        )
        generated += 1
        if s.min() < 0:
            continue
        if improve:
            s = justify(
                s,
                duration,
                pred_ptr,
                pred_from,
                back_lag,
                succ_ptr,
                succ_to,
                succ_lag,
                demand,
                capacity,
                horizon,
            )
            generated += 2
        span = makespan(s, duration)
        if span < best_span:
            best_span = span
            best = s.copy()
    return best, generated


@njit(cache=True)
def descendants(topological, succ_ptr, succ_to, duration):
    """Count and total duration of every activity's transitive successors, by OR-ing
    successor bit sets in reverse topological order (n^2/8 bytes: for n up to ~20,000)."""
    n = duration.shape[0]
    words = (n + 63) // 64
    reach = np.zeros((n, words), dtype=np.uint64)
    for q in range(n - 1, -1, -1):
        j = topological[q]
        for p in range(succ_ptr[j], succ_ptr[j + 1]):
            s = succ_to[p]
            reach[j, s // 64] |= np.uint64(1) << np.uint64(s % 64)
            for w in range(words):
                reach[j, w] |= reach[s, w]
    count = np.zeros(n, dtype=np.int64)
    total = np.zeros(n, dtype=np.int64)
    for j in range(n):
        for w in range(words):
            bits = reach[j, w]
            while bits:
                low = bits & (~bits + np.uint64(1))
                b = 0
                probe = low
                while probe > np.uint64(1):
                    probe >>= np.uint64(1)
                    b += 1
                count[j] += 1
                total[j] += duration[w * 64 + b]
                bits ^= low
    return count, total


@njit(cache=True)
def seed(value):
    """Seed the random generator of compiled code (separate from NumPy's in Python)."""
    np.random.seed(value)
