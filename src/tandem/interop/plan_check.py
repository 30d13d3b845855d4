"""Checking an import against the file: do tandem's dates equal the ones the tool computed?

The yardstick of issue 8: after import, tandem's scheduler (not the file's stored dates) must
reproduce the stored start and finish of every leaf task that has not started. The page shows
the result after an import; the benchmark prints it per file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from tandem.interop.plan_file import PlanFile
from tandem.projects.models import Project, Task


@dataclass
class Mismatch:
    name: str
    stored_start: datetime | None
    stored_finish: datetime | None
    start: datetime | None
    finish: datetime | None


@dataclass
class DateCheck:
    compared: int = 0
    matched: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def all_match(self) -> bool:
        return self.compared == self.matched


def compare_dates(
    plan: PlanFile, project: Project, task_ids: list[int], *, days_only: bool = False
) -> DateCheck:
    """Stored against scheduled dates for the unstarted leaf tasks; ``task_ids`` are the
    imported tasks in the order of ``plan.tasks``. ``days_only`` compares the days, for tools
    that keep no times of day (GanttProject)."""
    zone = ZoneInfo(project.organisation.time_zone)
    rows = Task.objects.in_bulk(task_ids)
    check = DateCheck()
    for task, pk in zip(plan.tasks, task_ids, strict=True):
        if task.summary or task.actual_start is not None or task.percent_complete > 0:
            continue
        if task.start is None or task.finish is None:
            continue
        row = rows[pk]
        start = None if row.start is None else row.start.astimezone(zone).replace(tzinfo=None)
        finish = None if row.finish is None else row.finish.astimezone(zone).replace(tzinfo=None)
        check.compared += 1
        if days_only:
            same = (start and start.date(), finish and finish.date()) == (
                task.start.date(),
                task.finish.date(),
            )
        else:
            same = start == task.start and finish == task.finish
        if same:
            check.matched += 1
        else:
            check.mismatches.append(Mismatch(task.name, task.start, task.finish, start, finish))
    return check
