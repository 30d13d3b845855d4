"""Importing a plan from another tool: read the file, then build the project through the services.

MS Project XML is read directly; every other format MPXJ knows is converted to it first in a
child process (``mpxj_bridge``). The import is one transaction over the ordinary services
(calendars, project, resources, tasks and links, assignments, baselines), so the same rules
apply as for a plan typed in, and a refusal anywhere leaves nothing behind. tandem's scheduler,
not the file's stored dates, then sets every date.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.errors import DomainError, Invalid
from tandem.interop.mpxj_bridge import BridgeError, convert_to_mspdi
from tandem.interop.mspdi_codes import NS
from tandem.interop.mspdi_read import MspdiError, read_mspdi
from tandem.interop.plan_file import PlanBaseline, PlanCalendar, PlanFile, PlanTask
from tandem.projects import services, services_plan, services_tasks
from tandem.projects import validation as clean
from tandem.projects.models import Calendar, Project
from tandem.projects.scheduling import work_calendar

Progress = Callable[[str, int, int], None]  # (step, done, total)

SUPPORTED: dict[str, str] = {
    ".xml": "MS Project XML or Primavera P6 XML",
    ".mpp": "MS Project (.mpp)",
    ".mpx": "MS Project exchange (.mpx)",
    ".xer": "Primavera P6 (.xer)",
    ".pmxml": "Primavera P6 XML",
    ".gan": "GanttProject (.gan)",
    ".planner": "GNOME Planner (.planner)",
    ".pp": "Asta Powerproject (.pp)",
    ".pod": "ProjectLibre (.pod)",
}
PREVIEW_TASKS = 50
DEFAULT_TITLE = re.compile(r"Project\d*")  # what MPXJ writes for a plan without a title
P6_SUFFIXES = (".xer", ".pmxml")
MAX_MINUTES = clean.MAX_MINUTES


@dataclass
class ImportResult:
    project: Project
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    task_ids: list[int] = field(default_factory=list)  # in the order of the plan's tasks


def _quiet(step: str, done: int, total: int) -> None:
    """No progress shown."""


def read_plan(filename: str, data: bytes, *, progress: Progress | None = None) -> PlanFile:
    """The plan in a file, by its name's suffix; Invalid names what is wrong."""
    report = progress or _quiet
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise Invalid(
            f"tandem cannot read '{suffix or filename}' files; it reads "
            f"{', '.join(sorted(SUPPORTED))}.",
            field="file",
            code="import.unsupported",
        )
    if not data.strip():
        raise Invalid(f"{filename}: the file is empty.", field="file", code="import.unreadable")
    source = SUPPORTED[suffix]
    report("Reading the file", 0, 3)
    try:
        extras: dict[str, Any] = {}
        if suffix == ".xml" and NS.encode() in data[:4096]:
            xml, source = data, "MS Project XML"
        else:
            report(f"Converting {source} with MPXJ", 1, 3)
            xml, extras = convert_to_mspdi(filename, data)
        plan = read_mspdi(xml, name=Path(filename).stem, progress=progress)
    except BridgeError as error:
        code = "import.java_missing" if error.missing else "import.unreadable"
        raise Invalid(f"{filename}: {error}", field="file", code=code) from None
    except MspdiError as error:
        raise Invalid(f"{filename}: {error}.", field="file", code="import.unreadable") from None
    plan.source = source
    if xml is not data and DEFAULT_TITLE.fullmatch(plan.name):
        plan.name = Path(filename).stem[:200] or plan.name  # MPXJ's stand-in, not a title
    if extras.get("lag_calendar") == "PREDECESSOR":
        plan.lag_calendar = "predecessor"
    sides = extras.get("milestones", {})
    for task in plan.tasks:
        task.milestone_at = sides.get(task.uid, "")
    if suffix in P6_SUFFIXES or (suffix == ".xml" and source != "MS Project XML"):
        _soften_p6_constraints(plan)
        plan.finished_work = "status"  # P6 schedules from the data date through the logic
    if suffix == ".gan":
        _keep_gantt_dates(plan)
    report("Read", 3, 3)
    return plan


