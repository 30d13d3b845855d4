"""Reading MS Project XML (MSPDI) into a ``PlanFile``.

MS Project writes it directly; for .mpp, .xer, P6 XML, GanttProject and Planner files the MPXJ
bridge converts to it first, so this is the one place where another tool's plan is understood.
The XML is parsed with defusedxml (no entity expansion, no external fetches): uploads are
untrusted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from tandem.core.recurrence import ANY_DAY, WEEKDAY, WEEKEND_DAY, Recurrence, expand
from tandem.interop.mspdi_codes import (
    CONSTRAINT_CODES,
    LINK_TYPE_CODES,
    NS,
    WEEKDAYS,
    lag_from_mspdi,
    parse_duration,
)
from tandem.interop.plan_file import (
    Hours,
    PlanAssignment,
    PlanBaseline,
    PlanCalendar,
    PlanFile,
    PlanLink,
    PlanResource,
    PlanTask,
)

Progress = Callable[[str, int, int], None]

_TAG = re.compile(r"^\{[^}]*\}")
SUNDAY = 6
NO_RESOURCE = "-65535"  # MS Project's "unassigned" resource
# MonthItem codes of relative recurrences: 0 day, 1 weekday, 2 weekend day, 3 Sunday .. 9 Saturday.
_MONTH_ITEMS: dict[int, int | str] = {
    0: ANY_DAY,
    1: WEEKDAY,
    2: WEEKEND_DAY,
    **{3 + n: (n + 6) % 7 for n in range(7)},  # 3 Sunday → 6, 4 Monday → 0 ...
}
_RECURRENCE_KINDS = {1: "daily", 7: "daily", 6: "weekly", 4: "monthly", 5: "monthly"}
_CONTOURS = {
    0: "flat",
    1: "back_loaded",
    2: "front_loaded",
    3: "double_peak",
    4: "early_peak",
    5: "late_peak",
    6: "bell",
    7: "turtle",
    8: "contoured",
}


class MspdiError(ValueError):
    """The file is not MS Project XML, or holds a value that cannot be read."""


def _strip(root: Element) -> None:
    """Drop the namespace from every tag, so lookups read as the schema's names."""
    for element in root.iter():
        element.tag = _TAG.sub("", element.tag)


def _text(element: Element | None, name: str) -> str | None:
    if element is None:
        return None
    child = element.find(name)
    if child is None or child.text is None:
        return None
    text = child.text.strip()
    return text or None


def _int(element: Element, name: str, default: int | None = None) -> int | None:
    text = _text(element, name)
    if text is None:
        return default
    try:
        return round(float(text))
    except ValueError:
        raise MspdiError(f"{name} '{text}' is not a number") from None


def _float(element: Element, name: str, default: float = 0.0) -> float:
    text = _text(element, name)
    try:
        return default if text is None else float(text)
    except ValueError:
        raise MspdiError(f"{name} '{text}' is not a number") from None


def _flag(element: Element, name: str) -> bool:
    return _text(element, name) in ("1", "true")


def _moment(element: Element | None, name: str) -> datetime | None:
    text = _text(element, name)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text[:19])
    except ValueError:
        raise MspdiError(f"{name} '{text}' is not a date and time") from None


def _minutes(element: Element, name: str) -> int | None:
    text = _text(element, name)
    if text is None:
        return None
    try:
        return round(parse_duration(text))
    except ValueError as error:
        raise MspdiError(f"{name}: {error}") from None


def _money(element: Element, name: str) -> int:
    """MSPDI costs are in hundredths of the currency unit: minor units for two digits."""
    return round(_float(element, name))


def _clock(text: str) -> int:
    hours, minutes, *_ = (int(part) for part in text.split(":"))
    return hours * 60 + minutes


def _working_times(element: Element) -> Hours:
    hours: Hours = []
    for span in element.iterfind("WorkingTimes/WorkingTime"):
        start, end = _text(span, "FromTime"), _text(span, "ToTime")
        if start is None or end is None:
            continue
        a, b = _clock(start), _clock(end)
        hours.append((a, b if b > a else 24 * 60))  # 00:00 as a finish means midnight
    return sorted(hours)


def _day_hours(element: Element) -> Hours | None:
    """A weekday's or exception's hours: [] when not working, None when it defers to a base."""
    working = _text(element, "DayWorking")
    if working is None:
        return None
    return _working_times(element) if working == "1" else []


def _days(first: datetime, last: datetime) -> list[date]:
    end = (
        last.date()
        if last.time() != datetime.min.time() or last.date() == first.date()
        else (last - timedelta(minutes=1)).date()
    )
    return [first.date() + timedelta(days=n) for n in range((end - first.date()).days + 1)]


