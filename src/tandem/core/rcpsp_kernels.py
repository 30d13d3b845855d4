"""Compiled schedule generation for resource-constrained projects (numba).

Activities 0..n-1 with integer durations, start-to-start minimum lags on links (every link
type of the critical-path core reduces to one: FS lag l becomes d_a + l ...), renewable
resources with a constant capacity per period and a demand per activity.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _fits(usage, demand, capacity, j, t, d):
    """-1 when activity j fits at t..t+d-1, else the last period that lacks capacity."""
    last = -1
    for k in range(capacity.shape[0]):
        need = demand[j, k]
        if need == 0:
            continue
        room = capacity[k] - need
        for u in range(t, t + d):
            if usage[k, u] > room and u > last:
                last = u
    return last


@njit(cache=True)
def serial_sgs(order, duration, succ_ptr, succ_to, succ_lag, release, demand, capacity, horizon):
    """Serial schedule generation: activities in ``order`` (precedence feasible), each at the
    earliest period its links and the remaining capacity allow. Returns the starts."""
    n = duration.shape[0]
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
                conflict = _fits(usage, demand, capacity, j, t, d)
                if conflict < 0:
                    break
                t = conflict + 1
            for k in range(capacity.shape[0]):
                need = demand[j, k]
                if need:
                    for u in range(t, t + d):
                        usage[k, u] += need
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
    usage = np.zeros((K, horizon), dtype=np.int64)
    for j in range(n):
        if fixed[j] >= 0:
            for k in range(K):
                need = demand[j, k]
                if need:
                    for u in range(fixed[j], min(fixed[j] + duration[j], horizon)):
                        usage[k, u] += need
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
                    conflict = _fits(usage, demand, capacity, j, t, d)
                    if conflict < 0:
                        break
                    t = conflict + 1
                for k in range(K):
                    need = demand[j, k]
                    if need:
                        for u in range(t, t + d):
                            usage[k, u] += need
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
                if d > 0 and _fits(usage, demand, capacity, j, t, d) >= 0:
                    continue
                if best < 0 or priority[j] < priority[best]:
                    best = j
            if best >= 0:
                j = best
                d = duration[j]
                for k in range(K):
                    need = demand[j, k]
                    if need:
                        for u in range(t, t + d):
                            usage[k, u] += need
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


@njit(cache=True)
def order_by(keys, pred_ptr, pred_from, succ_ptr, succ_to):
    """A precedence-feasible activity list: among eligible activities, lowest key first."""
    n = keys.shape[0]
    waiting = np.zeros(n, dtype=np.int64)
    for j in range(n):
        waiting[j] = pred_ptr[j + 1] - pred_ptr[j]
    placed = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    for q in range(n):
        best = -1
        for j in range(n):
            if not placed[j] and waiting[j] == 0 and (best < 0 or keys[j] < keys[best]):
                best = j
        placed[best] = True
        order[q] = best
        for p in range(succ_ptr[best], succ_ptr[best + 1]):
            waiting[succ_to[p]] -= 1
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
    With ``greedy`` the best eligible activity is always taken."""
    n = keys.shape[0]
    waiting = np.zeros(n, dtype=np.int64)
    for j in range(n):
        waiting[j] = pred_ptr[j + 1] - pred_ptr[j]
    placed = np.zeros(n, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    worst = keys.max()
    for q in range(n):
        pick = -1
        if greedy:
            for j in range(n):
                if not placed[j] and waiting[j] == 0 and (pick < 0 or keys[j] < keys[pick]):
                    pick = j
        else:
            total = 0.0
            for j in range(n):
                if not placed[j] and waiting[j] == 0:
                    total += (worst - keys[j] + bias) ** 2
            x = np.random.random() * total
            for j in range(n):
                if not placed[j] and waiting[j] == 0:
                    pick = j
                    x -= (worst - keys[j] + bias) ** 2
                    if x <= 0:
                        break
        placed[pick] = True
        order[q] = pick
        for p in range(succ_ptr[pick], succ_ptr[pick + 1]):
            waiting[succ_to[p]] -= 1
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
def seed(value):
    """Seed the random generator of compiled code (separate from NumPy's in Python)."""
    np.random.seed(value)
