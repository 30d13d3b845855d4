"""Compiled Monte Carlo passes: every iteration draws its durations from a counter-based
random stream (the same numbers whatever thread runs it, so a seed reproduces a forecast
exactly) and runs the critical-path forward pass of ``cpm_kernels``; tasks on a critical path
are marked. Iterations run in parallel in fixed chunks, whose sums are added in order."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from tandem.core.cpm_kernels import FF, FS, SS, finish_at, forward_pass, work_at

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
def mark_critical(es, ef, end, succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, cal,
                  cal_ptr, iv_start, iv_end, iv_cum, out):
    """Tasks on a critical path (ties included): those finishing the project, and every task
    whose link drives a critical successor's dates."""
    n = es.shape[0]
    timed = cal_ptr.shape[0] > 1
    for j in range(n - 1, -1, -1):
        out[j] = False
        if ef[j] >= end - EPS:
            out[j] = True
            continue
        for p in range(succ_ptr[j], succ_ptr[j + 1]):
            k = succ_to[p]
            if not out[k]:
                continue
            kind = succ_type[p]
            base = ef[j] if (kind == FS or kind == FF) else es[j]
            ck = cal[k] if timed else -1
            lag = succ_lag[p]
            if succ_elapsed[p]:
                t = base + lag
            elif lag == 0.0:
                t = base
            else:
                t = finish_at(ck, work_at(ck, base, cal_ptr, iv_start, iv_end, iv_cum) + lag,
                              cal_ptr, iv_start, iv_end, iv_cum)
            theirs = es[k] if (kind == FS or kind == SS) else ef[k]
            # Compare in the successor's working time: 17:00 drives 08:00 the next morning.
            if work_at(ck, t, cal_ptr, iv_start, iv_end, iv_cum) >= work_at(
                    ck, theirs, cal_ptr, iv_start, iv_end, iv_cum) - EPS:
                out[j] = True
                break


@njit(cache=True, parallel=True)
def simulate(seed, iterations, chunks, low, mode, high, kind, which, tables, planned, remaining,
             succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, cal, start_bound,
             finish_bound, fixed_start, fixed_finish, status, cal_ptr, iv_start, iv_end,
             iv_cum, watch):
    """``iterations`` simulated schedules. Returns the project finish and the ``watch``ed
    tasks' finishes per iteration, and per task: how often critical, and the sums of its
    duration, its square and its product with the finish (for correlations)."""
    n = low.shape[0]
    finish = np.empty(iterations)
    watched = np.empty((iterations, watch.shape[0]))
    crit = np.zeros((chunks, n))
    sx = np.zeros((chunks, n))
    sxx = np.zeros((chunks, n))
    sxy = np.zeros((chunks, n))
    size = (iterations + chunks - 1) // chunks
    for c in prange(chunks):
        duration = np.empty(n)
        left = np.empty(n)
        critical = np.zeros(n, dtype=np.bool_)
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
            mark_critical(es, ef, end, succ_ptr, succ_to, succ_type, succ_lag, succ_elapsed, cal,
                          cal_ptr, iv_start, iv_end, iv_cum, critical)
            for j in range(n):
                d = duration[j]
                if critical[j]:
                    crit[c, j] += 1.0
                sx[c, j] += d
                sxx[c, j] += d * d
                sxy[c, j] += d * end
    total_crit = np.zeros(n)
    total_x = np.zeros(n)
    total_xx = np.zeros(n)
    total_xy = np.zeros(n)
    for c in range(chunks):
        total_crit += crit[c]
        total_x += sx[c]
        total_xx += sxx[c]
        total_xy += sxy[c]
    return finish, watched, total_crit, total_x, total_xx, total_xy
