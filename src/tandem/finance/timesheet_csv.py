"""Time entries from CSV: every row checked first, then all written or none.

The format (docs/finance.md): a header naming ``date``, ``person``, ``task`` and ``hours``
(and optionally ``note``) in any order. ``person`` is a member's email (optional when people
import their own time); ``task`` is the task's outline number (1.2.3), its id (#42) or its
exact name; ``hours`` is a decimal (1.5) or hours and minutes (1:30).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from tandem.accounts.actors import Actor
from tandem.accounts.models import Membership
from tandem.collab.services import record_activity
from tandem.errors import DomainError, Invalid
from tandem.finance.services import create_time_entries
from tandem.products.services_import import RowError
from tandem.projects.access import access_project
from tandem.projects.queries import task_rows

REQUIRED = ("date", "task", "hours")
KNOWN = ("date", "person", "task", "hours", "note")
MAX_ROWS = 50_000


@dataclass
class TimesheetPreview:
    """The rows as read, with every error found; nothing is written."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(row["minutes"] for row in self.rows)


def _hours(text: str) -> int:
    text = text.strip()
    if ":" in text:
        hours, _, minutes = text.partition(":")
        value = int(hours) * 60 + int(minutes)
    else:
        value = round(float(text) * 60)
    if not 0 < value <= 24 * 60:
        raise ValueError("out of range")
    return value


def _read(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise Invalid("The file is empty.", field="file", code="time.import_empty") from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise Invalid(
            f"The header lacks {', '.join(missing)}; expected {','.join(KNOWN)}.",
            field="file",
            code="time.import_header",
        )
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
        if len(rows) > MAX_ROWS:
            raise Invalid(f"The file has more than {MAX_ROWS} rows; split it.", field="file")
    return rows


def preview_time_entries(actor: Actor, project_id: int, text: str) -> TimesheetPreview:
    """Read and check a timesheet for a project; the result lists every bad row."""
    access, project = access_project(actor, project_id)
    outline = {row.outline.number: row.task for row in task_rows(project)}
    by_id = {str(task.pk): task for task in outline.values()}
    by_name: dict[str, list[Any]] = {}
    for named_task in outline.values():
        by_name.setdefault(named_task.name.strip().lower(), []).append(named_task)
    people = {
        m.user.email.lower(): m.user
        for m in Membership.objects.filter(organisation=access.organisation).select_related("user")
    }
    preview = TimesheetPreview()
    for line, row in _read(text):

        def fail(column: str | None, message: str, line: int = line) -> None:
            preview.errors.append(RowError(line, column, message))

        try:
            day = date.fromisoformat(row.get("date", "").strip())
        except ValueError:
            fail("date", f"'{row.get('date', '')}' is not a date (YYYY-MM-DD)")
            continue
        try:
            minutes = _hours(row.get("hours", ""))
        except ValueError:
            fail("hours", f"'{row.get('hours', '')}' is not hours between 0 and 24 (1.5 or 1:30)")
            continue
        ref = row.get("task", "").strip()
        task: Any = outline.get(ref) or by_id.get(ref.lstrip("#")) if ref else None
        if task is None and ref:
            named = by_name.get(ref.lower(), [])
            if len(named) > 1:
                fail("task", f"{len(named)} tasks are called '{ref}'; use the outline number")
                continue
            task = named[0] if named else None
        if task is None:
            fail("task", f"no task '{ref}' in {project.name}")
            continue
        email = row.get("person", "").strip().lower()
        person = people.get(email) if email else access.user
        if person is None:
            fail("person", f"'{email}' is not a member" if email else "say whose time (person)")
            continue
        preview.rows.append(
            {"line": line, "worked_on": day, "minutes": minutes, "task_id": task.pk,
             "task": task.name, "person_id": person.pk, "person": person.email,
             "note": row.get("note", "").strip()}
        )  # fmt: skip
    return preview


@transaction.atomic
def import_time_entries(actor: Actor, project_id: int, text: str) -> int:
    """Import a timesheet into a project: all rows or, if any is invalid, none.

    The refusal (Invalid, code time.import_invalid) lists every bad row in
    ``details["errors"]``, including rules checked on writing (future days, 24 hours a day,
    permission to book other people's time)."""
    access, project = access_project(actor, project_id)
    preview = preview_time_entries(actor, project_id, text)
    if not preview.errors:
        # Rows are checked one by one against what the rows before them booked.
        for row in preview.rows:
            try:
                with transaction.atomic():
                    create_time_entries(actor, project, access, [row])
            except DomainError as error:
                preview.errors.append(RowError(row["line"], error.field, error.message))
    if preview.errors:
        transaction.set_rollback(True)
        raise Invalid(
            f"{len(preview.errors)} row(s) are invalid; nothing was imported.",
            code="time.import_invalid",
            field="file",
            details={"errors": [e.as_dict() for e in preview.errors]},
        )
    record_activity(
        actor,
        project.organisation,
        action="finance.time.imported",
        target=project,
        summary=f"imported {len(preview.rows)} time entries",
    )
    return len(preview.rows)
