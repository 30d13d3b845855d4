"""Compiled Monte Carlo passes: every iteration draws its durations from a counter-based
random stream (the same numbers whatever thread runs it, so a seed reproduces a forecast
exactly) and runs the critical-path forward pass of ``cpm_kernels``; tasks on a critical path
are marked. Iterations run in parallel in fixed chunks, whose sums are added in order."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from tandem.core.cpm_kernels import (
    FF,
    FS,
    SS,
    backward_pass,
    finish_at,
    forward_pass,
    start_at,
    work_at,
)

EPS = 1e-6
FIXED, TRIANGULAR, TABLE = 0, 1, 2


@njit(cache=True, inline="always")
def uniform(seed, stream, index):
    """A uniform number in [0, 1) for (seed, stream, index): splitmix64 of the counter."""
    z = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(stream) * np.uint64(0xD1B54A32D192ED03) + np.uint64(index)
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def draw(u, low, mode, high, kind, table):
    """One duration from its estimate: fixed, triangular (inverse distribution function) or
    from a tabulated inverse distribution function on [0, 1] (PERT-beta)."""
    if kind == FIXED:
        return low
    span = high - low
    if kind == TRIANGULAR:
        cut = (mode - low) / span
        if u < cut:
            return low + np.sqrt(u * span * (mode - low))
        return high - np.sqrt((1.0 - u) * span * (high - mode))
    grid = table.shape[0] - 1
    pos = u * grid
    i = int(pos)
    if i >= grid:
        i = grid - 1
    frac = pos - i
    return low + span * (table[i] + frac * (table[i + 1] - table[i]))


@njit(cache=True)
def draw_many(seed, iterations, low, mode, high, kind, which, tables):
    """The durations the simulation draws, as a (iterations, tasks) array (for tests)."""
    n = low.shape[0]
    out = np.empty((iterations, n))
    for it in range(iterations):
        for j in range(n):
            out[it, j] = draw(uniform(seed, it, j), low[j], mode[j], high[j], kind[j], tables[which[j]])
    return out


@njit(cache=True)
def to_working(c, values, cal_ptr, iv_start, iv_end, iv_cum):
    """Times on the elapsed axis as working minutes of calendar c (NaN and infinities kept)."""
    out = values.copy()
    for i in range(values.shape[0]):
        if np.isfinite(values[i]):
            out[i] = work_at(c, values[i], cal_ptr, iv_start, iv_end, iv_cum)
    return out


@njit(cache=True)
def start_like(c, values, cal_ptr, iv_start, iv_end, iv_cum):
    """Which times sit where a start would (08:00, or outside working time) rather than where
    a finish would (17:00) for the same working minute."""
    out = np.zeros(values.shape[0], dtype=np.bool_)
    for i in range(values.shape[0]):
        v = values[i]
        if np.isfinite(v):
            w = work_at(c, v, cal_ptr, iv_start, iv_end, iv_cum)
            out[i] = v > finish_at(c, w, cal_ptr, iv_start, iv_end, iv_cum) + EPS
    return out


@njit(cache=True)
def to_elapsed(c, working, like, cal_ptr, iv_start, iv_end, iv_cum):
    """Working minutes back to elapsed times: as a start where ``like`` says, else a finish."""
    flat = working.ravel()
    flags = like.ravel()
    out = np.empty(flat.shape[0])
    for i in range(flat.shape[0]):
        if flags[i]:
            out[i] = start_at(c, flat[i], cal_ptr, iv_start, iv_end, iv_cum)
        else:
            out[i] = finish_at(c, flat[i], cal_ptr, iv_start, iv_end, iv_cum)
    return out.reshape(working.shape)


@njit(cache=True)
def boundary_flags(es, ef, duration, succ_ptr, succ_to, succ_type, succ_lag, start_bound,
                   finish_bound, bound_like, fixed_start, fixed_finish, fixed_like, remaining,
                   c, cal_ptr, iv_start, iv_end, iv_cum, s_like, f_like, needs_start):
    """For a schedule computed in working minutes of one calendar: whether each start and
    finish sits at a start position (08:00 the next day) or a finish position (17:00) where
    the two share a working minute, as the calendar passes would have placed it.

    Only zero-duration tasks and starts are ambiguous: a milestone takes the latest of its
    bounds and, on a tie, a start position wins (08:00 Tuesday is after 17:00 Monday).
    ``bound_like`` holds the flags of the start and finish bounds, ``fixed_like`` of the
    fixed start and finish (rows 0 and 1). The start position of a task that lasts is looked
    up in the calendar only where ``needs_start`` says a milestone depends on it (a
    start-to-start or start-to-finish link without lag): no other result reads it."""
    n = es.shape[0]
    best_s = start_bound.copy()
    best_f = finish_bound.copy()
    like_s = bound_like[0].copy()
    like_f = bound_like[1].copy()
    for j in range(n):
        if duration[j] > 0.0:
            sl = False
            if needs_start[j]:
                a = start_at(c, es[j], cal_ptr, iv_start, iv_end, iv_cum)
                sl = a > finish_at(c, es[j], cal_ptr, iv_start, iv_end, iv_cum) + EPS
            fl = False
        else:
            if best_f[j] > best_s[j] + EPS:
                sl = like_f[j]
            elif best_f[j] >= best_s[j] - EPS:
                sl = like_s[j] or like_f[j]
            else:
                sl = like_s[j]
            fl = sl
        if not np.isnan(fixed_start[j]):
            sl = fixed_like[0, j]
            if duration[j] <= 0.0:
                fl = sl
        if not np.isnan(fixed_finish[j]):
            fl = fixed_like[1, j]
            if np.isnan(fixed_start[j]) and duration[j] <= 0.0:
                sl = fl
        elif not np.isnan(remaining[j]):
            fl = False
        s_like[j] = sl
        f_like[j] = fl
        for p in range(succ_ptr[j], succ_ptr[j + 1]):
            k = succ_to[p]
            kind = succ_type[p]
            lag = succ_lag[p]
            if kind == FS or kind == FF:
                w = ef[j] + lag
                flag = fl and lag == 0.0
            else:
                w = es[j] + lag
                flag = sl and lag == 0.0
            if kind == FS or kind == SS:  # these bound the start
                if w > best_s[k] + EPS:
                    best_s[k] = w
                    like_s[k] = flag
                elif w >= best_s[k] - EPS:
                    like_s[k] = like_s[k] or flag
            else:
                if w > best_f[k] + EPS:
                    best_f[k] = w
                    like_f[k] = flag
                elif w >= best_f[k] - EPS:
                    like_f[k] = like_f[k] or flag


@njit(cache=True)
def mark_critical(es, ef, end, succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, duration,
                  cal, start_limit, finish_limit, fixed_start, fixed_finish, remaining, done,
                  cal_ptr, iv_start, iv_end, iv_cum, out):
    """Tasks with no total float against this iteration's finish, by the core's backward pass
    (so criticality means what the deterministic schedule means by it); finished work never."""
    _, lf = backward_pass(succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, duration, cal,
                           start_limit, finish_limit, end, fixed_start, fixed_finish, remaining,
                           es, ef, cal_ptr, iv_start, iv_end, iv_cum)
    for j in range(es.shape[0]):
        c = cal[j]
        total = work_at(c, lf[j], cal_ptr, iv_start, iv_end, iv_cum) - work_at(
            c, ef[j], cal_ptr, iv_start, iv_end, iv_cum)
        out[j] = total <= EPS and not done[j]


@njit(cache=True, parallel=True)
def simulate(seed, iterations, chunks, low, mode, high, kind, which, tables, planned, remaining,
             succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, cal, start_bound,
             finish_bound, start_limit, finish_limit, fixed_start, fixed_finish, done, status,
             cal_ptr, iv_start, iv_end, iv_cum, watch, flag_cal, bound_like, fixed_like,
             f_ptr, f_start, f_end, f_cum, cost_rate, needs_start):
    """``iterations`` simulated schedules. Returns the project finish and the ``watch``ed
    tasks' finishes per iteration, and per task: how often critical, and the sums of its
    duration, its square and its product with the finish (for correlations).

    With ``flag_cal`` >= 0 the passes run in working minutes of that one calendar (tables
    ``f_*``), and each finish also says whether it sits at a start position (see
    ``boundary_flags``), so it converts back to exactly the time the calendar passes give.
    ``cost_rate`` (per unit of duration) prices the work still to do in each iteration."""
    n = low.shape[0]
    finish = np.empty(iterations)
    watched = np.empty((iterations, watch.shape[0]))
    finish_like = np.zeros(iterations, dtype=np.bool_)
    cost = np.zeros(iterations)
    watched_like = np.zeros((iterations, watch.shape[0]), dtype=np.bool_)
    crit = np.zeros((chunks, n))
    sx = np.zeros((chunks, n))
    sxx = np.zeros((chunks, n))
    sxy = np.zeros((chunks, n))
    size = (iterations + chunks - 1) // chunks
    for c in prange(chunks):
        duration = np.empty(n)
        left = np.empty(n)
        critical = np.zeros(n, dtype=np.bool_)
        s_like = np.zeros(n, dtype=np.bool_)
        f_like = np.zeros(n, dtype=np.bool_)
        for it in range(c * size, min((c + 1) * size, iterations)):
            for j in range(n):
                duration[j] = draw(uniform(seed, it, j), low[j], mode[j], high[j], kind[j], tables[which[j]])
                left[j] = remaining[j]
                # Started work: what is left scales with the sampled duration.
                if not np.isnan(left[j]) and planned[j] > 0.0:
                    left[j] = remaining[j] * duration[j] / planned[j]
            es, ef = forward_pass(succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, duration,
                                  cal, start_bound, finish_bound, fixed_start, fixed_finish, left,
                                  status, cal_ptr, iv_start, iv_end, iv_cum)
            end = ef.max() if n else 0.0
            finish[it] = end
            for w in range(watch.shape[0]):
                watched[it, w] = ef[watch[w]]
            if flag_cal >= 0:
                boundary_flags(es, ef, duration, succ_ptr, succ_to, succ_type, succ_lag,
                               start_bound, finish_bound, bound_like, fixed_start, fixed_finish,
                               fixed_like, left, flag_cal, f_ptr, f_start, f_end, f_cum, s_like,
                               f_like, needs_start)
                for j in range(n):
                    if f_like[j] and ef[j] >= end - EPS:
                        finish_like[it] = True
                for w in range(watch.shape[0]):
                    watched_like[it, w] = f_like[watch[w]]
            mark_critical(es, ef, end, succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed,
                          duration, cal, start_limit, finish_limit, fixed_start, fixed_finish,
                          left, done, cal_ptr, iv_start, iv_end, iv_cum, critical)
            spend = 0.0
            for j in range(n):
                d = duration[j]
                if cost_rate[j] != 0.0 and not done[j]:
                    spend += cost_rate[j] * (d if np.isnan(left[j]) else left[j])
                if critical[j]:
                    crit[c, j] += 1.0
                sx[c, j] += d
                sxx[c, j] += d * d
                sxy[c, j] += d * end
            cost[it] = spend
    total_crit = np.zeros(n)
    total_x = np.zeros(n)
    total_xx = np.zeros(n)
    total_xy = np.zeros(n)
    for c in range(chunks):
        total_crit += crit[c]
        total_x += sx[c]
        total_xx += sxx[c]
        total_xy += sxy[c]
    return (finish, watched, finish_like, watched_like, cost, total_crit, total_x, total_xx,
            total_xy)
