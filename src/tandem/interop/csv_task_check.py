"""Checks of a task CSV against one project: every cell, then the references between rows
(IDs, the outline, predecessors and their cycles), collecting every problem with its line.

Nothing here writes: csv_tasks hands the checked rows to the projects services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from tandem.interop import csv_cells as cells
from tandem.interop.csv_rows import RowError, Table
from tandem.projects.models import Project, Resource
from tandem.projects.validation import MAX_MINUTES


@dataclass
class CheckedRow:
    """A row that passed its own checks, as the services will take it."""

    line: int
    ref: str
    wbs: str | None
    fields: dict[str, Any]
    predecessors: list[cells.Predecessor] = field(default_factory=list)
    resources: list[tuple[int, float]] = field(default_factory=list)


class TaskChecker:
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

    def row(self, line: int, row: dict[str, str], number: int) -> CheckedRow | None:
        """One row checked; None when it has no usable ID to take part in later checks."""
        ref = (row.get("id") or "").strip() or str(number)
        if not ref.isdigit() or int(ref) < 1:
            self.error(line, "id", f"'{ref}' is not a row ID (a whole number from 1).")
            return None
        checked = CheckedRow(line=line, ref=str(int(ref)), wbs=None, fields={})
        self.texts(line, row, checked.fields)
        self.durations(line, row, checked.fields)
        self.constraint(line, row, checked.fields)
        self.progress(line, row, checked.fields)
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

    def texts(self, line: int, row: dict[str, str], fields: dict[str, Any]) -> None:
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

    def durations(self, line: int, row: dict[str, str], fields: dict[str, Any]) -> None:
        fields["duration"] = self.duration(line, row, "duration") or 0
        names = ("optimistic", "most_likely", "pessimistic")
        estimates = [self.duration(line, row, name) for name in names]
        for name, value in zip(names, estimates, strict=True):
            if value is not None:
                fields[name] = value
        low, likely, high = estimates
        known = low is not None and likely is not None and high is not None
        if known and not low <= likely <= high:  # type: ignore[operator]
            self.error(line, "most_likely", "Estimates run optimistic ≤ most likely ≤ pessimistic.")

    def constraint(self, line: int, row: dict[str, str], fields: dict[str, Any]) -> None:
        kind = "ASAP"
        text = row.get("constraint_type", "")
        if not cells.is_blank(text):
            try:
                kind = cells.parse_constraint(text)
            except ValueError as reason:
                self.error(line, "constraint_type", f"{reason}.")
        fields["constraint_type"] = kind
        moment = self.moment(line, row, "constraint_date")
        floating = kind in ("ASAP", "ALAP")
        if floating and moment is not None:
            self.error(
                line,
                "constraint_date",
                f"An {kind} task takes no constraint date; set a constraint type such as SNET "
                "or clear the date.",
            )
        elif moment is not None:
            fields["constraint_date"] = moment
        elif not floating and cells.is_blank(row.get("constraint_date", "")):
            self.error(line, "constraint_date", f"A {kind} constraint needs a date.")

    def progress(self, line: int, row: dict[str, str], fields: dict[str, Any]) -> None:
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

    def resources_of(self, line: int, row: dict[str, str], checked: CheckedRow) -> None:
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

    def check(self) -> list[CheckedRow]:
        """Every row, then the references between rows: IDs, outline, predecessors."""
        rows: list[CheckedRow] = []
        for number, (line, row) in enumerate(self.table.rows, start=1):
            checked = self.row(line, row, number)
            if checked is not None:
                rows.append(checked)
        by_ref: dict[str, CheckedRow] = {}
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

    def outline(self, rows: list[CheckedRow]) -> None:
        by_wbs: dict[str, CheckedRow] = {}
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

    def links(self, rows: list[CheckedRow], by_ref: dict[str, CheckedRow]) -> None:
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

    def cycles(self, rows: list[CheckedRow], by_ref: dict[str, CheckedRow]) -> None:
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