def _keep_gantt_dates(plan: PlanFile) -> None:
    """GanttProject places each task at the date it was drawn on (links only push it later),
    where a scheduler would pull every unlinked task to the project's start: keep those dates
    as "start no earlier than"."""
    for task in plan.tasks:
        if not task.summary and task.start is not None and task.constraint == "ASAP":
            task.constraint, task.constraint_date = "SNET", task.start


def _soften_p6_constraints(plan: PlanFile) -> None:
    """P6's "Start On" and "Finish On" yield to predecessors (only its Mandatory kinds do
    not), but MS Project XML has one code for both: as P6 schedules them forward, they are
    "start no earlier than" and "finish no earlier than"."""
    for task in plan.tasks:
        if task.constraint == "MSO":
            task.constraint = "SNET"
        elif task.constraint == "MFO":
            task.constraint = "FNET"


def _task_preview(task: PlanTask, minutes_per_day: int) -> dict[str, Any]:
    return {
        "name": task.name,
        "outline_number": task.outline_number,
        "duration_days": round(task.duration / (minutes_per_day or 480), 2),
        "start": task.start,
        "finish": task.finish,
        "milestone": task.milestone or (task.duration == 0 and not task.summary),
        "summary": task.summary,
    }


def preview_plan(actor: Actor, organisation_id: int, plan: PlanFile) -> dict[str, Any]:
    """What an import of this plan would create, for the page to show before it does."""
    access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    return {
        "name": plan.name,
        "source": plan.source,
        "counts": plan.counts(),
        "start": plan.start,
        "finish": plan.finish,
        "warnings": list(plan.warnings) + _limitations(plan),
        "tasks": [_task_preview(t, plan.minutes_per_day) for t in plan.tasks[:PREVIEW_TASKS]],
    }


def _limitations(plan: PlanFile) -> list[str]:
    """What tandem keeps differently from the file, said before and after an import."""
    notes = []
    contoured = sum(1 for a in plan.assignments if a.contour != "flat")
    if contoured:
        notes.append(f"{contoured} contoured assignments are spread evenly over their tasks.")
    summaries = {t.uid for t in plan.tasks if t.summary}
    on_summary = sum(1 for a in plan.assignments if a.task_uid in summaries)
    if on_summary:
        notes.append(f"{on_summary} assignments to summary tasks are left out.")
    huge = sum(1 for t in plan.tasks if not t.summary and (t.work or 0) > MAX_MINUTES)
    if huge:
        notes.append(f"{huge} tasks have more than twenty years of work; their work is left out.")
    reversed_baselines = sum(1 for t in plan.tasks for b in t.baselines if _reversed(b))
    if reversed_baselines:
        notes.append(
            f"{reversed_baselines} baseline dates finish before they start and are left out."
        )
    return notes


def _reversed(baseline: PlanBaseline) -> bool:
    return (
        baseline.start is not None
        and baseline.finish is not None
        and baseline.finish < baseline.start
    )


# -- building the project --------------------------------------------------------------------


def _free_name(wanted: str, taken: set[str], limit: int) -> str:
    name = wanted[:limit]
    n = 2
    while name in taken:
        tail = f" ({n})"
        name = wanted[: limit - len(tail)] + tail
        n += 1
    taken.add(name)
    return name


def _ranges(exceptions: list[tuple[date, date, list[tuple[int, int]], str]]) -> list[dict]:
    """Exceptions as ranges: runs of consecutive days with the same hours become one row."""
    days: dict[date, tuple[list[tuple[int, int]], str]] = {}
    for first, last, hours, name in exceptions:
        day = first
        while day <= last:
            days[day] = (hours, name)
            day += timedelta(days=1)
    rows: list[dict[str, Any]] = []
    for day in sorted(days):
        hours, name = days[day]
        previous = rows[-1] if rows else None
        if (
            previous is not None
            and previous["last_day"] + timedelta(days=1) == day
            and previous["hours"] == [list(h) for h in hours]
            and previous["name"] == name
        ):
            previous["last_day"] = day
        else:
            rows.append(
                {"first_day": day, "last_day": day, "hours": [list(h) for h in hours], "name": name}
            )
    return rows


