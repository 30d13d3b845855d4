"""A project's tasks as CSV, in MS Project's notation, and back.

Columns (docs/exchange.md): id, wbs, name, duration, optimistic, most_likely, pessimistic,
constraint_type, constraint_date, deadline, percent_complete, actual_start, actual_finish,
resources, predecessors, notes — and start and finish, which the export writes for people
reading the file and the import ignores (the schedule computes them). Only ``name`` is
required. The outline comes from ``wbs`` (1, 1.1, 1.2.3: a row's parent is the row whose WBS
is its own without the last part); predecessors name rows by ``id`` ("3FS+2d;5SS").

Every row is checked before anything is written; the tasks, links and assignments are then
created through the projects services in one transaction with one reschedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.interop import csv_cells as cells
from tandem.interop.csv_rows import Table, read_table, refuse, write_table
from tandem.interop.csv_task_check import TaskChecker
from tandem.projects import queries, services_plan, services_tasks
from tandem.projects.access import access_project
from tandem.projects.models import Assignment, Link, Project
from tandem.projects.scheduling import LocalTime, work_calendar

CODE = "task.import"
COLUMNS = (
    "id",
    "wbs",
    "name",
    "duration",
    "optimistic",
    "most_likely",
    "pessimistic",
    "constraint_type",
    "constraint_date",
    "deadline",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "resources",
    "predecessors",
    "notes",
    "start",
    "finish",
)
COMPUTED = ("start", "finish")
ALIASES = {
    "task_name": "name",
    "outline_number": "wbs",
    "%_complete": "percent_complete",
    "percent": "percent_complete",
    "optimistic_duration": "optimistic",
    "most_likely_duration": "most_likely",
    "pessimistic_duration": "pessimistic",
    "constraint": "constraint_type",
    "resource_names": "resources",
}
STARTS = {"SNET", "SNLT", "MSO"}  # constraints on the start: a bare date is the day's start


@dataclass
class TaskImport:
    """What an import wrote."""

    tasks: int = 0
    links: int = 0
    assignments: int = 0

    @property
    def created(self) -> int:
        return self.tasks

    def summary(self) -> str:
        return (
            f"{self.tasks} task{'s' if self.tasks != 1 else ''}, {self.links} "
            f"link{'s' if self.links != 1 else ''} and {self.assignments} "
            f"assignment{'s' if self.assignments != 1 else ''}"
        )


# -- export ----------------------------------------------------------------------------------


def _clock(project: Project) -> LocalTime:
    return LocalTime(ZoneInfo(project.organisation.time_zone), work_calendar(project.calendar))


def _moment_cell(clock: LocalTime, value: datetime | None, *, finish: bool) -> str:
    local = clock.local(value)
    if local is None:
        return ""
    day = local.date()
    if finish and local.time() == time() and clock.day_end(day - timedelta(days=1)) == local:
        # The end of a day off is the next midnight: that moment still reads as the day off.
        day -= timedelta(days=1)
    return cells.format_moment(local, day, clock.day_start(day), clock.day_end(day), finish=finish)


def _estimate(minutes: int | None) -> str:
    return "" if minutes is None else cells.format_duration(minutes)


def export_tasks(actor: Actor, project_id: int) -> str:
    """The project's tasks in outline order as CSV text (IDs numbered 1, 2, 3 …)."""
    _, project = access_project(actor, project_id)
    clock = _clock(project)
    rows = queries.task_rows(project)
    ids = {row.task.pk: n for n, row in enumerate(rows, start=1)}
    resources: dict[int, list[tuple[str, float]]] = {}
    for task_id, name, units in Assignment.objects.filter(task__project=project).values_list(
        "task_id", "resource__name", "units"
    ):
        resources.setdefault(task_id, []).append((name, units))
    predecessors: dict[int, list[cells.Predecessor]] = {}
    for pred, succ, kind, lag, lag_format in Link.objects.filter(project=project).values_list(
        "predecessor_id", "successor_id", "type", "lag", "lag_format"
    ):
        predecessors.setdefault(succ, []).append(
            cells.Predecessor(ids[pred], kind, lag, lag_format)
        )
    lines = []
    for row in rows:
        task = row.task
        start_type = task.constraint_type in STARTS
        lines.append(
            {
                "id": str(ids[task.pk]),
                "wbs": row.outline.number,
                "name": task.name,
                "duration": cells.format_duration(task.duration),
                "optimistic": _estimate(task.optimistic),
                "most_likely": _estimate(task.most_likely),
                "pessimistic": _estimate(task.pessimistic),
                "constraint_type": task.constraint_type,
                "constraint_date": _moment_cell(clock, task.constraint_date, finish=not start_type),
                "deadline": _moment_cell(clock, task.deadline, finish=True),
                "percent_complete": str(task.percent_complete),
                "actual_start": _moment_cell(clock, task.actual_start, finish=False),
                "actual_finish": _moment_cell(clock, task.actual_finish, finish=True),
                "resources": cells.format_resources(sorted(resources.get(task.pk, []))),
                "predecessors": ";".join(
                    cells.format_predecessor(p)
                    for p in sorted(predecessors.get(task.pk, []), key=lambda p: p.id)
                ),
                "notes": task.notes,
                "start": _moment_cell(clock, task.start, finish=False),
                "finish": _moment_cell(clock, task.finish, finish=True),
            }
        )
    return write_table(COLUMNS, lines)


# -- import ----------------------------------------------------------------------------------


def read_tasks(text: str) -> Table:
    """The file's header and rows; refuses a file that is not a task CSV."""
    return read_table(
        text,
        code=CODE,
        required=("name",),
        known=COLUMNS,
        aliases=ALIASES,
        expected=",".join(COLUMNS),
    )


@transaction.atomic
def import_tasks(actor: Actor, project_id: int, text: str) -> TaskImport:
    """Add the file's tasks, links and assignments to the project, after the tasks it has.

    Any invalid row refuses the whole file: Invalid (code task.import_invalid) lists every bad
    row in ``details["errors"]`` and nothing is written.
    """
    _, project = access_project(actor, project_id, Permission.EDIT_PLAN)
    checker = TaskChecker(project, read_tasks(text))
    rows = checker.check()
    refuse(checker.errors, code=CODE)
    tasks = []
    for checked in rows:
        tasks.append({"ref": checked.ref, **checked.fields})
    links = [
        {
            "from": str(entry.id),
            "to": checked.ref,
            "type": entry.type,
            "lag": entry.lag,
            "lag_format": entry.lag_format,
        }
        for checked in rows
        for entry in checked.predecessors
    ]
    created = services_tasks.create_tasks(actor, project.pk, tasks, links)
    assignments = [
        (task.pk, resource_id, units)
        for checked, task in zip(rows, created, strict=True)
        for resource_id, units in checked.resources
    ]
    if assignments:
        services_plan.assign_many(actor, project.pk, assignments)
    return TaskImport(tasks=len(created), links=len(links), assignments=len(assignments))
