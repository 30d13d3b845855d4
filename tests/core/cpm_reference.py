"""An obviously correct reference for the critical path: Bellman-Ford relaxation of the link
inequalities in continuous time, written for clarity, not speed."""

from __future__ import annotations

from dataclasses import dataclass

FS, SS, FF, SF = 0, 1, 2, 3


@dataclass
class RefTask:
    duration: float
    snet: float | None = None  # start no earlier than
    fnet: float | None = None
    snlt: float | None = None
    fnlt: float | None = None
    mso: float | None = None  # must start on
    deadline: float | None = None


def reference(
    tasks: list[RefTask],
    links: list[tuple[int, int, int, float]],
    deadline: float | None = None,
) -> dict[str, list[float] | float]:
    n = len(tasks)
    d = [t.duration for t in tasks]
    # Forward: start(j) >= bound, raised by every link until nothing changes.
    es = [
        max(0.0, t.snet or 0.0, (t.fnet - t.duration) if t.fnet is not None else 0.0) for t in tasks
    ]
    for j, t in enumerate(tasks):
        if t.mso is not None:
            es[j] = t.mso
    for _ in range(n + 1):
        changed = False
        for i, j, kind, lag in links:
            if tasks[j].mso is not None:
                continue
            need = {
                FS: es[i] + d[i] + lag,
                SS: es[i] + lag,
                FF: es[i] + d[i] + lag - d[j],
                SF: es[i] + lag - d[j],
            }[kind]
            if need > es[j] + 1e-9:
                es[j] = need
                changed = True
        if not changed:
            break
    ef = [es[i] + d[i] for i in range(n)]
    finish = max(ef) if ef else 0.0
    end = finish if deadline is None else deadline
    # Backward: late start(i) <= limit, lowered by every link until nothing changes.
    ls = []
    for t in tasks:
        limit = end - t.duration
        if t.snlt is not None:
            limit = min(limit, t.snlt)
        if t.fnlt is not None:
            limit = min(limit, t.fnlt - t.duration)
        if t.deadline is not None:
            limit = min(limit, t.deadline - t.duration)
        if t.mso is not None:
            limit = t.mso
        ls.append(limit)
    for _ in range(n + 1):
        changed = False
        for i, j, kind, lag in links:
            if tasks[i].mso is not None:
                continue
            allow = {
                FS: ls[j] - lag - d[i],
                SS: ls[j] - lag,
                FF: ls[j] + d[j] - lag - d[i],
                SF: ls[j] + d[j] - lag,
            }[kind]
            if allow < ls[i] - 1e-9:
                ls[i] = allow
                changed = True
        if not changed:
            break
    lf = [ls[i] + d[i] for i in range(n)]
    free = []
    for i in range(n):
        slacks = [
            {
                FS: es[j] - (ef[i] + lag),
                SS: es[j] - (es[i] + lag),
                FF: ef[j] - (ef[i] + lag),
                SF: ef[j] - (es[i] + lag),
            }[kind]
            for a, j, kind, lag in links
            if a == i
        ]
        # Free float: slip without delaying a successor or the finish, within [0, max(tf, 0)].
        best = min([*slacks, finish - ef[i]])
        free.append(min(max(best, 0.0), max(ls[i] - es[i], 0.0)))
    return {
        "es": es,
        "ef": ef,
        "ls": ls,
        "lf": lf,
        "tf": [ls[i] - es[i] for i in range(n)],
        "ff": free,
        "finish": finish,
    }
