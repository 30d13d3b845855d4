"""Resource workload: how many units each resource is booked for on each day, and where that
exceeds its capacity (over-allocation)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from tandem.core.calendar import WorkCalendar


@dataclass(frozen=True)
class Booking:
    """One assignment: ``units`` of a resource on a task from ``start`` to ``finish``."""

    resource: Hashable
    task: Hashable
    start: datetime
    finish: datetime
    units: float


@dataclass(frozen=True)
class Workload:
    """Units booked per resource (rows) and day (columns from ``first_day``)."""

    first_day: date
    resources: list[Hashable]
    load: np.ndarray  # shape (resources, days)
    capacity: np.ndarray  # shape (resources, days): 0 on days off
    tasks: dict[tuple[int, int], list[Hashable]]  # (row, day) -> tasks booked that day

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=d) for d in range(self.load.shape[1])]

    @property
    def over(self) -> np.ndarray:
        """True where a resource is booked beyond its capacity (by more than rounding)."""
        return self.load > self.capacity + 1e-9

    def over_allocations(self) -> list[tuple[Hashable, date, float, float, list[Hashable]]]:
        """(resource, day, booked, capacity, tasks) for every over-allocated day."""
        rows, cols = np.nonzero(self.over)
        return [
            (
                self.resources[r],
                self.first_day + timedelta(days=int(c)),
                float(self.load[r, c]),
                float(self.capacity[r, c]),
                self.tasks.get((int(r), int(c)), []),
            )
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        ]


def workload(
    bookings: Iterable[Booking],
    capacity: Mapping[Any, float],
    calendars: Mapping[Any, WorkCalendar],
    first_day: date,
    last_day: date,
) -> Workload:
    """Spread each booking's units over the working days of its resource's calendar.

    A task booked at 1.0 units is 1.0 on every working day it touches; a day the resource does
    not work counts nothing (and has no capacity).
    """
    resources = list(capacity)
    row = {resource: i for i, resource in enumerate(resources)}
    days = (last_day - first_day).days + 1
    load = np.zeros((len(resources), max(days, 0)))
    cap = np.zeros_like(load)
    working = np.zeros_like(load, dtype=bool)
    for r, resource in enumerate(resources):
        calendar = calendars.get(resource) or WorkCalendar()
        for d in range(days):
            if calendar.is_working_day(first_day + timedelta(days=d)):
                working[r, d] = True
                cap[r, d] = capacity[resource]
    booked: dict[tuple[int, int], list[Hashable]] = {}
    for booking in bookings:
        if booking.resource not in row:
            continue
        r = row[booking.resource]
        # A finish at midnight belongs to the day before (the task ended with that day).
        end = (
            booking.finish - timedelta(microseconds=1)
            if booking.finish > booking.start
            else booking.finish
        )
        lo = max((booking.start.date() - first_day).days, 0)
        hi = min((end.date() - first_day).days, days - 1)
        for d in range(lo, hi + 1):
            if working[r, d]:
                load[r, d] += booking.units
                booked.setdefault((r, d), []).append(booking.task)
    return Workload(first_day=first_day, resources=resources, load=load, capacity=cap, tasks=booked)
