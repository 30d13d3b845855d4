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

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.interop import csv_cells as cells
from tandem.interop.csv_rows import RowError, Table, read_table, refuse, write_table
from tandem.projects import queries, services_plan, services_tasks
from tandem.projects.access import access_project
from tandem.projects.models import Assignment, Link, Project, Resource
from tandem.projects.scheduling import LocalTime, work_calendar
from tandem.projects.validation import MAX_MINUTES

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


@dataclass
class _Row:
    line: int
    ref: str
    wbs: str | None
    fields: dict[str, Any]
    predecessors: list[cells.Predecessor] = field(default_factory=list)
    resources: list[tuple[int, float]] = field(default_factory=list)


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


class _Checker:
    """Checks the rows of one file against one project, collecting every error."""

    def __init__(self, project: Project, table: Table) -> None:
        self.project = project
        self.table = table
        self.errors: list[RowError] = []
        by_name: dict[str, list[Resource]] = {}
        for resource in Resource.objects.filter(organisation_id=project.organisation_id):
            by_name.setdefault(resource.name.casefold(), []).append(resource)
        self.resources = by_name

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def duration(self, line: int, row: dict[str, str], column: str) -> int | None:
        text = row.get(column, "")
        if cells.is_blank(text):
            return None
        try:
            minutes = cells.parse_duration(text)
        except ValueError as reason:
            self.error(line, column, f"{reason}.")
            return None
        if minutes > MAX_MINUTES:
            self.error(line, column, "Longer than twenty years.")
            return None
        return minutes

    def moment(self, line: int, row: dict[str, str], column: str) -> date | datetime | None:
        text = row.get(column, "")
        if cells.is_blank(text):
            return None
        try:
            return cells.parse_moment(text)
        except ValueError as reason:
            self.error(line, column, f"{reason}.")
            return None

    def row(self, line: int, row: dict[str, str], number: int) -> _Row | None:
        """One row checked; None when it is too broken to take part in later checks."""
        ref = (row.get("id") or "").strip() or str(number)
        if not ref.isdigit() or int(ref) < 1:
            self.error(line, "id", f"'{ref}' is not a row ID (a whole number from 1).")
            return None
        fields: dict[str, Any] = {}
        name = (row.get("name") or "").strip()
        if not name:
            self.error(line, "name", "A task needs a name.")
        elif len(name) > 300:
            self.error(line, "name", "The name is longer than 300 characters.")
        fields["name"] = name
        notes = row.get("notes") or ""
        if len(notes) > 20_000:
            self.error(line, "notes", "The notes are longer than 20,000 characters.")
        elif notes.strip():
            fields["notes"] = notes
        duration = self.duration(line, row, "duration")
        fields["duration"] = duration or 0
        estimates = [
            self.duration(line, row, c) for c in ("optimistic", "most_likely", "pessimistic")
        ]
        for column, value in zip(
            ("optimistic", "most_likely", "pessimistic"), estimates, strict=True
        ):
            if value is not None:
                fields[column] = value
        if all(e is not None for e in estimates) and not (
            estimates[0] <= estimates[1] <= estimates[2]  # type: ignore[operator]
        ):
            self.error(line, "most_likely", "Estimates run optimistic ≤ most likely ≤ pessimistic.")
        constraint = "ASAP"
        text = row.get("constraint_type", "")
        if not cells.is_blank(text):
            try:
                constraint = cells.parse_constraint(text)
            except ValueError as reason:
                self.error(line, "constraint_type", f"{reason}.")
        fields["constraint_type"] = constraint
        constraint_date = self.moment(line, row, "constraint_date")
        if constraint in ("ASAP", "ALAP") and constraint_date is not None:
            self.error(
                line,
                "constraint_date",
                f"An {constraint} task takes no constraint date; set a constraint type such as "
                "SNET or clear the date.",
            )
        elif constraint_date is None and cells.is_blank(row.get("constraint_date", "")):
            if constraint not in ("ASAP", "ALAP"):
                self.error(line, "constraint_date", f"A {constraint} constraint needs a date.")
        elif constraint_date is not None:
            fields["constraint_date"] = constraint_date
        for column in ("deadline", "actual_start", "actual_finish"):
            moment = self.moment(line, row, column)
            if moment is not None:
                fields[column] = moment
        start, finish = fields.get("actual_start"), fields.get("actual_finish")
        if (
            start is not None
            and finish is not None
            and _comparable(finish, end=True) < _comparable(start, end=False)
        ):
            self.error(line, "actual_finish", "The actual finish lies before the actual start.")
        text = row.get("percent_complete", "")
        if not cells.is_blank(text):
            try:
                fields["percent_complete"] = cells.parse_percent(text)
            except ValueError as reason:
                self.error(line, "percent_complete", f"{reason}.")
        checked = _Row(line=line, ref=str(int(ref)), wbs=None, fields=fields)
        wbs = (row.get("wbs") or "").strip()
        if wbs:
            parts = wbs.split(".")
            if not all(part.isdigit() for part in parts):
                self.error(line, "wbs", f"'{wbs}' is not an outline number such as 1.2.3.")
            else:
                checked.wbs = ".".join(str(int(part)) for part in parts)
        self.resources_of(line, row, checked)
        text = row.get("predecessors", "")
        if not cells.is_blank(text):
            try:
                checked.predecessors = cells.parse_predecessors(text)
            except ValueError as reason:
                self.error(line, "predecessors", f"{reason}.")
        return checked

    def resources_of(self, line: int, row: dict[str, str], checked: _Row) -> None:
        text = row.get("resources", "")
        if cells.is_blank(text):
            return
        try:
            entries = cells.parse_resources(text)
        except ValueError as reason:
            self.error(line, "resources", f"{reason}.")
            return
        seen: set[int] = set()
        for name, units in entries:
            found = self.resources.get(name.casefold(), [])
            if not found:
                self.error(line, "resources", f"No resource is called '{name}'; add it first.")
            elif len(found) > 1:
                self.error(line, "resources", f"Several resources are called '{name}'.")
            elif found[0].pk in seen:
                self.error(line, "resources", f"'{name}' is named twice.")
            else:
                seen.add(found[0].pk)
                checked.resources.append((found[0].pk, units))

    def check(self) -> list[_Row]:
        """Every row, then the references between rows: IDs, outline, predecessors."""
        rows: list[_Row] = []
        for number, (line, row) in enumerate(self.table.rows, start=1):
            checked = self.row(line, row, number)
            if checked is not None:
                rows.append(checked)
        by_ref: dict[str, _Row] = {}
        for checked in rows:
            if checked.ref in by_ref:
                self.error(
                    checked.line,
                    "id",
                    f"The ID {checked.ref} is used by line {by_ref[checked.ref].line} too.",
                )
            else:
                by_ref[checked.ref] = checked
        self.outline(rows)
        self.links(rows, by_ref)
        return rows

    def outline(self, rows: list[_Row]) -> None:
        by_wbs: dict[str, _Row] = {}
        for checked in rows:
            if checked.wbs is None:
                continue
            if checked.wbs in by_wbs:
                self.error(
                    checked.line,
                    "wbs",
                    f"The WBS {checked.wbs} is used by line {by_wbs[checked.wbs].line} too.",
                )
                continue
            parent_wbs, _, _ = checked.wbs.rpartition(".")
            if parent_wbs:
                parent = by_wbs.get(parent_wbs)
                if parent is None:
                    self.error(
                        checked.line,
                        "wbs",
                        f"No row with the WBS {parent_wbs} comes before this one.",
                    )
                else:
                    checked.fields["parent"] = parent.ref
            by_wbs[checked.wbs] = checked
        parents = {c.fields["parent"] for c in rows if "parent" in c.fields}
        for checked in rows:
            if checked.ref in parents and checked.resources:
                self.error(
                    checked.line,
                    "resources",
                    "A summary task (it has subtasks) takes no resources; assign its subtasks.",
                )

    def links(self, rows: list[_Row], by_ref: dict[str, _Row]) -> None:
        for checked in rows:
            seen: set[str] = set()
            for entry in checked.predecessors:
                ref = str(entry.id)
                if ref == checked.ref:
                    self.error(checked.line, "predecessors", "A task cannot precede itself.")
                elif ref not in by_ref:
                    self.error(checked.line, "predecessors", f"No row has the ID {ref}.")
                elif ref in seen:
                    self.error(checked.line, "predecessors", f"The ID {ref} is named twice.")
                seen.add(ref)
        self.cycles(rows, by_ref)

    def cycles(self, rows: list[_Row], by_ref: dict[str, _Row]) -> None:
        """Report each cycle of predecessors once, on the row that closes it."""
        successors: dict[str, list[str]] = {}
        for checked in rows:
            for entry in checked.predecessors:
                if str(entry.id) in by_ref and str(entry.id) != checked.ref:
                    successors.setdefault(str(entry.id), []).append(checked.ref)
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        for root in by_ref:
            if state.get(root):
                continue
            # Depth-first with an explicit stack: a long chain must not hit the recursion limit.
            path = [root]
            stack = [iter(successors.get(root, []))]
            state[root] = 1
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    stack.pop()
                elif state.get(nxt) == 1:
                    loop = path[path.index(nxt) :]
                    closing = by_ref[loop[0]]
                    self.error(
                        closing.line,
                        "predecessors",
                        "These predecessors form a cycle: "
                        + " → ".join(f"ID {ref}" for ref in [*loop, loop[0]])
                        + ".",
                    )
                elif not state.get(nxt):
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append(iter(successors.get(nxt, [])))


def _comparable(value: date | datetime, *, end: bool) -> datetime:
    """A local moment to compare: a bare date spans its whole day (the service, knowing the
    calendar's working hours, checks the exact moments again)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.combine(value, time.max if end else time.min)


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
    checker = _Checker(project, read_tasks(text))
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
