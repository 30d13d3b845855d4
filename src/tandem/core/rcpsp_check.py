"""An independent feasibility checker for levelled schedules: every link's lag and every
resource's capacity in every period, checked the plain way (no shared code with the
schedulers it checks)."""

from __future__ import annotations

import numpy as np


def violations(
    start: np.ndarray,
    duration: np.ndarray,
    link_from: np.ndarray,
    link_to: np.ndarray,
    lag: np.ndarray,
    demand: np.ndarray,
    capacity: np.ndarray,
) -> list[str]:
    """Human-readable violations; an empty list means the schedule is feasible."""
    problems = []
    if (start < 0).any():
        problems.append(f"activity {int(np.argmin(start))} has no start")
        return problems
    for a, b, l in zip(link_from.tolist(), link_to.tolist(), lag.tolist(), strict=True):  # noqa: E741
        if start[b] < start[a] + l:
            problems.append(f"link {a}->{b}: start {start[b]} < {start[a]} + {l}")
    end = int((start + duration).max()) if len(start) else 0
    for r in range(len(capacity)):
        used = np.zeros(end + 1, dtype=np.int64)
        for j in range(len(start)):
            if demand[j, r] and duration[j]:
                used[start[j] : start[j] + duration[j]] += demand[j, r]
        for t in np.flatnonzero(used > capacity[r]).tolist():
            problems.append(f"resource {r} period {t}: {used[t]} > {capacity[r]}")
    return problems
