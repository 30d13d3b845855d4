"""Recurring calendar exceptions (daily, weekly, monthly and yearly patterns) as dates.

MS Project stores a recurring exception as a pattern between two dates with a number of
occurrences ("the second Tuesday every 3 months, 5 times"); a calendar keeps plain dates, so
the pattern is expanded here. Weekdays are Monday = 0; months 1..12.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# A "relative" day of the month: a weekday (0..6) or one of these kinds.
ANY_DAY = "day"
WEEKDAY = "weekday"
WEEKEND_DAY = "weekend_day"
LAST = 4  # position: 0 first .. 3 fourth, 4 last


@dataclass(frozen=True)
class Recurrence:
    """A pattern: ``kind`` is daily, weekly, monthly or yearly.

    daily: every ``period`` days. weekly: on ``weekdays`` every ``period`` weeks. monthly: on
    ``month_day`` or on the ``position``-th ``day_kind`` every ``period`` months. yearly: the
    same within ``month``.
    """

    kind: str
    first: date
    last: date | None = None
    occurrences: int | None = None
    period: int = 1
    weekdays: frozenset[int] = frozenset()
    month: int | None = None
    month_day: int | None = None
    day_kind: int | str | None = None  # weekday number or ANY_DAY / WEEKDAY / WEEKEND_DAY
    position: int | None = None
    week_start: int = 0  # the weekday weeks are counted from (MS Project: Sunday, 6)


def _nth(year: int, month: int, kind: int | str, position: int) -> date | None:
    """The position-th day of a kind in a month (position LAST: the last one)."""
    days = calendar.monthrange(year, month)[1]
    matching = []
    for d in range(1, days + 1):
        day = date(year, month, d)
        weekday = day.weekday()
        if (
            kind in (ANY_DAY, weekday)
            or (kind == WEEKDAY and weekday < 5)
            or (kind == WEEKEND_DAY and weekday >= 5)
        ):
            matching.append(day)
    if position == LAST:
        return matching[-1] if matching else None
    return matching[position] if position < len(matching) else None


def _day_in_month(year: int, month: int, rule: Recurrence) -> date | None:
    if rule.month_day is not None:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(rule.month_day, last))
    if rule.day_kind is not None and rule.position is not None:
        return _nth(year, month, rule.day_kind, rule.position)
    raise ValueError("a monthly or yearly recurrence needs a day of the month or a position")


def _candidates(rule: Recurrence, limit: date) -> list[date]:
    """Dates the pattern produces from its first day up to ``limit``."""
    period = max(1, rule.period)
    found: list[date] = []
    if rule.kind == "daily":
        day = rule.first
        while day <= limit:
            found.append(day)
            day += timedelta(days=period)
    elif rule.kind == "weekly":
        weekdays = rule.weekdays or frozenset({rule.first.weekday()})
        week = rule.first - timedelta(days=(rule.first.weekday() - rule.week_start) % 7)
        offsets = sorted((w - rule.week_start) % 7 for w in weekdays)
        while week <= limit:
            found.extend(
                week + timedelta(days=offset)
                for offset in offsets
                if rule.first <= week + timedelta(days=offset) <= limit
            )
            week += timedelta(weeks=period)
    elif rule.kind in ("monthly", "yearly"):
        step = period if rule.kind == "monthly" else 12 * period
        year = rule.first.year
        month = rule.month if rule.kind == "yearly" and rule.month else rule.first.month
        if rule.kind == "yearly" and month < rule.first.month:
            year += 1
        while date(year, month, 1) <= limit:
            hit = _day_in_month(year, month, rule)
            if hit is not None and rule.first <= hit <= limit:
                found.append(hit)
            month += step
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    else:
        raise ValueError(f"unknown recurrence '{rule.kind}'")
    return found


def expand(rule: Recurrence) -> list[date]:
    """The dates of a recurring exception, bounded by its last date and/or occurrences."""
    if rule.last is None and rule.occurrences is None:
        raise ValueError("a recurrence needs a last date or a number of occurrences")
    # Without a last date, a generous horizon: occurrences × period × the longest step.
    limit = rule.last or rule.first + timedelta(days=366 * max(1, rule.period) * rule.occurrences)  # type: ignore[operator]
    dates = _candidates(rule, limit)
    if rule.occurrences is not None:
        dates = dates[: rule.occurrences]
    return dates
