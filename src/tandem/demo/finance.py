"""The demo's money: three-point estimates on the mobile project, a pay rise the approved
budget did not foresee, time worked week by week (the backend costs more than planned),
expenses, and a weekly earned value snapshot, so the S-curve and the trends have history."""

from __future__ import annotations

from datetime import date, timedelta

from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Organisation
from tandem.finance import services as finance
from tandem.projects import services_tasks
from tandem.projects.models import Assignment, Project, Resource, Task

# Pessimistic estimate as a multiple of the most likely one (default 1.5): the risky work.
RISKY = {"be.3": 2.2, "be.5": 2.0, "ios.4": 1.8, "and.4": 1.8, "qa.2": 1.7, "launch.2": 2.0}
# Hours actually worked per hour planned: the backend is harder than estimated.
EFFORT = {"be.1": 1.1, "be.2": 1.2, "be.3": 1.45, "disc.2": 1.15, "des.3": 1.1}
# Slipped work that keeps eating hours without moving: share of each working day booked on it
# from its planned start, whatever its progress (the cost of being stuck).
STUCK = {"be.3": 0.75, "des.4": 0.5, "ios.2": 0.25}
EXPENSES = [
    # (weeks after the start, task ref or None, category, amount in cents, description)
    (1, "disc.1", "travel", 184_000, "Travel for customer interviews in Hamburg and Munich"),
    (3, None, "software", 129_900, "Design tool and prototyping licences"),
    (4, "ios.1", "equipment", 642_000, "Test devices: six phones and two tablets"),
    (6, "be.3", "services", 360_000, "Cloud sync database, reserved capacity"),
]

_refs: dict[int, str] = {}  # task id → demo ref
_paid: dict[int, int] = {}  # task id → percent complete already booked as time


def prepare(
    organisation: Organisation,
    project: Project,
    ref: dict[str, Task],
    resources: dict[str, Resource],
) -> None:
    """Estimates, the pay rise and the expenses, before the weeks are worked."""
    _refs.clear()
    _paid.clear()
    _refs.update({task.pk: r for r, task in ref.items()})
    parents = set(Task.objects.filter(project=project).values_list("parent_id", flat=True))
    updates = []
    for task in Task.objects.filter(project=project, duration__gt=0).exclude(pk__in=parents):
        high = RISKY.get(_refs.get(task.pk, ""), 1.5)
        updates.append(
            {"id": task.pk, "version": task.version, "optimistic": round(task.duration * 0.8),
             "most_likely": task.duration, "pessimistic": round(task.duration * high)}
        )  # fmt: skip
    services_tasks.update_tasks(OPERATOR, project.pk, updates)
    for resource in resources.values():
        if resource.cost_rate and resource.user_id:
            finance.set_cost_rate(
                OPERATOR,
                resource.pk,
                effective_from=project.start + timedelta(weeks=5),
                rate=round(resource.cost_rate * 1.06),
            )
    for weeks, task_ref, category, amount, text in EXPENSES:
        finance.record_expense(
            OPERATOR,
            project.pk,
            incurred_on=project.start + timedelta(weeks=weeks, days=2),
            amount=amount,
            description=text,
            category=category,
            task_id=ref[task_ref].pk if task_ref else None,
        )


def week_worked(project: Project, day: date, *, snapshot: bool = True) -> None:
    """Book the time behind the progress made in the week up to ``day`` and keep the week's
    earned value figures."""
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(5) if monday + timedelta(days=i) <= day]
    rows = Assignment.objects.filter(task__project=project, resource__user__isnull=False)
    staffed: dict[int, list[Assignment]] = {}
    for assignment in rows.select_related("task", "resource"):
        staffed.setdefault(assignment.task_id, []).append(assignment)
    for task_id, assignments in staffed.items():
        task = assignments[0].task
        done = task.percent_complete - _paid.get(task_id, 0)
        stuck = STUCK.get(_refs.get(task_id, ""))
        if done <= 0 and stuck and task.start is not None and task.percent_complete < 100:
            _book_stuck(task, assignments, [d for d in days if d >= task.start.date()], stuck)
            continue
        if done <= 0:
            continue
        _paid[task_id] = task.percent_complete
        effort = EFFORT.get(_refs.get(task_id, ""), 1.0)
        window = [d for d in days if task.start is None or d >= task.start.date()] or days
        for assignment in assignments:
            minutes = done / 100 * task.duration * assignment.units * effort
            per_day = max(15, round(minutes / len(window) / 15) * 15)
            for worked_on in window:
                finance.record_time(
                    OPERATOR,
                    task_id,
                    worked_on=worked_on,
                    minutes=per_day,
                    person_id=assignment.resource.user_id,
                )
    if snapshot:
        finance.take_snapshot(OPERATOR, project.pk, status_date=day)


def _book_stuck(task: Task, assignments: list[Assignment], days: list[date], share: float) -> None:
    """Hours on slipped work in a week it did not move."""
    for assignment in assignments:
        minutes = round(480 * share * assignment.units / 15) * 15
        for worked_on in days:
            finance.record_time(
                OPERATOR, task.pk, worked_on=worked_on, minutes=minutes,
                person_id=assignment.resource.user_id,
            )  # fmt: skip
