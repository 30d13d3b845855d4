"""The calendars of an MSPDI export: which tandem calendars are written, as what, and their
``Calendar`` elements (WeekDays Sunday first, then Project 2007+ ``Exceptions``).

MS Project gives tasks and projects base calendars only and knows one level of derivation, so
a derived tandem calendar that a task or the project uses is written flattened into a base
calendar, and one only resources use is written derived from its root with the levels between
merged in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from tandem.core.calendar import WorkCalendar
from tandem.interop.mspdi_codes import DAY_TYPES
from tandem.projects.models import Calendar

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
Hours = list[tuple[int, int]]
Run = tuple[date, date, str, Hours]  # first day, last day, name, hours ([] = not working)


@dataclass(frozen=True)
class WrittenCalendar:
    """A calendar as written: its week in Python weekday order (None = as the base calendar)
    and its exceptions as runs of days."""

    uid: int
    name: str
    base_uid: int | None
    week: list[Hours | None]
    exceptions: list[Run]


def put(parent: Element, tag: str, value: Any) -> None:
    """A child element with the value as text (booleans 1/0); nothing for None. Characters
    XML 1.0 cannot carry (control characters other than tab and line breaks) are dropped."""
    if value is None:
        return
    text = ("1" if value else "0") if isinstance(value, bool) else str(value)
    SubElement(parent, tag).text = _NOT_XML.sub("", text)


def clock_text(minutes: int) -> str:
    """A time of day; the end of the day (1440) is midnight, as MS Project writes it."""
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}:00"


def plan_calendars(
    organisation_id: int, flat: list[int | None], resources: set[int]
) -> tuple[dict[int | None, int], list[WrittenCalendar]]:
    """UIDs and contents of the calendars to write: ``flat`` (the project's first, None for
    the core's standard week) as base calendars, then those only ``resources`` use."""
    rows = {
        c.pk: c
        for c in Calendar.objects.filter(organisation_id=organisation_id).prefetch_related(
            "exceptions"
        )
    }
    chains = {pk: _chain(rows, pk) for pk in {*flat, *resources} if pk is not None}
    derived = sorted(pk for pk in resources - set(flat) if len(chains[pk]) > 1)
    roots = sorted(({chains[pk][-1].pk for pk in derived} | resources) - set(derived) - set(flat))
    for root in roots:  # a resource calendar's base that nothing else uses
        chains.setdefault(root, _chain(rows, root))
    uids: dict[int | None, int] = {}
    written: list[WrittenCalendar] = []
    for pk in [*flat, *roots, *derived]:
        uid = uids[pk] = len(written) + 1
        if pk is None:
            standard = WorkCalendar()
            week: list[Hours | None] = [list(day or ()) for day in standard.week]
            written.append(WrittenCalendar(uid, standard.name, None, week, []))
            continue
        chain = chains[pk]
        base = uids[chain[-1].pk] if pk in derived else None
        own = chain[:-1] if base is not None else chain
        written.append(WrittenCalendar(uid, chain[0].name, base, *_flatten(own)))
    return uids, written


def _chain(rows: dict[int, Calendar], pk: int) -> list[Calendar]:
    """The calendar and its bases, the root last."""
    chain = [rows[pk]]
    while chain[-1].base_id is not None:
        chain.append(rows[chain[-1].base_id])
    return chain


def _hours(value: Any) -> Hours:
    return [(int(a), int(b)) for a, b in value]


def _flatten(chain: list[Calendar]) -> tuple[list[Hours | None], list[Run]]:
    """One calendar from a chain: each weekday from the nearest level that sets it, and the
    exceptions of every level (nearer levels win), merged into runs of days."""
    week: list[Hours | None] = [None] * 7
    for weekday in range(7):
        for calendar in chain:
            if calendar.week[weekday] is not None:
                week[weekday] = _hours(calendar.week[weekday])
                break
    days: dict[date, tuple[str, Hours]] = {}
    for calendar in reversed(chain):
        for exception in calendar.exceptions.all():
            day = exception.first_day
            while day <= exception.last_day:
                days[day] = (exception.name, _hours(exception.hours))
                day += timedelta(days=1)
    runs: list[Run] = []
    for day in sorted(days):
        name, hours = days[day]
        if runs and runs[-1][1] + timedelta(days=1) == day and runs[-1][2:] == (name, hours):
            runs[-1] = (runs[-1][0], day, name, hours)
        else:
            runs.append((day, day, name, hours))
    return week, runs


def write_calendars(parent: Element, calendars: list[WrittenCalendar]) -> None:
    """``Calendar`` elements under ``Calendars``."""
    for calendar in calendars:
        element = SubElement(parent, "Calendar")
        put(element, "UID", calendar.uid)
        put(element, "Name", calendar.name)
        put(element, "IsBaseCalendar", calendar.base_uid is None)
        put(element, "IsBaselineCalendar", False)
        put(element, "BaseCalendarUID", -1 if calendar.base_uid is None else calendar.base_uid)
        weekdays = SubElement(element, "WeekDays")
        for weekday in sorted(range(7), key=DAY_TYPES.__getitem__):  # Sunday first
            hours = calendar.week[weekday]
            if hours is not None:
                day = SubElement(weekdays, "WeekDay")
                put(day, "DayType", DAY_TYPES[weekday])
                _working_times(day, hours)
        if calendar.exceptions:
            exceptions = SubElement(element, "Exceptions")
            for first, last, name, hours in calendar.exceptions:
                exception = SubElement(exceptions, "Exception")
                put(exception, "EnteredByOccurrences", False)
                period = SubElement(exception, "TimePeriod")
                put(period, "FromDate", f"{first.isoformat()}T00:00:00")
                put(period, "ToDate", f"{last.isoformat()}T23:59:00")
                put(exception, "Occurrences", 1)
                put(exception, "Name", name or None)
                put(exception, "Type", 1)  # daily
                _working_times(exception, hours)


def _working_times(parent: Element, hours: Hours) -> None:
    put(parent, "DayWorking", bool(hours))
    if hours:
        times = SubElement(parent, "WorkingTimes")
        for start, end in hours:
            span = SubElement(times, "WorkingTime")
            put(span, "FromTime", clock_text(start))
            put(span, "ToTime", clock_text(end))
