"""Compiled inner loops of the critical path method (numba): graph order, both passes, floats.

Times are float64 minutes from an origin (plain units when there is no calendar). A task's
calendar index selects its working intervals in flattened CSR arrays (``cal_ptr``,
``iv_start``, ``iv_end``, ``iv_cum``); index -1 means continuous time, where working time and
elapsed time coincide. Link types: 0 FS, 1 SS, 2 FF, 3 SF.
"""

from __future__ import annotations

import numpy as np
from numba import njit

FS, SS, FF, SF = 0, 1, 2, 3
INF = np.inf


# -- calendar arithmetic ---------------------------------------------------------------------


@njit(cache=True, inline="always")
def _last_le(a, lo, hi, x):
    """Largest k in [lo, hi) with a[k] <= x, or lo - 1."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


@njit(cache=True, inline="always")
def _last_lt(a, lo, hi, x):
    """Largest k in [lo, hi) with a[k] < x, or lo - 1."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


@njit(cache=True)
def work_at(c, t, cal_ptr, iv_start, iv_end, iv_cum):
    """Working minutes of calendar c accumulated up to elapsed time t."""
    if c < 0:
        return t
    lo = cal_ptr[c]
    hi = cal_ptr[c + 1]
    k = _last_le(iv_start, lo, hi, t)
    if k < lo:
        return iv_cum[lo]
    span = iv_end[k] - iv_start[k]
    into = t - iv_start[k]
    return iv_cum[k] + (into if into < span else span)


@njit(cache=True)
def start_at(c, w, cal_ptr, iv_start, iv_end, iv_cum):
    """Elapsed time where working time w is reached, as a start: at a boundary, the next
    interval's beginning (a task does not start at 17:00 but at 08:00 the next day)."""
    if c < 0:
        return w
    lo = cal_ptr[c]
    k = _last_le(iv_cum, lo, cal_ptr[c + 1], w)
    if k < lo:
        k = lo
    return iv_start[k] + (w - iv_cum[k])


@njit(cache=True)
def finish_at(c, w, cal_ptr, iv_start, iv_end, iv_cum):
    """Elapsed time where working time w is reached, as a finish: at a boundary, the previous
    interval's end (a task finishing after a full day ends at 17:00, not 08:00 next day)."""
    if c < 0:
        return w
    lo = cal_ptr[c]
    k = _last_lt(iv_cum, lo, cal_ptr[c + 1], w)
    if k < lo:
        k = lo
    return iv_start[k] + (w - iv_cum[k])


@njit(cache=True)
def milestone_at(c, t, forward, cal_ptr, iv_start, iv_end, iv_cum):
    """Where a zero-duration task sits for bound t: t itself inside working time or at the end
    of an interval (after a task finishing at 17:00); otherwise the next interval's start
    (forward) or the previous interval's end (backward)."""
    if c < 0:
        return t
    lo = cal_ptr[c]
    hi = cal_ptr[c + 1]
    k = _last_le(iv_start, lo, hi, t)
    if k >= lo and t <= iv_end[k]:
        return t
    if forward:
        if k + 1 < hi:
            return iv_start[k + 1]
        return t
    if k >= lo:
        return iv_end[k]
    return t


# -- graph structure -------------------------------------------------------------------------


