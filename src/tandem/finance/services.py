"""Writes of finance: cost rates, time entries, expenses, earned value snapshots and forecast
runs. Each is one transaction that checks access first and journals what it changed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum

from tandem.accounts.access import Access, access_organisation
from tandem.accounts.actors import Actor
from tandem.accounts.models import Membership, User
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Forbidden, Invalid, NotFound
from tandem.finance.costs import rate_tables
from tandem.finance.forecasting import compute
from tandem.finance.models import EXPENSE_CATEGORIES, CostRate, EvmSnapshot, Expense, TimeEntry
from tandem.finance.queries import earned_value_of, today_in
from tandem.projects.access import access_project, access_task
from tandem.projects.models import Baseline, Project, Resource, Task
from tandem.versioning import bump, expect_version

MAX_MINUTES_PER_DAY = 24 * 60
MAX_AMOUNT = 10**13  # minor units: a hundred billion in the currency


def _day(value: Any, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"'{value}' is not a date (YYYY-MM-DD).", field=field) from None


def _whole(value: Any, field: str, low: int, high: int, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(f"{what} must be a whole number, got {value!r}.", field=field) from None
    if isinstance(value, float) and not value.is_integer():
        raise Invalid(f"{what} must be a whole number, got {value!r}.", field=field)
    if not low <= number <= high:
        raise Invalid(f"{what} must be between {low} and {high}.", field=field)
    return number


# -- cost rates ------------------------------------------------------------------------------


def _access_resource(actor: Actor, resource_id: int, permission: Permission) -> Resource:
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise NotFound("No such resource.", code="resource.not_found")
    try:
        access_organisation(actor, resource.organisation_id, permission)
    except NotFound:
        raise NotFound("No such resource.", code="resource.not_found") from None
    return resource


@transaction.atomic
def set_cost_rate(actor: Actor, resource_id: int, *, effective_from: Any, rate: Any) -> CostRate:
    """Set the resource's rate (minor units per working hour) from a date on; a rate already
    starting that day is replaced."""
    resource = _access_resource(actor, resource_id, Permission.MANAGE_FINANCE)
    day = _day(effective_from, "effective_from")
    amount = _whole(rate, "rate", 0, MAX_AMOUNT, "The rate")
    row, created = CostRate.objects.get_or_create(
        resource=resource, effective_from=day, defaults={"rate": amount}
    )
    if not created:
        row.rate = amount
        bump(row)
        row.save(update_fields=["rate", "version"])
    record_activity(
        actor,
        resource.organisation,
        action="finance.rate.set",
        target=resource,
        summary=f"set {resource.name}'s rate from {day}",
        data={"effective_from": day.isoformat()},
    )
    return row


@transaction.atomic
def delete_cost_rate(actor: Actor, rate_id: int) -> None:
    """Remove a dated rate (earlier rates, or the standard rate, apply again)."""
    row = CostRate.objects.select_related("resource").filter(pk=rate_id).first()
    if row is None:
        raise NotFound("No such rate.", code="rate.not_found")
    resource = _access_resource(actor, row.resource_id, Permission.MANAGE_FINANCE)
    row.delete()
    record_activity(
        actor,
        resource.organisation,
        action="finance.rate.deleted",
        target=resource,
        summary=f"removed {resource.name}'s rate from {row.effective_from}",
    )


# -- time entries ----------------------------------------------------------------------------


def _person(access: Access, person_id: int | None) -> User:
    """Who the time is for: the actor, or (for finance managers) another member."""
    own = access.user
    if person_id is None or (own is not None and person_id == own.pk):
        if own is None:
            raise Invalid("Say whose time this is (person).", field="person")
        access.require(Permission.RECORD_TIME)
        return own
    access.require(Permission.MANAGE_FINANCE)
    member = (
        Membership.objects.filter(organisation=access.organisation, user_id=person_id)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Invalid("That person is not a member of this organisation.", field="person")
    return member.user


def _check_entry(project: Project, task: Task, person: User, day: date, minutes: int,
                 exclude: int | None = None) -> None:  # fmt: skip
    if task.children.exists():
        raise Invalid(
            f"'{task.name}' is a summary task; record time on one of its tasks.", field="task"
        )
    if day > today_in(project):
        raise Invalid(f"{day} is in the future; record time once it is worked.", field="worked_on")
    others = TimeEntry.objects.filter(person=person, worked_on=day)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    booked = others.aggregate(total=Sum("minutes"))["total"] or 0
    if booked + minutes > MAX_MINUTES_PER_DAY:
        raise Invalid(
            f"{person.display_name} would have {(booked + minutes) / 60:g} hours on {day}; "
            "a day has 24.",
            field="minutes",
        )


def _price(
    organisation_id: int, person: User, day: date, minutes: int
) -> tuple[Resource | None, int, int]:
    """The person's resource, the rate in effect that day and the entry's cost."""
    resource = (
        Resource.objects.filter(organisation_id=organisation_id, user=person).order_by("id").first()
    )
    if resource is None:
        return None, 0, 0
    rate = rate_tables(organisation_id)[resource.pk].on(day)
    return resource, rate, round(minutes * rate / 60)


def _new_entry(access: Access, task: Task, project: Project, fields: dict[str, Any]) -> TimeEntry:
    person = _person(access, fields.get("person_id"))
    day = _day(fields.get("worked_on"), "worked_on")
    minutes = _whole(fields.get("minutes"), "minutes", 1, MAX_MINUTES_PER_DAY, "Minutes")
    note = str(fields.get("note") or "").strip()
    if len(note) > 500:
        raise Invalid("The note is longer than 500 characters.", field="note")
    _check_entry(project, task, person, day, minutes)
    resource, rate, cost = _price(project.organisation_id, person, day, minutes)
    return TimeEntry(
        project=project,
        task=task,
        person=person,
        resource=resource,
        worked_on=day,
        minutes=minutes,
        note=note,
        rate=rate,
        cost=cost,
        created_by=access.user,
    )


@transaction.atomic
def record_time(
    actor: Actor,
    task_id: int,
    *,
    worked_on: Any,
    minutes: Any,
    note: str = "",
    person_id: int | None = None,
) -> TimeEntry:
    """Record time worked on a task; the cost is priced at the rate in effect that day."""
    access, project, task = access_task(actor, task_id)
    entry = _new_entry(
        access,
        task,
        project,
        {"worked_on": worked_on, "minutes": minutes, "note": note, "person_id": person_id},
    )
    entry.save()
    record_activity(
        actor,
        project.organisation,
        action="finance.time.recorded",
        target=task,
        summary=f"recorded {entry.minutes / 60:g} h on {task.name} for {entry.worked_on}",
        data={"entry": entry.pk, "person": entry.person_id},
    )
    return entry


def _access_entry(actor: Actor, entry_id: int) -> tuple[Access, TimeEntry]:
    entry = (
        TimeEntry.objects.select_related("project__organisation", "task")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound("No such time entry.", code="time_entry.not_found")
    try:
        access = access_organisation(actor, entry.project.organisation_id)
    except NotFound:
        raise NotFound("No such time entry.", code="time_entry.not_found") from None
    mine = access.user is not None and entry.person_id == access.user.pk
    if not access.can(Permission.MANAGE_FINANCE) and not (
        mine and access.can(Permission.RECORD_TIME)
    ):
        raise Forbidden(
            "Only finance managers change other people's time.", code="permission_denied"
        )
    return access, entry


@transaction.atomic
def update_time_entry(
    actor: Actor, entry_id: int, *, version: int | None, **changes: Any
) -> TimeEntry:
    """Change the day, minutes, note or task of a time entry (re-priced for its day)."""
    access, entry = _access_entry(actor, entry_id)
    expect_version(entry, version)
    unknown = set(changes) - {"worked_on", "minutes", "note", "task_id"}
    if unknown:
        raise Invalid(f"A time entry has no field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    task = entry.task
    if "task_id" in changes and changes["task_id"] != entry.task_id:
        other = Task.objects.filter(pk=changes["task_id"], project=entry.project).first()
        if other is None:
            raise Invalid("That task is not in this project.", field="task")
        task = other
    day = _day(changes.get("worked_on", entry.worked_on), "worked_on")
    minutes = _whole(
        changes.get("minutes", entry.minutes), "minutes", 1, MAX_MINUTES_PER_DAY, "Minutes"
    )
    note = str(changes.get("note", entry.note) or "").strip()[:500]
    _check_entry(entry.project, task, entry.person, day, minutes, exclude=entry.pk)
    resource, rate, cost = _price(entry.project.organisation_id, entry.person, day, minutes)
    entry.task, entry.worked_on, entry.minutes, entry.note = task, day, minutes, note
    entry.resource, entry.rate, entry.cost = resource, rate, cost
    bump(entry)
    entry.save()
    record_activity(
        actor,
        access.organisation,
        action="finance.time.updated",
        target=task,
        summary=f"changed a time entry on {task.name} ({day}, {minutes / 60:g} h)",
        data={"entry": entry.pk},
    )
    return entry


@transaction.atomic
def delete_time_entry(actor: Actor, entry_id: int) -> None:
    """Remove a time entry."""
    access, entry = _access_entry(actor, entry_id)
    summary = f"removed {entry.minutes / 60:g} h on {entry.task.name} ({entry.worked_on})"
    entry.delete()
    record_activity(
        actor,
        access.organisation,
        action="finance.time.deleted",
        target=entry.project,
        summary=summary,
    )


def create_time_entries(
    actor: Actor, project: Project, access: Access, rows: list[dict[str, Any]]
) -> list[TimeEntry]:
    """Build and check entries for one project (used by the CSV import inside its
    transaction); raises Invalid on the first bad row."""
    tasks = {t.pk: t for t in Task.objects.filter(project=project)}
    entries = []
    for fields in rows:
        task = tasks.get(fields["task_id"])
        if task is None:
            raise Invalid("That task is not in this project.", field="task")
        entries.append(_new_entry(access, task, project, fields))
    TimeEntry.objects.bulk_create(entries)
    return entries


# -- expenses --------------------------------------------------------------------------------


def _clean_expense(project: Project, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "incurred_on" in fields:
        cleaned["incurred_on"] = _day(fields["incurred_on"], "incurred_on")
    if "amount" in fields:
        cleaned["amount"] = _whole(fields["amount"], "amount", 1, MAX_AMOUNT, "The amount")
    if "description" in fields:
        text = str(fields["description"] or "").strip()
        if not text or len(text) > 300:
            raise Invalid("Describe the expense in 1 to 300 characters.", field="description")
        cleaned["description"] = text
    if "category" in fields:
        if fields["category"] not in EXPENSE_CATEGORIES:
            raise Invalid(
                f"The category is one of {', '.join(EXPENSE_CATEGORIES)}.", field="category"
            )
        cleaned["category"] = fields["category"]
    if "task_id" in fields:
        task_id = fields["task_id"]
        if task_id in (None, ""):
            cleaned["task"] = None
        else:
            task = Task.objects.filter(pk=task_id, project=project).first()
            if task is None:
                raise Invalid("That task is not in this project.", field="task")
            cleaned["task"] = task
    return cleaned


@transaction.atomic
def record_expense(
    actor: Actor,
    project_id: int,
    *,
    incurred_on: Any,
    amount: Any,
    description: str,
    category: str = "other",
    task_id: int | None = None,
) -> Expense:
    """Record money spent on a project (against a task when given)."""
    access, project = access_project(actor, project_id, Permission.MANAGE_FINANCE)
    fields = _clean_expense(
        project,
        {"incurred_on": incurred_on, "amount": amount, "description": description,
         "category": category, "task_id": task_id},
    )  # fmt: skip
    expense = Expense.objects.create(project=project, created_by=access.user, **fields)
    record_activity(
        actor,
        project.organisation,
        action="finance.expense.recorded",
        target=project,
        summary=f"recorded an expense: {expense.description}",
        data={"expense": expense.pk, "amount": expense.amount},
    )
    return expense


def _access_expense(actor: Actor, expense_id: int) -> Expense:
    expense = Expense.objects.select_related("project").filter(pk=expense_id).first()
    if expense is None:
        raise NotFound("No such expense.", code="expense.not_found")
    try:
        access_project(actor, expense.project_id, Permission.MANAGE_FINANCE)
    except NotFound:
        raise NotFound("No such expense.", code="expense.not_found") from None
    return expense


@transaction.atomic
def update_expense(
    actor: Actor, expense_id: int, *, version: int | None, **changes: Any
) -> Expense:
    """Change an expense."""
    expense = _access_expense(actor, expense_id)
    expect_version(expense, version)
    unknown = set(changes) - {"incurred_on", "amount", "description", "category", "task_id"}
    if unknown:
        raise Invalid(f"An expense has no field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    for name, value in _clean_expense(expense.project, changes).items():
        setattr(expense, name, value)
    bump(expense)
    expense.save()
    record_activity(
        actor,
        expense.project.organisation,
        action="finance.expense.updated",
        target=expense.project,
        summary=f"changed the expense {expense.description}",
        data={"expense": expense.pk},
    )
    return expense


@transaction.atomic
def delete_expense(actor: Actor, expense_id: int) -> None:
    """Remove an expense."""
    expense = _access_expense(actor, expense_id)
    project = expense.project
    summary = f"removed the expense {expense.description}"
    expense.delete()
    record_activity(actor, project.organisation, action="finance.expense.deleted", target=project,
                    summary=summary)  # fmt: skip


# -- snapshots and forecasts ------------------------------------------------------------------


def _snapshot(project: Project, status_date: date, baseline: Baseline | None) -> EvmSnapshot:
    value = earned_value_of(project, status_date, baseline)
    snapshot, _ = EvmSnapshot.objects.update_or_create(
        project=project,
        status_date=status_date,
        defaults={
            "baseline": value.baseline,
            "figures": value.as_dict(),
            "created_at": datetime.now(UTC),
        },
    )
    return snapshot


@transaction.atomic
def take_snapshot(
    actor: Actor, project_id: int, *, status_date: Any = None, baseline_id: int | None = None
) -> EvmSnapshot:
    """Keep the project's earned value figures as of a status date (today when None); a
    snapshot of the same date is replaced."""
    _, project = access_project(actor, project_id, Permission.EDIT_PLAN)
    day = today_in(project) if status_date in (None, "") else _day(status_date, "status_date")
    if day > today_in(project):
        raise Invalid("A snapshot's status date cannot be in the future.", field="status_date")
    baseline = None
    if baseline_id is not None:
        baseline = Baseline.objects.filter(pk=baseline_id, project=project).first()
        if baseline is None:
            raise NotFound("No such baseline in this project.", code="baseline.not_found")
    snapshot = _snapshot(project, day, baseline)
    record_activity(
        actor,
        project.organisation,
        action="finance.snapshot.taken",
        target=project,
        summary=f"kept earned value figures as of {day}",
    )
    return snapshot


@transaction.atomic
def snapshot_projects(actor: Actor, organisation_id: int, *, status_date: Any = None) -> int:
    """Snapshot every active project of an organisation (the weekly job); returns how many."""
    access = access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    count = 0
    for project in Project.objects.filter(organisation=access.organisation, status="active"):
        day = today_in(project) if status_date in (None, "") else _day(status_date, "status_date")
        _snapshot(project, day, None)
        count += 1
    return count


@transaction.atomic
def run_forecast(
    actor: Actor, project_id: int, *, iterations: Any = 10_000, seed: Any = 0
) -> dict[str, Any]:
    """Run a Monte Carlo forecast with chosen iterations and seed and keep it for the plan."""
    from tandem.finance.models import ProjectForecast

    _, project = access_project(actor, project_id)
    count = _whole(iterations, "iterations", 100, 200_000, "Iterations")
    number = _whole(seed, "seed", 0, 2**62, "The seed")
    result = compute(project, count, number)
    ProjectForecast.objects.update_or_create(
        project=project,
        defaults={
            "plan_version": project.plan_version,
            "iterations": count,
            "seed": number,
            "computed_at": datetime.now(UTC),
            "result": result,
        },
    )
    return result
