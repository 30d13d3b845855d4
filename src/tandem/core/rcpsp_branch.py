"""Exact resource levelling for small projects: the branch-and-bound of Demeulemeester and
Herroelen (1992, 1997), compiled with numba.

The search moves forward in time over decision points. At each one every activity whose
predecessors have finished is started; if the activities in progress then need more than a
resource holds, the node branches over the *minimal delaying alternatives* (the smallest sets
of activities, in progress or just started, whose removal resolves every conflict). Delayed
activities come back at the next decision point (the earliest finish of what stays). Children
are explored best lower bound first (critical path, and per resource the work left plus the
shortest tail). Two dominance rules prune: the *left-shift rule* drops a node where an
activity just started could have started at the previous decision point (another branch
holds that schedule), and the *cutset rule* drops a node whose set of started activities was
met before, fully explored, at an earlier or equal time with the activities then in progress
finishing no later: its completions can be no better.

The kernel handles the classic problem: finish-to-start links without lag, no releases or
fixed activities, at most 63 activities (a started set is one 64-bit word).
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit, objmode, uint64

MAX_CHILDREN = 4096
MAX_RUNNING = 8  # nodes with more activities in progress are not remembered
ONE = uint64(1)
ZERO = uint64(0)


@njit(cache=True, inline="always")
def _bit(j):
    return ONE << uint64(j)


@njit(cache=True)
def _clock():
    with objmode(now="float64"):
        now = time.perf_counter()
    return now


# The cutset store. A hash table maps a set of started activities to a chain of entries, one
# per closed node with that set, each one row of int32: the next entry of the chain (0 ends
# it), the node's time, how many activities it had in progress, then (activity, finish) for
# each of them. Rows keep an entry on a cache line or two: the store is walked at every node.
NEXT, TIME, COUNT, PAIRS = 0, 1, 2, 3


@njit(cache=True)
def _slot(keys, head, key):
    """The hash slot holding ``key``, or the empty slot where it belongs (open addressing)."""
    mask = keys.shape[0] - 1
    i = np.int64((key * uint64(0x9E3779B97F4A7C15)) >> uint64(32)) & mask
    while head[i] != 0 and keys[i] != key:
        i = (i + 1) & mask
    return i


@njit(cache=True)
def _covers(ent, e, t, fin):
    """True when remembered node ``e`` (same started set) was at ``t`` or earlier and what
    it had in progress finished no later than here (or than ``t``); what it had finished
    finished before ``t`` anyway."""
    if ent[e, TIME] > t:
        return False
    for i in range(ent[e, COUNT]):
        if ent[e, PAIRS + 2 * i + 1] > max(t, fin[ent[e, PAIRS + 2 * i]]):
            return False
    return True


@njit(cache=True)
def _beats(ent, e, cut, t, fin):
    """True when the node (cut, t, fin) dominates remembered node ``e``."""
    then = ent[e, TIME]
    if t > then:
        return False
    for j in range(fin.shape[0]):
        if cut & _bit(j) and fin[j] > then:
            limit = then
            for i in range(ent[e, COUNT]):
                if ent[e, PAIRS + 2 * i] == j:
                    limit = max(limit, ent[e, PAIRS + 2 * i + 1])
            if fin[j] > limit:
                return False
    return True


@njit(cache=True)
def _dominated(keys, head, ent, cut, t, fin):
    e = head[_slot(keys, head, cut)]
    while e != 0:
        if _covers(ent, e, t, fin):
            return True
        e = ent[e, NEXT]
    return False


@njit(cache=True)
def _remember(keys, head, ent, stored, cut, t, fin):
    """Store a closed node over a remembered one it dominates (keeping chains short), else
    as a new entry while there is room: a full store only prunes less, never wrongly."""
    running = 0
    for j in range(fin.shape[0]):
        if cut & _bit(j) and fin[j] > t:
            running += 1
    if PAIRS + 2 * running > ent.shape[1]:
        return
    slot = _slot(keys, head, cut)
    e = head[slot]
    while e != 0 and not _beats(ent, e, cut, t, fin):
        e = ent[e, NEXT]
    if e == 0:
        if stored[0] + 1 == ent.shape[0] or 2 * (stored[1] + 1) > keys.shape[0]:
            return  # full (the table stays at most half full so probes stay short)
        stored[0] += 1
        e = stored[0]
        if head[slot] == 0:
            keys[slot] = cut
            stored[1] += 1
        ent[e, NEXT] = head[slot]
        head[slot] = e
    ent[e, TIME] = t
    ent[e, COUNT] = running
    i = PAIRS
    for j in range(fin.shape[0]):
        if cut & _bit(j) and fin[j] > t:
            ent[e, i] = j
            ent[e, i + 1] = fin[j]
            i += 2


@njit(cache=True)
def _advance(t, fin, started, delay, duration, out):
    """The node reached by delaying ``delay``: (time, finished, in progress, makespan of the
    whole schedule when every activity has started, else -1). ``out`` gets the finish times
    (-1 for activities not started)."""
    n = duration.shape[0]
    keep = started & ~delay
    t2 = 1 << 60
    for j in range(n):
        out[j] = fin[j]
        if delay & _bit(j):
            out[j] = -1
        elif keep & _bit(j) and fin[j] > t and fin[j] < t2:
            t2 = fin[j]
    finished = ZERO
    running = ZERO
    span = 0
    complete = True
    for j in range(n):
        if out[j] >= 0:
            span = max(span, out[j])
            if out[j] <= t2:
                finished |= _bit(j)
            else:
                running |= _bit(j)
        elif duration[j] > 0:
            complete = False
    return t2, finished, running, span if complete else -1


@njit(cache=True)
def _child(t, fin, started, delay, by_tail, duration, tail, demand, capacity, out):
    """As ``_advance``, with the node's lower bound: (time, finished, in progress, lower
    bound, makespan when complete else -1)."""
    t2, finished, running, span = _advance(t, fin, started, delay, duration, out)
    if span >= 0:
        return t2, finished, running, span, span
    lb = _bound(t2, out, finished, by_tail, duration, tail, demand, capacity)
    return t2, finished, running, lb, -1


@njit(cache=True)
def _bound(t, fin, finished, by_tail, duration, tail, demand, capacity):
    """A lower bound on the makespan of every completion: the critical path of what is left,
    and per resource the work left (all of it, or of activities too big to overlap, taken
    one after another) plus the shortest tail among the activities counted, taken in order
    of decreasing tail."""
    K = capacity.shape[0]
    lb = t
    work = np.zeros(K, np.int64)
    sequence = np.zeros(K, np.int64)
    for j in by_tail:
        if finished & _bit(j):
            continue
        left = fin[j] - t if fin[j] >= 0 else duration[j]
        lb = max(lb, t + left + tail[j])
        if left == 0:
            continue
        for r in range(K):
            q = demand[j, r]
            if q == 0:
                continue
            work[r] += left * q
            lb = max(lb, t + (work[r] + capacity[r] - 1) // capacity[r] + tail[j])
            if 2 * q > capacity[r]:
                sequence[r] += left
                lb = max(lb, t + sequence[r] + tail[j])
    return lb


@njit(cache=True)
def _shiftable(t, previous, fin, opened, duration, pred_mask):
    """Activities started at ``t`` whose predecessors had all finished by the previous
    decision point: the only ones a left shift could move."""
    n = duration.shape[0]
    before = ZERO
    for j in range(n):
        if 0 <= fin[j] <= previous:
            before |= _bit(j)
    found = ZERO
    for i in range(n):
        b = _bit(i)
        started_now = opened & b and duration[i] > 0 and fin[i] - duration[i] == t
        if started_now and (pred_mask[i] & ~before) == ZERO:
            found |= b
    return found


@njit(cache=True)
def _left_shifts(previous, fin, candidates, opened, done, delay, duration, demand, capacity):
    """True when a candidate (see ``_shiftable``) that stays could start at the previous
    decision point instead, the resources there being free once ``delay`` is taken out:
    such a schedule is not left-justified and another branch yields one as good."""
    n = duration.shape[0]
    K = capacity.shape[0]
    kept = (opened | done) & ~delay
    if (candidates & kept) == ZERO:
        return False
    for i in range(n):
        if not (candidates & kept & _bit(i)):
            continue
        fits = True
        for r in range(K):
            if demand[i, r] == 0:
                continue
            usage = demand[i, r]
            for j in range(n):
                if kept & _bit(j) and fin[j] - duration[j] <= previous < fin[j]:
                    usage += demand[j, r]
            if usage > capacity[r]:
                fits = False
                break
        if fits:
            return True
    return False


@njit(cache=True, nogil=True)
def search(
    duration, pred_mask, tail, demand, capacity, upper, lower, time_limit, store_size, shared
):
    """(best finish times, best makespan, exhausted, nodes, complete).

    Looks for schedules shorter than ``upper``; stops at ``lower`` (proved) or after
    ``time_limit`` seconds. ``complete`` is False when a node had more delaying
    alternatives than ``MAX_CHILDREN``, so the search cannot claim a proof. ``shared`` lets
    a search running beside it (CP-SAT, in another thread) pass in a better makespan
    (``shared[0]``: branches that cannot beat it are cut) or ask it to stop (``shared[1]``
    non-zero).

    When the search is exhausted, no schedule is shorter than the smaller of the makespan
    it returns and ``shared[0]``."""
    n = duration.shape[0]
    K = capacity.shape[0]
    started_at = _clock()
    by_tail = np.argsort(-tail)
    positive = ZERO
    zero = ZERO
    for j in range(n):
        if duration[j] > 0:
            positive |= _bit(j)
        else:
            zero |= _bit(j)
    # Every level finishes at least one activity for good (only work in progress or about
    # to start is ever delayed), so a path is at most n levels deep.
    depth = n + 2
    lv_t = np.zeros(depth, np.int64)
    lv_fin_set = np.zeros(depth, np.uint64)  # finished at arrival (then after zero-length)
    lv_run = np.zeros(depth, np.uint64)  # in progress at arrival
    lv_arrival = np.zeros(depth, np.uint64)  # started at arrival: the cutset
    lv_open = np.zeros(depth, np.uint64)  # in progress after starting what is eligible
    lv_fin = np.full((depth, n), -1, np.int64)
    ch_delay = np.zeros((depth, MAX_CHILDREN), np.uint64)
    ch_lb = np.zeros((depth, MAX_CHILDREN), np.int64)
    nch = np.zeros(depth, np.int64)
    idx = np.zeros(depth, np.int64)
    # The cutset store: started set -> chain of (time, finish times) of closed nodes.
    slots = 1
    while slots < 2 * store_size:
        slots *= 2
    keys = np.zeros(slots, np.uint64)
    head = np.zeros(slots, np.int32)
    ent = np.zeros((store_size + 1, PAIRS + 2 * MAX_RUNNING), np.int32)
    stored = np.zeros(2, np.int64)  # entries, distinct sets
    # Scratch for the delaying alternatives.
    members = np.zeros(n, np.int64)
    taken = np.zeros(n + 1, np.bool_)
    state = np.zeros(n + 1, np.int64)
    usage = np.zeros(K, np.int64)
    child_fin = np.zeros(n, np.int64)
    best_fin = np.full(n, -1, np.int64)
    best = upper  # the best makespan found here
    cutoff = min(upper, shared[0])  # what a branch must beat (found here or beside)
    nodes = 0
    complete = True
    timed_out = False
    level = 0
    lv_t[0] = 0
    expand = True
    while level >= 0:
        if expand:
            expand = False
            nodes += 1
            if (nodes & 255) == 0:
                if shared[1] != 0 or ((nodes & 1023) == 0 and _clock() - started_at > time_limit):
                    timed_out = True
                    break
                cutoff = min(cutoff, shared[0])
            t = lv_t[level]
            fin = lv_fin[level]
            done = lv_fin_set[level]
            run = lv_run[level]
            lv_arrival[level] = done | run
            # Zero-length activities finish the moment they become eligible.
            while True:
                ready = ZERO
                for j in range(n):
                    b = _bit(j)
                    if zero & b and not (done & b) and (pred_mask[j] & ~done) == ZERO:
                        ready |= b
                        fin[j] = t
                if ready == ZERO:
                    break
                done |= ready
            lv_fin_set[level] = done
            eligible = ZERO
            for j in range(n):
                b = _bit(j)
                if positive & b and not ((done | run) & b) and (pred_mask[j] & ~done) == ZERO:
                    eligible |= b
                    fin[j] = t + duration[j]
            opened = run | eligible
            lv_open[level] = opened
            nch[level] = 0
            idx[level] = 0
            if eligible == ZERO and run == ZERO:
                # No work left (a project of zero-length activities only): a schedule.
                if t < cutoff:
                    best = cutoff = t
                    best_fin[:] = fin
                continue
            # The delaying alternatives: the minimal sets whose removal fits every resource,
            # that is what is left out of each maximal set that fits (found depth first).
            s = 0
            for j in range(n):
                if opened & _bit(j):
                    members[s] = j
                    s += 1
            previous = lv_t[level - 1] if level > 0 else -1
            shift = ZERO
            if level > 0:
                shift = _shiftable(t, previous, fin, opened, duration, pred_mask)
            count = 0
            usage[:] = 0
            i = 0
            state[0] = 0
            while i >= 0:
                if i == s:
                    delay = ZERO
                    maximal = True
                    for x in range(s):
                        if taken[x]:
                            continue
                        delay |= _bit(members[x])
                        if maximal:
                            addable = True
                            for r in range(K):
                                if usage[r] + demand[members[x], r] > capacity[r]:
                                    addable = False
                                    break
                            maximal = not addable
                    i -= 1
                    if not maximal or _left_shifts(
                        previous, fin, shift, opened, done, delay, duration, demand, capacity
                    ):
                        continue
                    t2, f2, r2, lb, span = _child(
                        t,
                        fin,
                        opened,
                        delay,
                        by_tail,
                        duration,
                        tail,
                        demand,
                        capacity,
                        child_fin,
                    )
                    if span >= 0:
                        if span < cutoff:
                            best = cutoff = span
                            best_fin[:] = child_fin
                        continue
                    if lb >= cutoff:
                        continue
                    if count == MAX_CHILDREN:
                        complete = False
                        continue
                    # Insertion by lower bound: the most promising alternative first.
                    p = count
                    while p > 0 and ch_lb[level, p - 1] > lb:
                        ch_delay[level, p] = ch_delay[level, p - 1]
                        ch_lb[level, p] = ch_lb[level, p - 1]
                        p -= 1
                    ch_delay[level, p] = delay
                    ch_lb[level, p] = lb
                    count += 1
                    continue
                j = members[i]
                if state[i] == 0:
                    state[i] = 1
                    fits = True
                    for r in range(K):
                        if usage[r] + demand[j, r] > capacity[r]:
                            fits = False
                            break
                    if fits:  # keep it
                        for r in range(K):
                            usage[r] += demand[j, r]
                        taken[i] = True
                        i += 1
                        state[i] = 0
                        continue
                if state[i] == 1:  # leave it out
                    if taken[i]:
                        for r in range(K):
                            usage[r] -= demand[j, r]
                        taken[i] = False
                    state[i] = 2
                    i += 1
                    state[i] = 0
                    continue
                i -= 1
            nch[level] = count
        if cutoff <= lower:
            break
        # Next child of this level, or close it.
        if idx[level] < nch[level]:
            i = idx[level]
            idx[level] += 1
            if ch_lb[level, i] >= cutoff:
                continue
            # Complete schedules were taken when the alternatives were listed: this child
            # has work left, and its bound is known.
            t2, f2, r2, _ = _advance(
                lv_t[level], lv_fin[level], lv_open[level], ch_delay[level, i], duration,
                child_fin,
            )  # fmt: skip
            cut = f2 | r2
            if _dominated(keys, head, ent, cut, t2, child_fin):
                continue
            level += 1
            lv_t[level] = t2
            lv_fin_set[level] = f2
            lv_run[level] = r2
            lv_fin[level, :] = child_fin
            expand = True
        else:
            # Every completion of this node has been seen: remember it for the cutset rule.
            _remember(keys, head, ent, stored, lv_arrival[level], lv_t[level], lv_fin[level])
            level -= 1
    proved = complete and not timed_out
    return best_fin, best, proved, nodes, complete