def _recurrence(exception: Element, first: datetime, last: datetime) -> list[date]:
    """The dates of one Exceptions/Exception element, recurring or a plain range."""
    kind_code = _int(exception, "Type", 1) or 1
    occurrences = _int(exception, "Occurrences")
    if kind_code == 1 and not _text(exception, "Period"):
        return _days(first, last)
    item = _int(exception, "MonthItem")
    days_of_week = _int(exception, "DaysOfWeek", 0) or 0
    month = _int(exception, "Month")
    kind = _RECURRENCE_KINDS.get(kind_code, "yearly")
    rule = Recurrence(
        kind=kind,
        first=first.date(),
        last=last.date(),
        occurrences=occurrences,
        period=_int(exception, "Period", 1) or 1,
        # DaysOfWeek is a bit set: 1 Sunday, 2 Monday ... 64 Saturday.
        weekdays=frozenset(WEEKDAYS[b + 1] for b in range(7) if days_of_week & (1 << b)),
        month=None if month is None else month + 1,  # the schema counts months from 0
        month_day=_int(exception, "MonthDay") if kind_code in (2, 4) else None,
        day_kind=_MONTH_ITEMS.get(item) if item is not None else None,
        position=_int(exception, "MonthPosition") if kind_code in (3, 5) else None,
        week_start=SUNDAY,  # MS Project counts "every n weeks" from Sundays
    )
    return expand(rule)


def _calendar(element: Element) -> PlanCalendar:
    base = _text(element, "BaseCalendarUID")
    calendar = PlanCalendar(
        uid=_text(element, "UID") or "",
        name=_text(element, "Name") or "Calendar",
        base_uid=None if base in (None, "-1") else base,
    )
    for day in element.iterfind("WeekDays/WeekDay"):
        day_type = _int(day, "DayType", 0) or 0
        hours = _day_hours(day)
        if day_type in WEEKDAYS:
            calendar.week[WEEKDAYS[day_type]] = hours
            continue
        # Project 2003's exception form: DayType 0 with a TimePeriod.
        first, last = (
            _moment(day.find("TimePeriod"), "FromDate"),
            _moment(day.find("TimePeriod"), "ToDate"),
        )
        if first and last:
            days = _days(first, last)
            calendar.exceptions.append((days[0], days[-1], hours or [], ""))
    for exception in element.iterfind("Exceptions/Exception"):
        period = exception.find("TimePeriod")
        first, last = _moment(period, "FromDate"), _moment(period, "ToDate")
        if first is None or last is None:
            continue
        hours = _day_hours(exception) or []
        name = _text(exception, "Name") or ""
        for when in _recurrence(exception, first, last):
            calendar.exceptions.append((when, when, hours, name))
    if calendar.base_uid is None:
        # A base calendar states every weekday; a missing one is not working.
        calendar.week = [[] if hours is None else hours for hours in calendar.week]
    return calendar


def _task(element: Element, parent: str | None) -> PlanTask:
    uid = _text(element, "UID") or ""
    constraint = CONSTRAINT_CODES.get(_int(element, "ConstraintType", 0) or 0, "ASAP")
    duration = _minutes(element, "Duration") or 0
    milestone = _flag(element, "Milestone")
    calendar = _text(element, "CalendarUID")
    task = PlanTask(
        uid=uid,
        name=(_text(element, "Name") or f"Task {uid}")[:300],
        parent_uid=parent,
        outline_number=_text(element, "OutlineNumber") or "",
        duration=max(0, duration),
        milestone=milestone,
        summary=_flag(element, "Summary"),
        constraint=constraint,
        constraint_date=None
        if constraint in ("ASAP", "ALAP")
        else _moment(element, "ConstraintDate"),
        deadline=_moment(element, "Deadline"),
        calendar_uid=None if calendar in (None, "-1") else calendar,
        percent_complete=max(0, min(100, _int(element, "PercentComplete", 0) or 0)),
        actual_start=_moment(element, "ActualStart"),
        actual_finish=_moment(element, "ActualFinish"),
        remaining=_minutes(element, "RemainingDuration"),
        start=_moment(element, "Start"),
        finish=_moment(element, "Finish"),
        work=_minutes(element, "Work"),
        fixed_cost=_money(element, "FixedCost"),
        cost=_money(element, "Cost"),
        notes=_text(element, "Notes") or "",
        priority=_int(element, "Priority", 500) or 500,
    )
    for baseline in element.iterfind("Baseline"):
        task.baselines.append(
            PlanBaseline(
                number=_int(baseline, "Number", 0) or 0,
                start=_moment(baseline, "Start"),
                finish=_moment(baseline, "Finish"),
                duration=_minutes(baseline, "Duration") or 0,
                cost=_money(baseline, "Cost"),
            )
        )
    return task