@njit(cache=True)
def adjacency(n, keys, other):
    """Links grouped by one end (a counting sort by ``keys``): (ptr, link index, other end)."""
    m = keys.shape[0]
    ptr = np.zeros(n + 1, dtype=np.int64)
    for li in range(m):
        ptr[keys[li] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    index = np.empty(m, dtype=np.int32)
    out_other = np.empty(m, dtype=np.int32)
    fill = ptr[:-1].copy()
    for li in range(m):
        key = keys[li]
        p = fill[key]
        fill[key] = p + 1
        index[p] = li
        out_other[p] = other[li]
    return ptr, index, out_other


@njit(cache=True)
def ranked(n, ptr, index, to, link_type, lag, elapsed):
    """Kahn's topological sort, writing the successor adjacency in rank order as it goes.

    Task q of the result is the q-th in topological order; the passes then walk tasks
    sequentially and mostly touch nearby successors, which keeps memory access local even
    when the input's numbering is random. Returns (order, count, rank, ptr, link index,
    successor ranks, types, lags, elapsed); count < n means a cycle among the rest.
    """
    m = to.shape[0]
    indegree = np.zeros(n, dtype=np.int32)
    for p in range(m):
        indegree[to[p]] += 1
    order = np.empty(n, dtype=np.int32)
    rank = np.full(n, -1, dtype=np.int32)
    r_ptr = np.zeros(n + 1, dtype=np.int64)
    r_link = np.empty(m, dtype=np.int32)
    r_to = np.empty(m, dtype=np.int32)
    r_type = np.empty(m, dtype=np.int8)
    r_lag = np.empty(m, dtype=np.float64)
    r_elapsed = np.empty(m, dtype=np.bool_)
    tail = 0
    for j in range(n):
        if indegree[j] == 0:
            order[tail] = j
            tail += 1
    head = 0
    out = 0
    while head < tail:
        i = order[head]
        rank[i] = head
        head += 1
        for p in range(ptr[i], ptr[i + 1]):
            k = to[p]
            li = index[p]
            r_link[out] = li
            r_to[out] = k
            r_type[out] = link_type[li]
            r_lag[out] = lag[li]
            r_elapsed[out] = elapsed[li]
            out += 1
            indegree[k] -= 1
            if indegree[k] == 0:
                order[tail] = k
                tail += 1
        r_ptr[head] = out
    if head == n:
        for p in range(m):
            r_to[p] = rank[r_to[p]]
    return order, head, rank, r_ptr, r_link, r_to, r_type, r_lag, r_elapsed


# -- the passes ------------------------------------------------------------------------------


@njit(cache=True)
def forward_pass(
    succ_ptr,
    succ_to,
    succ_type,
    succ_lag,
    succ_elapsed,
    duration,
    cal,
    start_bound,
    finish_bound,
    fixed_start,
    fixed_finish,
    remaining,
    status,
    cal_ptr,
    iv_start,
    iv_end,
    iv_cum,
    lag_on_pred=False,
    done_from_status=False,
):
    """Early start and finish of every task, indexed by topological rank.

    Working lags count in the successor's calendar (MS Project), or with ``lag_on_pred`` in
    the predecessor's (P6's default "lag calendar"). Finished work drives its successors from
    its actual finish (MS Project), or with ``done_from_status`` as P6 does: from its
    remaining early date — the status date or what its own predecessors allow, whichever is
    later, at its next working start.

    All arrays are in rank order (task q is the q-th in topological order). Each task, once
    placed, pushes its bounds to its successors, so only the successor adjacency is needed
    (the backward pass and the floats walk it too).
    """
    n = duration.shape[0]
    timed = cal_ptr.shape[0] > 1
    es = np.empty(n)
    ef = np.empty(n)
    lo_start = start_bound.copy()
    lo_finish = finish_bound.copy()
    # For done_from_status: whether a task has predecessors, and the latest their links give.
    size = n if done_from_status else 0  # not needed otherwise (the Monte Carlo calls this often)
    driven = np.zeros(size, dtype=np.bool_)
    pushed = np.full(size, -INF)
    for q in range(n):
        j = q
        c = cal[j]
        d = duration[j]
        lo_s = lo_start[q]
        lo_f = lo_finish[q]
        if d > 0.0:
            w = work_at(c, lo_s, cal_ptr, iv_start, iv_end, iv_cum)
            if lo_f > -INF:
                wf = work_at(c, lo_f, cal_ptr, iv_start, iv_end, iv_cum) - d
                if wf > w:
                    w = wf
            s = start_at(c, w, cal_ptr, iv_start, iv_end, iv_cum)
            f = finish_at(c, w + d, cal_ptr, iv_start, iv_end, iv_cum)
        else:
            s = milestone_at(c, lo_s, True, cal_ptr, iv_start, iv_end, iv_cum)
            if lo_f > s:
                s = milestone_at(c, lo_f, True, cal_ptr, iv_start, iv_end, iv_cum)
            f = s
        if not np.isnan(fixed_start[j]):
            s = fixed_start[j]
            f = (
                s
                if d <= 0.0
                else finish_at(
                    c,
                    work_at(c, s, cal_ptr, iv_start, iv_end, iv_cum) + d,
                    cal_ptr,
                    iv_start,
                    iv_end,
                    iv_cum,
                )
            )
        if not np.isnan(fixed_finish[j]):
            f = fixed_finish[j]
            if np.isnan(fixed_start[j]):
                s = (
                    f
                    if d <= 0.0
                    else start_at(
                        c,
                        work_at(c, f, cal_ptr, iv_start, iv_end, iv_cum) - d,
                        cal_ptr,
                        iv_start,
                        iv_end,
                        iv_cum,
                    )
                )
        elif not np.isnan(remaining[j]):
            # Started, not finished: the remaining work runs from the status date on.
            r0 = s if (np.isnan(status) or s > status) else status
            f = finish_at(
                c,
                work_at(c, r0, cal_ptr, iv_start, iv_end, iv_cum) + remaining[j],
                cal_ptr,
                iv_start,
                iv_end,
                iv_cum,
            )
        es[q] = s
        ef[q] = f
        # P6: finished work's remaining early date — the status date itself without
        # predecessors, else the latest their links allow, at its next working start.
        carry = done_from_status and not np.isnan(fixed_finish[j]) and not np.isnan(status)
        push = status
        if carry and driven[q]:
            push = start_at(c, work_at(c, pushed[q], cal_ptr, iv_start, iv_end, iv_cum),
                            cal_ptr, iv_start, iv_end, iv_cum)
        for p in range(succ_ptr[q], succ_ptr[q + 1]):
            k = succ_to[p]
            ck = cal[k] if timed else -1
            kind = succ_type[p]
            base = f if (kind == FS or kind == FF) else s
            lag = succ_lag[p]
            lc = c if (lag_on_pred and timed) else ck
            if succ_elapsed[p]:
                t = base + lag
            elif lag == 0.0:
                t = base
            else:
                t = finish_at(
                    lc,
                    work_at(lc, base, cal_ptr, iv_start, iv_end, iv_cum) + lag,
                    cal_ptr,
                    iv_start,
                    iv_end,
                    iv_cum,
                )
            if carry and t < push:
                # A lag reaching past the status date still counts from the actual dates.
                t = push
            if done_from_status:
                driven[k] = True
                if t > pushed[k]:
                    pushed[k] = t
            if kind == FS or kind == SS:
                if t > lo_start[k]:
                    lo_start[k] = t
            elif t > lo_finish[k]:
                lo_finish[k] = t
    return es, ef


@njit(cache=True)
def backward_pass(
    succ_ptr,
    succ_to,
    succ_type,
    succ_lag,
    succ_elapsed,
    duration,
    cal,
    start_limit,
    finish_limit,
    end_limit,
    fixed_start,
    fixed_finish,
    remaining,
    es,
    ef,
    cal_ptr,
    iv_start,
    iv_end,
    iv_cum,
    lag_on_pred=False,
):
    """Late start and finish of every task (by rank), in reverse topological order."""
    n = duration.shape[0]
    timed = cal_ptr.shape[0] > 1
    ls = np.empty(n)
    lf = np.empty(n)
    for q in range(n - 1, -1, -1):
        j = q
        c = cal[j]
        d = duration[j]
        hi_f = finish_limit[j]
        if end_limit < hi_f:
            hi_f = end_limit
        hi_s = start_limit[j]
        for p in range(succ_ptr[q], succ_ptr[q + 1]):
            k = succ_to[p]
            ck = (c if lag_on_pred else cal[k]) if timed else -1
            kind = succ_type[p]
            base = ls[k] if (kind == FS or kind == SS) else lf[k]
            if succ_elapsed[p]:
                t = base - succ_lag[p]
            elif succ_lag[p] == 0.0:
                t = base
            elif kind == FS or kind == SS:
                t = start_at(
                    ck,
                    work_at(ck, base, cal_ptr, iv_start, iv_end, iv_cum) - succ_lag[p],
                    cal_ptr,
                    iv_start,
                    iv_end,
                    iv_cum,
                )
            else:
                t = finish_at(
                    ck,
                    work_at(ck, base, cal_ptr, iv_start, iv_end, iv_cum) - succ_lag[p],
                    cal_ptr,
                    iv_start,
                    iv_end,
                    iv_cum,
                )
            if kind == FS or kind == FF:
                if t < hi_f:
                    hi_f = t
            elif t < hi_s:
                hi_s = t
        if (
            not np.isnan(fixed_finish[j])
            and np.isnan(remaining[j])
            and not np.isnan(fixed_start[j])
        ):
            # Finished work keeps its dates in both passes.
            ls[q] = es[q]
            lf[q] = ef[q]
            continue
        if d > 0.0:
            w = work_at(c, hi_f, cal_ptr, iv_start, iv_end, iv_cum)
            if hi_s < INF:
                ws = work_at(c, hi_s, cal_ptr, iv_start, iv_end, iv_cum) + d
                if ws < w:
                    w = ws
            f = finish_at(c, w, cal_ptr, iv_start, iv_end, iv_cum)
            s = start_at(c, w - d, cal_ptr, iv_start, iv_end, iv_cum)
        else:
            f = milestone_at(c, hi_f, False, cal_ptr, iv_start, iv_end, iv_cum)
            if hi_s < f:
                f = milestone_at(c, hi_s, False, cal_ptr, iv_start, iv_end, iv_cum)
            s = f
        if not np.isnan(fixed_start[j]) and np.isnan(remaining[j]) and np.isnan(fixed_finish[j]):
            # Must start on: the late start is the date too (predecessors get negative float).
            s = fixed_start[j]
            f = ef[q]
        elif not np.isnan(fixed_finish[j]) and np.isnan(fixed_start[j]):
            f = fixed_finish[j]
            s = es[q]
        elif not np.isnan(remaining[j]):
            s = es[q]
        ls[q] = s
        lf[q] = f
    return ls, lf


@njit(cache=True)
def floats(
    succ_ptr,
    succ_to,
    succ_type,
    succ_lag,
    succ_elapsed,
    cal,
    es,
    ef,
    lf,
    project_finish,
    cal_ptr,
    iv_start,
    iv_end,
    iv_cum,
    lag_on_pred=False,
):
    """Total float (late minus early finish) and free float, in working minutes of the task's
    calendar (for a link's slack, of the successor's calendar).

    Free float is how far a task can slip without delaying any successor or the project
    finish; like MS Project's free slack it is never negative and never above the total
    float when that is positive.
    """
    n = es.shape[0]
    timed = cal_ptr.shape[0] > 1
    total = np.empty(n)
    free = np.empty(n)
    # Each task's early dates in working minutes of its own calendar, found once: most links
    # join tasks of one calendar and then need no further lookup.
    w_es = np.empty(n)
    w_ef = np.empty(n)
    for j in range(n):
        w_es[j] = work_at(cal[j], es[j], cal_ptr, iv_start, iv_end, iv_cum)
        w_ef[j] = work_at(cal[j], ef[j], cal_ptr, iv_start, iv_end, iv_cum)
    for j in range(n):
        c = cal[j]
        total[j] = work_at(c, lf[j], cal_ptr, iv_start, iv_end, iv_cum) - w_ef[j]
        best = work_at(c, project_finish, cal_ptr, iv_start, iv_end, iv_cum) - w_ef[j]
        for p in range(succ_ptr[j], succ_ptr[j + 1]):
            k = succ_to[p]
            ck = cal[k] if timed else -1
            kind = succ_type[p]
            mine = ef[j] if (kind == FS or kind == FF) else es[j]
            theirs = es[k] if (kind == FS or kind == SS) else ef[k]
            if not succ_elapsed[p] and ck == c and not (lag_on_pred and succ_lag[p] != 0.0):
                w_mine = w_ef[j] if (kind == FS or kind == FF) else w_es[j]
                w_theirs = w_es[k] if (kind == FS or kind == SS) else w_ef[k]
                slack = w_theirs - (w_mine + succ_lag[p])
            elif succ_elapsed[p]:
                slack = work_at(ck, theirs, cal_ptr, iv_start, iv_end, iv_cum) - work_at(
                    ck, mine + succ_lag[p], cal_ptr, iv_start, iv_end, iv_cum
                )
            elif lag_on_pred and timed and succ_lag[p] != 0.0:
                # The lag runs on my calendar; the slack is measured on theirs.
                reach = finish_at(
                    c, work_at(c, mine, cal_ptr, iv_start, iv_end, iv_cum) + succ_lag[p],
                    cal_ptr, iv_start, iv_end, iv_cum,
                )
                slack = work_at(ck, theirs, cal_ptr, iv_start, iv_end, iv_cum) - work_at(
                    ck, reach, cal_ptr, iv_start, iv_end, iv_cum
                )
            else:
                slack = work_at(ck, theirs, cal_ptr, iv_start, iv_end, iv_cum) - (
                    work_at(ck, mine, cal_ptr, iv_start, iv_end, iv_cum) + succ_lag[p]
                )
            if slack < best:
                best = slack
        ceiling = total[j] if total[j] > 0.0 else 0.0
        if best > ceiling:
            best = ceiling
        free[j] = best if best > 0.0 else 0.0
    return total, free


@njit(cache=True)
def as_late_as_possible(
    alap, rollup, succ_ptr, succ_to, succ_type, succ_lag, duration, cal, es, ef, end_limit,
    cal_ptr, iv_start, iv_end, iv_cum, lag_on_pred=False,
):
    """Scheduled dates (by rank): early dates, except that as-late-as-possible tasks use up
    their free float against their successors' scheduled dates (so no successor moves).

    A summary's finish (``rollup``) does not hold a task back, as in MS Project and P6; it
    then rolls up the finishes of the tasks that moved.
    """
    timed = cal_ptr.shape[0] > 1
    start = es.copy()
    finish = ef.copy()
    for q in range(es.shape[0] - 1, -1, -1):
        j = q
        if not alap[j]:
            continue
        c = cal[j]
        room = work_at(c, end_limit, cal_ptr, iv_start, iv_end, iv_cum) - work_at(
            c, finish[q], cal_ptr, iv_start, iv_end, iv_cum)
        by_start = False  # the binding limit is a successor's start (a milestone sits there)
        for p in range(succ_ptr[q], succ_ptr[q + 1]):
            k = succ_to[p]
            if rollup[k]:
                continue
            ck = cal[k] if timed else -1
            kind = succ_type[p]
            from_finish = kind == FS or kind == FF
            to_start = kind == FS or kind == SS
            theirs = start[k] if to_start else finish[k]
            # The latest moment for my end, found in the calendar the lag runs on, then
            # measured in mine: calendars differ in working minutes per week. Without a lag
            # the moment itself: my calendar, not theirs, says which minute before it is mine.
            moment = theirs
            if succ_lag[p] != 0.0:
                lc = c if (lag_on_pred and timed) else ck
                w_limit = work_at(lc, theirs, cal_ptr, iv_start, iv_end, iv_cum) - succ_lag[p]
                if from_finish:
                    moment = finish_at(lc, w_limit, cal_ptr, iv_start, iv_end, iv_cum)
                else:
                    moment = start_at(lc, w_limit, cal_ptr, iv_start, iv_end, iv_cum)
            mine = finish[q] if from_finish else start[q]
            slack = work_at(c, moment, cal_ptr, iv_start, iv_end, iv_cum) - work_at(
                c, mine, cal_ptr, iv_start, iv_end, iv_cum)
            if slack < room:
                room = slack
                by_start = to_start
        if room > 0.0:
            w = work_at(c, start[q], cal_ptr, iv_start, iv_end, iv_cum) + room
            d = duration[j]
            if d > 0.0:
                start[q] = start_at(c, w, cal_ptr, iv_start, iv_end, iv_cum)
                finish[q] = finish_at(c, w + d, cal_ptr, iv_start, iv_end, iv_cum)
            else:
                # A milestone held by a successor's start takes that start (08:00, as P6
                # shows it), otherwise the end of the working time it reaches.
                if by_start:
                    start[q] = start_at(c, w, cal_ptr, iv_start, iv_end, iv_cum)
                else:
                    start[q] = finish_at(c, w, cal_ptr, iv_start, iv_end, iv_cum)
                finish[q] = start[q]
    # Summaries' finishes follow their moved tasks (ranks run from tasks to summaries).
    for q in range(es.shape[0]):
        for p in range(succ_ptr[q], succ_ptr[q + 1]):
            k = succ_to[p]
            if rollup[k] and finish[q] > finish[k]:
                finish[k] = finish[q]
                start[k] = finish[q]
    return start, finish
