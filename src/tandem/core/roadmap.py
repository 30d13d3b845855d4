"""Roadmap timing: quarters like "2026-Q3", and where an item sits on the timeline.

An item is timed by dates, by a target quarter, by a horizon (now / next / later), or by a mix;
the most precise wins. Now is the current quarter, next the one after, later the two after that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class Horizon(StrEnum):
    NOW = "now"
    NEXT = "next"
    LATER = "later"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.shifted(1).first_day - timedelta(days=1)

    def shifted(self, quarters: int) -> Quarter:
        """The quarter ``quarters`` later (earlier when negative)."""
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


def parse_quarter(text: str) -> Quarter:
    """ "2026-Q3" as a Quarter; ValueError for anything else."""
    match = _QUARTER.match(text.strip().upper())
    if match is None:
        raise ValueError(f"'{text}' is not a quarter such as 2026-Q3")
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: date) -> Quarter:
    """The quarter a day falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True)
class Span:
    """Where an item sits on the timeline, and what its timing was based on."""

    start: date
    end: date
    basis: str  # "dates", "quarter" or "horizon"


def span_of(
    *,
    today: date,
    horizon: str = "",
    quarter: str = "",
    start: date | None = None,
    end: date | None = None,
) -> Span | None:
    """The timeline span of an item, or None when nothing times it.

    Given dates win; a missing one is taken from the target quarter, else from the horizon; a
    lone date with nothing else to complete it spans that date's quarter from or to it.
    """
    frame: tuple[date, date] | None = None
    basis = "dates"
    if quarter:
        q = parse_quarter(quarter)
        frame = (q.first_day, q.last_day)
        basis = "quarter"
    elif horizon:
        current = quarter_of(today)
        first, last = {
            Horizon.NOW: (0, 0),
            Horizon.NEXT: (1, 1),
            Horizon.LATER: (2, 3),
        }[Horizon(horizon)]
        frame = (current.shifted(first).first_day, current.shifted(last).last_day)
        basis = "horizon"
    if start and end:
        return Span(start, max(start, end), "dates")
    if frame is None:
        if start:
            return Span(start, quarter_of(start).last_day, "dates")
        if end:
            return Span(quarter_of(end).first_day, end, "dates")
        return None
    if start:
        return Span(start, max(start, frame[1]), "dates")
    if end:
        return Span(min(frame[0], end), end, "dates")
    return Span(frame[0], frame[1], basis)