def _links(element: Element, successor: str) -> list[PlanLink]:
    links = []
    for link in element.iterfind("PredecessorLink"):
        pred = _text(link, "PredecessorUID")
        if pred is None:
            continue
        lag, lag_format = lag_from_mspdi(_int(link, "LinkLag", 0) or 0, _int(link, "LagFormat"))
        links.append(
            PlanLink(
                pred_uid=pred,
                succ_uid=successor,
                type=LINK_TYPE_CODES.get(_int(link, "Type", 1) or 0, "FS"),
                lag=lag,
                lag_format=lag_format,
            )
        )
    return links


def _resource(element: Element) -> PlanResource | None:
    uid = _text(element, "UID")
    name = _text(element, "Name")
    if uid is None or name is None or _flag(element, "IsNull"):
        return None
    kind = {"0": "equipment", "2": "equipment"}.get(_text(element, "Type") or "1", "person")
    calendar = _text(element, "CalendarUID")
    return PlanResource(
        uid=uid,
        name=name[:120],
        kind=kind,
        max_units=_float(element, "MaxUnits", 1.0) or 1.0,
        calendar_uid=None if calendar in (None, "-1") else calendar,
        # StandardRate is in currency units per hour (StandardRateFormat 2); minor units here.
        standard_rate=round(_float(element, "StandardRate") * 100),
    )


def _assignment(element: Element) -> PlanAssignment | None:
    task, resource = _text(element, "TaskUID"), _text(element, "ResourceUID")
    if task is None or resource is None or resource == NO_RESOURCE:
        return None
    return PlanAssignment(
        task_uid=task,
        resource_uid=resource,
        units=_float(element, "Units", 1.0),
        work=_minutes(element, "Work"),
        cost=_money(element, "Cost"),
        contour=_CONTOURS.get(_int(element, "WorkContour", 0) or 0, "flat"),
    )


def read_mspdi(data: bytes, *, name: str = "", progress: Progress | None = None) -> PlanFile:
    """A plan from MSPDI bytes; raises MspdiError naming what is wrong."""
    try:
        root = SafeTree.fromstring(data)
    except (SafeTree.ParseError, DefusedXmlException) as error:
        raise MspdiError(f"not readable XML ({error})") from None
    if root.tag != f"{{{NS}}}Project":
        raise MspdiError("not MS Project XML: the root element is not a Project")
    _strip(root)
    header: dict[str, Any] = {
        "start": _moment(root, "StartDate"),
        "finish": _moment(root, "FinishDate"),
        "status_date": _moment(root, "StatusDate"),
    }
    calendar_uid = _text(root, "CalendarUID")
    plan = PlanFile(
        name=(_text(root, "Title") or _text(root, "Name") or name or "Imported plan")[:200],
        source="MS Project XML",
        calendar_uid=None if calendar_uid in (None, "-1") else calendar_uid,
        currency=_text(root, "CurrencyCode") or "",
        minutes_per_day=_int(root, "MinutesPerDay", 480) or 480,
        **header,
    )
    plan.calendars = [_calendar(c) for c in root.iterfind("Calendars/Calendar")]
    tasks = root.findall("Tasks/Task")
    stack: list[tuple[int, str]] = []  # (outline level, uid) of the open summaries
    skipped: set[str] = set()
    manual = inactive = 0
    for n, element in enumerate(tasks, start=1):
        uid = _text(element, "UID")
        level = _int(element, "OutlineLevel", 1) or 0
        if uid is None or level == 0:
            continue  # the project summary task
        if _flag(element, "IsNull"):
            skipped.add(uid)
            continue
        if _text(element, "Active") == "0":
            inactive += 1
        manual += _flag(element, "Manual")
        while stack and stack[-1][0] >= level:
            stack.pop()
        task = _task(element, stack[-1][1] if stack else None)
        plan.tasks.append(task)
        plan.links.extend(_links(element, uid))
        stack.append((level, uid))
        if progress is not None and n % 500 == 0:
            progress("Reading tasks", n, len(tasks))
    known = {t.uid for t in plan.tasks}
    plan.links = [link for link in plan.links if link.pred_uid in known]
    parents = {t.parent_uid for t in plan.tasks}
    for task in plan.tasks:
        task.summary = task.uid in parents
    resources = [_resource(r) for r in root.iterfind("Resources/Resource")]
    plan.resources = [r for r in resources if r is not None]
    owned = {r.calendar_uid: r.uid for r in plan.resources if r.calendar_uid}
    for calendar in plan.calendars:
        calendar.resource_uid = owned.get(calendar.uid)
    people = {r.uid for r in plan.resources}
    assignments = [_assignment(a) for a in root.iterfind("Assignments/Assignment")]
    plan.assignments = [
        a for a in assignments if a is not None and a.task_uid in known and a.resource_uid in people
    ]
    if manual:
        plan.warnings.append(
            f"{manual} manually scheduled tasks are scheduled automatically in tandem."
        )
    if inactive:
        plan.warnings.append(f"{inactive} inactive tasks are imported as ordinary tasks.")
    return plan
