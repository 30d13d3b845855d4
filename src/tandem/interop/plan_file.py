"""A project plan as read from another tool's file, before it becomes tandem rows.

Readers (MS Project XML directly; .mpp, .xer, P6 XML, GanttProject and Planner through MPXJ)
produce a ``PlanFile``; the import service turns it into calendars, a project, tasks, links,
resources, assignments and baselines through the ordinary services. Datetimes are naive wall
times as the file states them; durations, work and lags are minutes (working minutes unless the
lag format says elapsed); money is in minor units of the file's currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

Hours = list[tuple[int, int]]  # working intervals of one day, minutes from midnight
# What an import makes, in the order the page, the API and the CLI tell it.
COUNT_NAMES = ("tasks", "links", "calendars", "resources", "assignments", "baselines")


@dataclass
class PlanCalendar:
    uid: str
    name: str
    base_uid: str | None = None
    # Monday first; None = as the base calendar, [] = not working.
    week: list[Hours | None] = field(default_factory=lambda: [None] * 7)
    # (first day, last day, hours, name); hours [] = a holiday.
    exceptions: list[tuple[date, date, Hours, str]] = field(default_factory=list)
    resource_uid: str | None = None  # a resource's own calendar


@dataclass
class PlanResource:
    uid: str
    name: str
    kind: str = "person"  # person, equipment or facility (MS Project's material: equipment)
    max_units: float = 1.0
    calendar_uid: str | None = None
    standard_rate: int = 0  # minor units per working hour


@dataclass
class PlanBaseline:
    number: int  # MS Project's Baseline, Baseline1 .. Baseline10
    start: datetime | None = None
    finish: datetime | None = None
    duration: int = 0
    cost: int = 0


@dataclass
class PlanTask:
    uid: str
    name: str
    parent_uid: str | None = None
    outline_number: str = ""
    duration: int = 0  # working minutes
    milestone: bool = False
    summary: bool = False
    constraint: str = "ASAP"
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    calendar_uid: str | None = None
    percent_complete: int = 0
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    remaining: int | None = None  # remaining working minutes of started work
    start: datetime | None = None  # as the tool scheduled it
    finish: datetime | None = None
    work: int | None = None
    fixed_cost: int = 0
    cost: int = 0
    notes: str = ""
    priority: int = 500
    split: bool = False  # the tool stored interruptions tandem does not model
    milestone_at: str = ""  # P6's start or finish milestone: the side of a break it shows on
    baselines: list[PlanBaseline] = field(default_factory=list)


@dataclass
class PlanLink:
    pred_uid: str
    succ_uid: str
    type: str = "FS"
    lag: int = 0  # minutes, or percent when lag_format is "percent"
    lag_format: str = "working"


@dataclass
class PlanAssignment:
    task_uid: str
    resource_uid: str
    units: float = 1.0
    work: int | None = None
    cost: int = 0
    contour: str = "flat"


@dataclass
class PlanFile:
    name: str
    source: str  # "MS Project XML", "MS Project (.mpp)", "Primavera P6 (.xer)" ...
    start: datetime | None = None
    finish: datetime | None = None
    status_date: datetime | None = None
    calendar_uid: str | None = None
    currency: str = ""
    minutes_per_day: int = 480
    lag_calendar: str = "successor"  # or "predecessor" (P6's default)
    finished_work: str = "actual"  # or "status": P6 drives from the data date
    calendars: list[PlanCalendar] = field(default_factory=list)
    resources: list[PlanResource] = field(default_factory=list)
    tasks: list[PlanTask] = field(default_factory=list)  # parents before their children
    links: list[PlanLink] = field(default_factory=list)
    assignments: list[PlanAssignment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """What the file holds, for previews and the end-of-import message."""
        return {
            "tasks": len(self.tasks),
            "links": len(self.links),
            "calendars": len(self.calendars),
            "resources": len(self.resources),
            "assignments": len(self.assignments),
        }


def describe_counts(counts: dict[str, int]) -> str:
    """'145 tasks, 176 links and 1 calendar': what an import made, zeros left out."""
    parts = []
    for name in COUNT_NAMES:
        number = counts.get(name, 0)
        if number or name == "tasks":
            parts.append(f"{number} {name if number != 1 else name[:-1]}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
