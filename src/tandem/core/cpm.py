"""The critical path method over task networks held as arrays.

Build a ``Network`` (arrays of durations, links, bounds and calendars), ``prepare`` it once
(graph order, refusing cycles) and ``schedule`` it as often as durations or dates change: the
forward and backward passes, total and free float, critical tasks and the project finish.

Link rules, with lag (negative = lead):
FS: start(b) >= finish(a) + lag;  SS: start(b) >= start(a) + lag;
FF: finish(b) >= finish(a) + lag; SF: finish(b) >= start(a) + lag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np

from tandem.core import cpm_kernels as k
from tandem.errors import Conflict, Invalid

NO_DATE = np.nan
# Float comparisons of sums of durations: treat anything within this of zero as zero.
EPSILON = 1e-6


class LinkType(IntEnum):
    FS = 0
    SS = 1
    FF = 2
    SF = 3


class DependencyCycle(Conflict):
    """The links form a cycle; ``cycle`` lists the tasks of one, in link order."""

    default_code = "task.dependency_cycle"

    def __init__(self, cycle: list[str]) -> None:
        loop = " → ".join([*cycle, cycle[0]])
        super().__init__(f"These links form a cycle: {loop}.", details={"cycle": cycle})
        self.cycle = cycle


@dataclass(frozen=True)
class CalendarArrays:
    """Calendars flattened for the compiled passes (see core.calendar.IntervalTable)."""

    ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cum: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def stack(cls, tables: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> CalendarArrays:
        """Concatenate (starts, ends, cum) of several calendars sharing one origin."""
        if not tables:
            return cls()
        sizes = [len(t[0]) for t in tables]
        ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        return cls(
            ptr=ptr,
            starts=np.concatenate([t[0] for t in tables]).astype(np.float64),
            ends=np.concatenate([t[1] for t in tables]).astype(np.float64),
            cum=np.concatenate([t[2] for t in tables]).astype(np.float64),
        )

    def span(self, c: int) -> tuple[float, float]:
        """The elapsed range calendar c covers."""
        lo, hi = int(self.ptr[c]), int(self.ptr[c + 1])
        return float(self.starts[lo]), float(self.ends[hi - 1])


@dataclass
class Network:
    """A task network as arrays; index i is task i. Build with ``Network.create``.

    Bounds are elapsed times (or plain numbers): ``start_bound``/``finish_bound`` push early
    dates later (project start, status date, start/finish no earlier than); ``start_limit``/
    ``finish_limit`` pull late dates earlier (start/finish no later than, deadlines);
    ``fixed_start``/``fixed_finish`` pin dates (must start/finish on, actual dates);
    ``remaining`` is the remaining duration of started, unfinished tasks.
    """

    duration: np.ndarray
    link_from: np.ndarray
    link_to: np.ndarray
    link_type: np.ndarray
    lag: np.ndarray
    lag_elapsed: np.ndarray
    calendar: np.ndarray
    start_bound: np.ndarray
    finish_bound: np.ndarray
    start_limit: np.ndarray
    finish_limit: np.ndarray
    fixed_start: np.ndarray
    fixed_finish: np.ndarray
    remaining: np.ndarray
    alap: np.ndarray
    project_start: float = 0.0
    deadline: float | None = None
    status: float = NO_DATE
    calendars: CalendarArrays = field(default_factory=CalendarArrays)
    # Nodes that only roll up their tasks' finishes (a summary's finish): as-late-as-possible
    # tasks are not held back by them, and they follow the tasks that moved.
    rollup: np.ndarray | None = None
    # Working lags count in the predecessor's calendar (P6's default) instead of the successor's.
    lag_on_predecessor: bool = False
    # Finished work drives its successors from the status date through the logic (P6).
    finished_from_status: bool = False

    @classmethod
    def create(
        cls,
        duration: np.ndarray,
        link_from: np.ndarray,
        link_to: np.ndarray,
        link_type: np.ndarray | None = None,
        lag: np.ndarray | None = None,
        *,
        project_start: float = 0.0,
        deadline: float | None = None,
    ) -> Network:
        """A network with default bounds: everything as soon as possible from project_start."""
        n = len(duration)
        m = len(link_from)
        return cls(
            duration=np.asarray(duration, dtype=np.float64),
            link_from=np.asarray(link_from, dtype=np.int32),
            link_to=np.asarray(link_to, dtype=np.int32),
            link_type=np.zeros(m, np.int8) if link_type is None else np.asarray(link_type, np.int8),
            lag=np.zeros(m) if lag is None else np.asarray(lag, dtype=np.float64),
            lag_elapsed=np.zeros(m, dtype=np.bool_),
            calendar=np.full(n, -1, dtype=np.int32),
            start_bound=np.full(n, float(project_start)),
            finish_bound=np.full(n, -np.inf),
            start_limit=np.full(n, np.inf),
            finish_limit=np.full(n, np.inf),
            fixed_start=np.full(n, NO_DATE),
            fixed_finish=np.full(n, NO_DATE),
            remaining=np.full(n, NO_DATE),
            alap=np.zeros(n, dtype=np.bool_),
            project_start=float(project_start),
            deadline=deadline,
        )

    @property
    def size(self) -> int:
        return int(self.duration.shape[0])

    def validate(self, names: list[str] | None = None) -> None:
        """Refuse negative durations and links to tasks that do not exist."""
        name = (lambda i: names[i]) if names else str
        if self.duration.size and float(self.duration.min()) < 0:
            bad = int(np.argmin(self.duration))
            raise Invalid(f"Task {name(bad)} has a negative duration.", field="duration")
        n = self.size
        for ends in (self.link_from, self.link_to):
            if ends.size and (int(ends.min()) < 0 or int(ends.max()) >= n):
                raise Invalid("A link refers to a task that does not exist.", field="links")
        if self.link_type.size and (int(self.link_type.min()) < 0 or int(self.link_type.max()) > 3):
            raise Invalid("Link types are FS, SS, FF or SF.", field="links")


@dataclass(frozen=True)
class Schedule:
    """Results per task (arrays by task index) and for the whole network."""

    early_start: np.ndarray
    early_finish: np.ndarray
    late_start: np.ndarray
    late_finish: np.ndarray
    total_float: np.ndarray
    free_float: np.ndarray
    start_alap: np.ndarray | None
    finish_alap: np.ndarray | None
    order: np.ndarray
    project_finish: float
    end_limit: float

    @property
    def start(self) -> np.ndarray:
        """Scheduled starts: early starts, later for as-late-as-possible tasks."""
        return self.early_start if self.start_alap is None else self.start_alap

    @property
    def finish(self) -> np.ndarray:
        return self.early_finish if self.finish_alap is None else self.finish_alap

    @property
    def critical(self) -> np.ndarray:
        """Tasks with total float of zero or less."""
        return np.asarray(self.total_float <= EPSILON)


class PreparedNetwork:
    """A network with its graph structure (adjacency and topological order) computed once.

    Changing durations, bounds or lags and calling ``schedule`` again reuses the structure,
    which is what makes rescheduling after one edit fast.
    """

    def __init__(self, network: Network, names: list[str] | None = None) -> None:
        network.validate(names)
        self.network = network
        net = network
        n = net.size
        ptr, index, to = k.adjacency(n, net.link_from, net.link_to)
        order, count, *ranked = k.ranked(n, ptr, index, to, net.link_type, net.lag, net.lag_elapsed)
        if count < n:
            cycle = self._find_cycle(order[:count])
            raise DependencyCycle([names[i] if names else str(i) for i in cycle])
        self.order = order
        self.names = names
        # From here on tasks are numbered by topological rank (see cpm_kernels.ranked). The
        # link indices are not kept: a change to links prepares the network again.
        (
            self.rank, self.succ_ptr, _, self.succ_to,
            self.succ_type, self.succ_lag, self.succ_elapsed,
        ) = ranked  # fmt: skip
        del ranked, ptr, index, to
        self._constants: dict[tuple[str, float], np.ndarray] = {}
        self.refresh_tasks()

    def refresh_tasks(self) -> None:
        """Copy the tasks' attributes into rank order; call after changing them in place.

        ``set_duration`` keeps both copies in step for the common single edit.
        """
        net, order = self.network, self.order
        self.duration = net.duration[order]  # always a copy of its own: edits write into it
        self.calendar = self._ranked(net.calendar)
        self.start_bound = self._ranked(net.start_bound)
        self.finish_bound = self._ranked(net.finish_bound)
        self.start_limit = self._ranked(net.start_limit)
        self.finish_limit = self._ranked(net.finish_limit)
        self.fixed_start = self._ranked(net.fixed_start)
        self.fixed_finish = self._ranked(net.fixed_finish)
        self.remaining = self._ranked(net.remaining)
        self.alap = self._ranked(net.alap)
        self.rollup = self._ranked(
            np.zeros(net.size, dtype=np.bool_) if net.rollup is None else net.rollup
        )

    def _ranked(self, values: np.ndarray) -> np.ndarray:
        """``values`` in rank order; one shared read-only array when all values are equal
        (most tasks carry no constraint, so most of these columns are constant)."""
        if values.size:
            first = values[0]
            same = bool((values == first).all()) or (
                values.dtype.kind == "f" and bool(np.isnan(values).all())
            )
            if same:
                key = (values.dtype.str, float(first))
                constant = self._constants.get(key)
                if constant is None or constant.size != values.size:
                    constant = np.full(values.size, first, dtype=values.dtype)
                    constant.flags.writeable = False
                    self._constants[key] = constant
                return constant
        return values[self.order]

    def set_duration(self, task: int, duration: float) -> None:
        """Change one task's duration (in the caller's numbering) for the next schedule."""
        self.set_values(task, duration=duration)

    def set_values(self, task: int, **values: float) -> None:
        """Change columns of one task (``duration``, ``start_bound`` ... as in ``Network``)
        in the network and in the rank-ordered copies, for the next schedule."""
        net, place = self.network, int(self.rank[task])
        for name, value in values.items():
            getattr(net, name)[task] = value
            ranked = getattr(self, name)
            if ranked.flags.writeable:
                ranked[place] = value
            else:  # a shared constant column: give this network its own copy now
                setattr(self, name, getattr(net, name)[self.order])

    def _find_cycle(self, ordered: np.ndarray) -> list[int]:
        """One cycle among the tasks Kahn's algorithm could not order."""
        net = self.network
        done = np.zeros(net.size, dtype=bool)
        done[ordered] = True
        among = ~done[net.link_from] & ~done[net.link_to]
        predecessor: dict[int, int] = {}
        for before, after in zip(
            net.link_from[among].tolist(), net.link_to[among].tolist(), strict=True
        ):
            predecessor.setdefault(after, before)
        # Every unordered task has an unordered predecessor: walk back until one repeats.
        node = next(iter(predecessor))
        seen: dict[int, int] = {}
        path: list[int] = []
        while node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = predecessor[node]
        cycle = path[seen[node] :]
        cycle.reverse()
        return cycle

    def schedule(self, *, continuous: bool = False) -> Schedule:
        """Run both passes and the floats over the current arrays.

        ``continuous`` ignores the calendars (working time runs around the clock): a quick
        estimate of a dated project's span before its calendar tables are sized.
        """
        net = self.network
        cal = CalendarArrays() if continuous else net.calendars
        cal_args = (cal.ptr, cal.starts, cal.ends, cal.cum)
        calendar = np.full(net.size, -1, dtype=np.int32) if continuous else self.calendar
        succ = (self.succ_ptr, self.succ_to, self.succ_type, self.succ_lag)
        fixed = (self.fixed_start, self.fixed_finish, self.remaining)
        es, ef = k.forward_pass(
            *succ, self.succ_elapsed, self.duration, calendar,
            self.start_bound, self.finish_bound, *fixed, net.status, *cal_args,
            net.lag_on_predecessor, net.finished_from_status,
        )  # fmt: skip
        project_finish = float(ef.max()) if ef.size else net.project_start
        end_limit = project_finish if net.deadline is None else float(net.deadline)
        ls, lf = k.backward_pass(
            *succ, self.succ_elapsed, self.duration, calendar,
            self.start_limit, self.finish_limit, end_limit, *fixed, es, ef, *cal_args,
            net.lag_on_predecessor,
        )  # fmt: skip
        total, free = k.floats(
            *succ, self.succ_elapsed, calendar, es, ef, lf, project_finish, *cal_args,
            net.lag_on_predecessor,
        )  # fmt: skip
        start = finish = None
        if self.alap.any():
            start, finish = k.as_late_as_possible(
                self.alap, self.rollup, *succ, self.duration, calendar, es, ef, end_limit,
                *cal_args, net.lag_on_predecessor,
            )  # fmt: skip
        # Back to the caller's task numbering, letting each rank-ordered array go once copied.
        back = self.rank
        columns = {"early_start": es, "early_finish": ef, "late_start": ls, "late_finish": lf,
                   "total_float": total, "free_float": free, "start_alap": start,
                   "finish_alap": finish}  # fmt: skip
        del es, ef, ls, lf, total, free, start, finish
        out: dict[str, Any] = {}
        for name in list(columns):
            column = columns.pop(name)
            out[name] = None if column is None else column[back]
        return Schedule(**out, order=self.order, project_finish=project_finish, end_limit=end_limit)


def schedule(network: Network, names: list[str] | None = None) -> Schedule:
    """Prepare and schedule a network in one call."""
    return PreparedNetwork(network, names).schedule()