def _calendars(actor: Actor, organisation_id: int, plan: PlanFile) -> dict[str, int]:
    """The file's calendars as tandem calendars (bases first); uid → calendar id."""
    taken = set(
        Calendar.objects.filter(organisation_id=organisation_id).values_list("name", flat=True)
    )
    by_uid = {c.uid: c for c in plan.calendars}
    made: dict[str, int] = {}

    def make(calendar: PlanCalendar, seen: tuple[str, ...] = ()) -> int:
        if calendar.uid in made:
            return made[calendar.uid]
        base_id = None
        base = by_uid.get(calendar.base_uid or "")
        if base is not None and base.uid not in seen:
            base_id = make(base, (*seen, calendar.uid))
        week: list[Any] = [None if h is None else [list(s) for s in h] for h in calendar.week]
        if base_id is None:
            # A derived calendar whose base is missing: its own days, the rest not working.
            week = [[] if day is None else day for day in week]
        name = _free_name(f"{plan.name}: {calendar.name}", taken, 120)
        made[calendar.uid] = services_plan.create_calendar(
            actor,
            organisation_id,
            name=name,
            week=week,
            base_id=base_id,
            exceptions=_ranges(calendar.exceptions),
        ).pk
        return made[calendar.uid]

    for calendar in plan.calendars:
        make(calendar)
    return made


def _project(
    actor: Actor, organisation_id: int, plan: PlanFile, name: str, calendars: dict[str, int]
) -> Project:
    starts = [t.start for t in plan.tasks if t.start is not None]
    start = plan.start or (min(starts) if starts else None)
    fields: dict[str, Any] = {
        "calendar_id": calendars.get(plan.calendar_uid or ""),
        "status": "active" if any(t.actual_start for t in plan.tasks) else "proposed",
        "scope_in": f"Imported from {plan.source}.",
        "lag_calendar": plan.lag_calendar,
        "finished_work": plan.finished_work,
    }
    if plan.status_date is not None:
        fields["status_date"] = _status_day(plan, calendars)
    return services.create_project(
        actor,
        organisation_id,
        name=name,
        start=(start.date() if start else date.today()),
        **fields,
    )


def _status_day(plan: PlanFile, calendars: dict[str, int]) -> date:
    """The status date as tandem keeps it: a day, whose first working moment is where work
    not yet done resumes. A data date at midnight is that day; one later in a day (P6 often
    writes 17:00) becomes the day of the next working moment in the project calendar, so
    remaining work resumes where P6 resumes it."""
    assert plan.status_date is not None
    if plan.status_date.time() == datetime.min.time():
        return plan.status_date.date()
    calendar_id = calendars.get(plan.calendar_uid or "")
    row = None if calendar_id is None else Calendar.objects.filter(pk=calendar_id).first()
    return work_calendar(row).next_working_start(plan.status_date).date()


def _task_row(task: PlanTask, calendars: dict[str, int]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ref": task.uid,
        "parent": task.parent_uid,
        "name": task.name,
        "notes": task.notes[:20_000],
        "priority": task.priority,
        "position": 0,
    }
    if task.summary:
        return row  # a summary's dates, work and progress roll up from its tasks
    row.update(
        duration=task.duration,
        constraint_type=task.constraint,
        calendar_id=calendars.get(task.calendar_uid or ""),
        fixed_cost=max(0, task.fixed_cost),
    )
    if task.milestone_at and task.duration == 0:
        row["milestone_at"] = task.milestone_at
    if task.constraint_date is not None and task.constraint not in ("ASAP", "ALAP"):
        row["constraint_date"] = task.constraint_date
    elif task.constraint not in ("ASAP", "ALAP"):
        row["constraint_type"] = "ASAP"  # a dated constraint without its date
    if task.deadline is not None:
        row["deadline"] = task.deadline
    if task.work is not None and 0 <= task.work <= MAX_MINUTES:
        row["work"] = task.work
    if task.actual_start is not None:
        row["actual_start"] = task.actual_start
        # Without an actual finish the work is not done, whatever the percent says (P6's
        # physical % may read 100 on open work); 100 would record a finish of today.
        row["percent_complete"] = min(task.percent_complete, 99)
        if task.actual_finish is not None:
            row["actual_finish"] = task.actual_finish
            row["percent_complete"] = 100
        elif task.remaining is not None and 0 <= task.remaining <= MAX_MINUTES:
            row["remaining"] = task.remaining
        elif task.percent_complete >= 100:
            row["remaining"] = 0  # all done but not closed: nothing left to schedule
    return row


