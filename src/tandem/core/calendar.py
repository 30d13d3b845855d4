"""Working calendars: which minutes of which days are working time, and converting both ways.

A calendar has working hours per weekday, dated exceptions (holidays, or other hours on one
day) and may derive from a base calendar: a resource calendar inherits the base calendar's week
and holidays and overrides what it names. Durations are counted in working minutes.

For the scheduling passes a calendar is flattened into sorted arrays of working intervals
(minutes from an origin) with the working minutes accumulated before each interval
(``IntervalTable``), so conversions are binary searches inside compiled code.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

import numpy as np

Interval = tuple[int, int]  # minutes from midnight, [start, end)
DayHours = tuple[Interval, ...]

STANDARD_HOURS: DayHours = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hours(spans: Iterable[Iterable[str]]) -> DayHours:
    """[["08:00", "12:00"], ...] as minute intervals; raises ValueError on overlap or bad times."""
    intervals = []
    for span in spans:
        start_text, end_text = span
        start, end = _clock(start_text), _clock(end_text)
        if end <= start:
            raise ValueError(f"working hours {start_text}-{end_text} end before they start")
        intervals.append((start, end))
    intervals.sort()
    for (_, end), (start, _) in itertools.pairwise(intervals):
        if start < end:
            raise ValueError("working hours of one day overlap")
    return tuple(intervals)


def _clock(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= 24 * 60:
        raise ValueError(f"'{text}' is not a time of day")
    return value


@dataclass(frozen=True)
class WorkCalendar:
    """Working time: hours per weekday (None = as the base calendar) and dated exceptions."""

    name: str = "Standard"
    week: tuple[DayHours | None, ...] = (STANDARD_HOURS,) * 5 + ((), ())
    exceptions: Mapping[date, DayHours] = field(default_factory=lambda: MappingProxyType({}))
    base: WorkCalendar | None = None

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a calendar week has seven days, Monday first")
        if self.base is None and any(day is None for day in self.week):
            raise ValueError(f"calendar '{self.name}' leaves weekdays to a base calendar it lacks")
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))

    @classmethod
    def continuous(cls) -> WorkCalendar:
        """Every minute of every day is working time (elapsed time)."""
        return cls(name="24 hours", week=(((0, 24 * 60),),) * 7)

    def derive(
        self,
        name: str,
        *,
        week: tuple[DayHours | None, ...] | None = None,
        exceptions: Mapping[date, DayHours] | None = None,
    ) -> WorkCalendar:
        """A calendar based on this one that overrides some weekdays and adds exceptions."""
        return WorkCalendar(
            name=name, week=week or (None,) * 7, exceptions=exceptions or {}, base=self
        )

    def hours_on(self, day: date) -> DayHours:
        """The working intervals of one date, after exceptions and inheritance."""
        calendar: WorkCalendar | None = self
        while calendar is not None:
            if day in calendar.exceptions:
                return calendar.exceptions[day]
            calendar = calendar.base
        calendar = self
        while calendar is not None:
            hours = calendar.week[day.weekday()]
            if hours is not None:
                return hours
            calendar = calendar.base
        raise AssertionError("unreachable: __post_init__ guarantees a full week at the root")

    def is_working_day(self, day: date) -> bool:
        return bool(self.hours_on(day))

    @property
    def minutes_per_day(self) -> int:
        """Working minutes of a standard working day (the longest weekday), for day units."""
        days = [sum(end - start for start, end in self._resolved_week(i)) for i in range(7)]
        return max(days) or 480

    def _resolved_week(self, weekday: int) -> DayHours:
        calendar: WorkCalendar | None = self
        while calendar is not None:
            hours = calendar.week[weekday]
            if hours is not None:
                return hours
            calendar = calendar.base
        return ()

    # -- conversions on datetimes (naive local wall time) ------------------------------------

    def add_working(self, moment: datetime, minutes: float) -> datetime:
        """The moment ``minutes`` working minutes after (or, if negative, before) ``moment``.

        Going forward the result may be the end of a working interval (a finish); going back
        it may be the start of one (a start).
        """
        table = self.table_around(moment, abs(minutes))
        offset = _minutes(moment, table.origin)
        if minutes >= 0:
            result = table.finish_at(table.working_at(offset) + minutes)
        else:
            result = table.start_at(table.working_at(offset) + minutes)
        return table.origin + timedelta(minutes=float(result))

    def working_minutes_between(self, start: datetime, end: datetime) -> float:
        """Working minutes from ``start`` to ``end`` (negative when end is earlier)."""
        earlier, later = sorted((start, end))
        table = IntervalTable.build(
            self, earlier.date() - timedelta(days=1), (later.date() - earlier.date()).days + 3
        )
        return table.working_at(_minutes(end, table.origin)) - table.working_at(
            _minutes(start, table.origin)
        )

    def next_working_start(self, moment: datetime) -> datetime:
        """The first working minute at or after ``moment`` (where a task would start)."""
        return self.add_working(self.add_working(moment, 1), -1)

    def table_around(self, moment: datetime, working_minutes: float) -> IntervalTable:
        """An interval table wide enough to move ``working_minutes`` either way from ``moment``."""
        per_week = sum(sum(e - s for s, e in self._resolved_week(i)) for i in range(7))
        if per_week <= 0:
            raise ValueError(f"calendar '{self.name}' has no working time in its week")
        weeks = int(working_minutes // per_week) + 2
        # Exceptions may remove working days: grow until the table holds enough working time.
        while True:
            start = moment.date() - timedelta(days=7 * weeks)
            table = IntervalTable.build(self, start, 14 * weeks + 1)
            offset = _minutes(moment, table.origin)
            here = table.working_at(offset)
            if here >= working_minutes and table.total - here >= working_minutes:
                return table
            weeks *= 2
            if weeks > 52 * 400:
                raise ValueError(f"calendar '{self.name}' has too little working time")


def _minutes(moment: datetime, origin: datetime) -> float:
    return (moment - origin).total_seconds() / 60.0


@dataclass(frozen=True)
class IntervalTable:
    """A calendar flattened over a date range: working intervals as minutes from ``origin``.

    ``cum[k]`` is the working time before interval k; ``starts``/``ends`` are sorted and
    disjoint. The compiled scheduling passes use the same three arrays.
    """

    origin: datetime
    starts: np.ndarray
    ends: np.ndarray
    cum: np.ndarray

    @classmethod
    def build(cls, calendar: WorkCalendar, first_day: date, days: int) -> IntervalTable:
        origin = datetime.combine(first_day, time())
        starts: list[float] = []
        ends: list[float] = []
        for n in range(days):
            day = first_day + timedelta(days=n)
            base = n * 1440.0
            for start, end in calendar.hours_on(day):
                # Join an interval that runs to midnight with one starting at midnight.
                if starts and ends[-1] == base + start:
                    ends[-1] = base + end
                else:
                    starts.append(base + start)
                    ends.append(base + end)
        s = np.array(starts, dtype=np.float64)
        e = np.array(ends, dtype=np.float64)
        cum = np.concatenate(([0.0], np.cumsum(e - s)[:-1])) if len(s) else np.zeros(0)
        return cls(origin=origin, starts=s, ends=e, cum=cum)

    @property
    def total(self) -> float:
        return float(self.cum[-1] + self.ends[-1] - self.starts[-1]) if len(self.starts) else 0.0

    def working_at(self, t: float) -> float:
        """Working minutes from the table's start up to elapsed minute ``t``."""
        k = int(np.searchsorted(self.starts, t, side="right")) - 1
        if k < 0:
            return 0.0
        return float(self.cum[k] + min(t - self.starts[k], self.ends[k] - self.starts[k]))

    def start_at(self, w: float) -> float:
        """The elapsed minute where working time ``w`` is reached, as a start (next interval)."""
        k = int(np.searchsorted(self.cum, w, side="right")) - 1
        k = max(k, 0)
        return float(self.starts[k] + (w - self.cum[k]))

    def finish_at(self, w: float) -> float:
        """The elapsed minute where working time ``w`` is reached, as a finish (interval end)."""
        k = int(np.searchsorted(self.cum, w, side="left")) - 1
        k = max(k, 0)
        return float(self.starts[k] + (w - self.cum[k]))


def weekday_index(name: str) -> int:
    """0 for "mon" (or "monday") up to 6 for "sun"."""
    key = name.strip().lower()[:3]
    if key not in WEEKDAY_NAMES:
        raise ValueError(f"'{name}' is not a weekday")
    return WEEKDAY_NAMES.index(key)