def _resources(
    actor: Actor, organisation_id: int, plan: PlanFile, calendars: dict[str, int]
) -> dict[str, int]:
    made = {}
    for resource in plan.resources:
        made[resource.uid] = services_plan.create_resource(
            actor,
            organisation_id,
            name=resource.name,
            kind=resource.kind,
            capacity=min(100.0, max(0.01, resource.max_units or 1.0)),
            cost_rate=max(0, resource.standard_rate),
            calendar_id=calendars.get(resource.calendar_uid or ""),
        ).pk
    return made


def _baselines(actor: Actor, project: Project, plan: PlanFile, tasks: dict[str, int]) -> int:
    by_number: dict[int, list[tuple[int, Any, Any, int, int]]] = defaultdict(list)
    for task in plan.tasks:
        for baseline in task.baselines:
            empty = baseline.start is None and baseline.finish is None
            if (empty and not baseline.duration and not baseline.cost) or _reversed(baseline):
                continue
            by_number[baseline.number].append(
                (
                    tasks[task.uid],
                    baseline.start,
                    baseline.finish,
                    max(0, baseline.duration),
                    max(0, baseline.cost),
                )
            )
    for number in sorted(by_number):
        services_plan.record_baseline(
            actor,
            project.pk,
            name="Baseline" if number == 0 else f"Baseline {number}",
            tasks=by_number[number],
        )
    return len(by_number)


@transaction.atomic
def import_plan(
    actor: Actor,
    organisation_id: int,
    plan: PlanFile,
    *,
    project_name: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Create a project from a plan in one transaction; a refusal anywhere writes nothing."""
    began = time.perf_counter()
    report = progress or _quiet
    access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    steps = 6
    try:
        report("Calendars", 0, steps)
        calendars = _calendars(actor, organisation_id, plan)
        report("Project", 1, steps)
        project = _project(
            actor, organisation_id, plan, (project_name or plan.name)[:200], calendars
        )
        report("Resources", 2, steps)
        resources = _resources(actor, organisation_id, plan, calendars)
        report(f"Tasks and links ({len(plan.tasks)} tasks), then the schedule", 3, steps)
        rows = [_task_row(task, calendars) for task in plan.tasks]
        for position, row in enumerate(rows):
            row["position"] = position
        links = [
            {
                "from": link.pred_uid,
                "to": link.succ_uid,
                "type": link.type,
                "lag": link.lag,
                "lag_format": link.lag_format,
            }
            for link in plan.links
        ]
        made = services_tasks.create_tasks(actor, project.pk, rows, links)
        tasks = {task.uid: row.pk for task, row in zip(plan.tasks, made, strict=True)}
        report("Assignments", 4, steps)
        summaries = {t.uid for t in plan.tasks if t.summary}
        pairs: dict[tuple[int, int], float] = {}
        for a in plan.assignments:
            if a.task_uid in summaries or a.units <= 0:
                continue
            pairs.setdefault((tasks[a.task_uid], resources[a.resource_uid]), min(100.0, a.units))
        if pairs:
            services_plan.assign_many(actor, project.pk, [(t, r, u) for (t, r), u in pairs.items()])
        report("Baselines", 5, steps)
        baselines = _baselines(actor, project, plan, tasks)
    except DomainError as error:
        # Same refusal, said of the import; the transaction has already rolled back.
        error.message = f"The plan could not be imported: {error.message}"
        error.args = (error.message,)
        raise
    report("Done", steps, steps)
    project.refresh_from_db()
    counts = {
        "tasks": len(made),
        "links": len(links),
        "calendars": len(calendars),
        "resources": len(resources),
        "assignments": len(pairs),
        "baselines": baselines,
    }
    return ImportResult(
        project=project,
        counts=counts,
        warnings=list(plan.warnings) + _limitations(plan),
        seconds=time.perf_counter() - began,
        task_ids=[row.pk for row in made],
    )


def import_file(
    actor: Actor,
    organisation_id: int,
    filename: str,
    data: bytes,
    *,
    project_name: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Read a file and import it; the time includes reading (and MPXJ's Java start)."""
    began = time.perf_counter()
    access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    plan = read_plan(filename, data, progress=progress)
    result = import_plan(actor, organisation_id, plan, project_name=project_name, progress=progress)
    result.seconds = time.perf_counter() - began
    return result
