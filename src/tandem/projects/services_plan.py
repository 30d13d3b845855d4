"""Writes around the plan: baselines, resources and assignments, calendars, and templates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.accounts.models import Membership
from tandem.collab.services import record_activity
from tandem.core.calendar import parse_hours
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Invalid, NotFound
from tandem.projects import validation as clean
from tandem.projects.access import access_project, access_task
from tandem.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Calendar,
    CalendarException,
    Project,
    ProjectTemplate,
    Resource,
)
from tandem.projects.scheduling import reschedule
from tandem.versioning import bump, expect_version

MINUTES_PER_DAY = 480


def planned_costs(project: Project) -> dict[int, int]:
    """Each task's planned cost in minor units (fixed cost plus its assignments' work at the
    rates in effect while it runs); finance owns the rates."""
    from tandem.finance.costs import planned_costs as costs_of  # finance builds on projects

    return costs_of(project)


# -- baselines -------------------------------------------------------------------------------


@transaction.atomic
def save_baseline(actor: Actor, project_id: int, *, name: str) -> Baseline:
    """Save the current plan (dates, durations and planned costs) under a name."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    name = clean.text(name, "name", 120)
    if project.baselines.filter(name=name).exists():
        raise Conflict(
            f"There is already a baseline called {name}.", field="name", code="baseline.exists"
        )
    costs = planned_costs(project)
    baseline = Baseline.objects.create(
        project=project,
        name=name,
        created_by=access.user,
        finish=project.finish,
        cost=sum(costs.values()),
    )
    BaselineTask.objects.bulk_create(
        BaselineTask(
            baseline=baseline,
            task_id=task_id,
            name=task_name,
            start=start,
            finish=finish,
            duration=duration,
            cost=costs.get(task_id, 0),
        )
        for task_id, task_name, start, finish, duration in project.tasks.values_list(
            "id", "name", "start", "finish", "duration"
        )
    )
    record_activity(
        actor,
        access.organisation,
        action="projects.baseline.saved",
        target=baseline,
        summary=f"saved the baseline {name} of {project.name}",
    )
    return baseline


@transaction.atomic
def record_baseline(
    actor: Actor,
    project_id: int,
    *,
    name: str,
    tasks: list[tuple[int, datetime | None, datetime | None, int, int]],
) -> Baseline:
    """Keep a baseline another tool saved: (task id, start, finish, duration, cost) per task.

    Imports use it so a plan arrives with the baselines it was measured against, not a copy of
    today's dates.
    """
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    name = clean.text(name, "name", 120)
    if project.baselines.filter(name=name).exists():
        raise Conflict(
            f"There is already a baseline called {name}.", field="name", code="baseline.exists"
        )
    names = dict(project.tasks.values_list("id", "name"))
    zone = ZoneInfo(project.organisation.time_zone)

    def aware(moment: datetime | None) -> datetime | None:
        # Naive times are the organisation's wall time, as everywhere in the plan.
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=zone)

    rows = []
    for n, (task_id, naive_start, naive_finish, duration, cost) in enumerate(tasks, start=1):
        start, finish = aware(naive_start), aware(naive_finish)
        if task_id not in names:
            raise NotFound(f"Baseline row {n}: no such task in this project.", field="tasks")
        if start is not None and finish is not None and finish < start:
            raise Invalid(f"Baseline row {n}: the finish is before the start.", field="tasks")
        rows.append(
            BaselineTask(
                task_id=task_id,
                name=names[task_id],
                start=start,
                finish=finish,
                duration=clean.minutes(duration, "duration"),
                cost=int(cost),
            )
        )
    finishes = [row.finish for row in rows if row.finish is not None]
    # Summaries carry their tasks' totals: the baseline's cost adds up the tasks only.
    parents = set(project.tasks.exclude(parent=None).values_list("parent_id", flat=True))
    baseline = Baseline.objects.create(
        project=project,
        name=name,
        created_by=access.user,
        finish=max(finishes, default=None),
        cost=sum(row.cost for row in rows if row.task_id not in parents),
    )
    for row in rows:
        row.baseline = baseline
    BaselineTask.objects.bulk_create(rows)
    record_activity(
        actor,
        access.organisation,
        action="projects.baseline.recorded",
        target=baseline,
        summary=f"recorded the baseline {name} of {project.name}",
    )
    return baseline


@transaction.atomic
def delete_baseline(actor: Actor, baseline_id: int) -> None:
    """Delete a saved baseline."""
    baseline = Baseline.objects.filter(pk=baseline_id).first()
    if baseline is None:
        raise NotFound("No such baseline.", code="baseline.not_found")
    try:
        access, project = access_project(
            actor, baseline.project_id, Permission.EDIT_PLAN, lock=True
        )
    except NotFound:
        raise NotFound("No such baseline.", code="baseline.not_found") from None
    record_activity(
        actor,
        access.organisation,
        action="projects.baseline.deleted",
        target=baseline,
        summary=f"deleted the baseline {baseline.name} of {project.name}",
    )
    baseline.delete()


# -- resources and assignments ---------------------------------------------------------------


def _clean_resource(organisation_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "name":
            cleaned[field] = clean.text(value, "name", 120)
        elif field == "kind":
            cleaned[field] = clean.resource_kind(value)
        elif field == "capacity":
            cleaned[field] = clean.units(value, "capacity")
        elif field == "cost_rate":
            cleaned[field] = clean.money(value, "cost_rate") or 0
        elif field == "user_id":
            if (
                value is not None
                and not Membership.objects.filter(
                    organisation_id=organisation_id, user_id=value
                ).exists()
            ):
                raise NotFound("That person is not a member of this organisation.", field="user_id")
            cleaned[field] = value
        elif field == "calendar_id":
            if (
                value is not None
                and not Calendar.objects.filter(organisation_id=organisation_id, pk=value).exists()
            ):
                raise NotFound("No such calendar.", field="calendar_id")
            cleaned[field] = value
        else:
            raise Invalid(f"Resources have no field '{field}'.", field=field)
    return cleaned


@transaction.atomic
def create_resource(actor: Actor, organisation_id: int, *, name: str, **fields: Any) -> Resource:
    """A person (linked to a member), equipment or facility that can be assigned to tasks."""
    access = access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    cleaned = _clean_resource(organisation_id, {"name": name, **fields})
    resource = Resource.objects.create(organisation=access.organisation, **cleaned)
    record_activity(
        actor,
        access.organisation,
        action="projects.resource.created",
        target=resource,
        summary=f"added the resource {resource.name}",
    )
    return resource


def _projects_using(resource: Resource) -> list[Project]:
    ids = Assignment.objects.filter(resource=resource).values_list("task__project_id", flat=True)
    return list(Project.objects.select_related("organisation", "calendar").filter(pk__in=set(ids)))


@transaction.atomic
def update_resource(
    actor: Actor, resource_id: int, *, version: int | None, **changes: Any
) -> Resource:
    """Change a resource; a new calendar reschedules the projects it works on."""
    resource = Resource.objects.select_for_update().filter(pk=resource_id).first()
    if resource is None:
        raise NotFound("No such resource.", code="resource.not_found")
    try:
        access = access_organisation(actor, resource.organisation_id, Permission.EDIT_PLAN)
    except NotFound:
        raise NotFound("No such resource.", code="resource.not_found") from None
    expect_version(resource, version)
    cleaned = _clean_resource(resource.organisation_id, changes)
    calendar_changed = "calendar_id" in cleaned and cleaned["calendar_id"] != resource.calendar_id
    for field, value in cleaned.items():
        setattr(resource, field, value)
    bump(resource)
    resource.save()
    if calendar_changed:
        for project in _projects_using(resource):
            reschedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.resource.updated",
        target=resource,
        summary=f"changed the resource {resource.name}",
    )
    return resource


@transaction.atomic
def assign(actor: Actor, task_id: int, *, resource_id: int, units: float = 1.0) -> Assignment:
    """Put a resource on a task with some units (1.0 = full time)."""
    access, project, task = access_task(actor, task_id, Permission.EDIT_PLAN, lock=True)
    resource = Resource.objects.filter(
        pk=resource_id, organisation_id=project.organisation_id
    ).first()
    if resource is None:
        raise NotFound("No such resource.", field="resource_id", code="resource.not_found")
    if task.children.exists():
        raise Invalid("Assign resources to the tasks of a summary, not the summary.", field="task")
    if Assignment.objects.filter(task=task, resource=resource).exists():
        raise Conflict(f"{resource.name} is already on this task.", code="assignment.exists")
    assignment = Assignment.objects.create(task=task, resource=resource, units=clean.units(units))
    reschedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.assignment.added",
        target=assignment,
        summary=f"assigned {resource.name} to {task.name}",
    )
    return assignment


@transaction.atomic
def assign_many(
    actor: Actor, project_id: int, assignments: list[tuple[int, int, float]]
) -> list[Assignment]:
    """Many (task id, resource id, units) assignments in one project, one transaction and
    one reschedule; any refusal refuses them all."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    tasks = {t.pk: t for t in project.tasks.all()}
    parents = {t.parent_id for t in tasks.values() if t.parent_id}
    resources = {r.pk: r for r in Resource.objects.filter(organisation_id=project.organisation_id)}
    made = []
    for n, (task_id, resource_id, units) in enumerate(assignments, start=1):
        task, resource = tasks.get(task_id), resources.get(resource_id)
        if task is None or resource is None:
            raise NotFound(f"Assignment {n}: no such task in this project or resource.")
        if task_id in parents:
            raise Invalid(f"Assignment {n}: assign the tasks of a summary, not the summary.")
        if Assignment.objects.filter(task=task, resource=resource).exists():
            raise Conflict(f"Assignment {n}: {resource.name} is already on {task.name}.")
        made.append(
            Assignment.objects.create(task=task, resource=resource, units=clean.units(units))
        )
    reschedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.assignment.added_many",
        target=project,
        summary=f"made {len(made)} assignments in {project.name}",
    )
    return made


@transaction.atomic
def update_assignment(
    actor: Actor, assignment_id: int, *, version: int | None, units: float
) -> Assignment:
    """Change the units of an assignment."""
    assignment = Assignment.objects.filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound("No such assignment.", code="assignment.not_found")
    access, _project, _ = access_task(actor, assignment.task_id, Permission.EDIT_PLAN, lock=True)
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id)
    expect_version(assignment, version)
    assignment.units = clean.units(units)
    bump(assignment)
    assignment.save()
    record_activity(
        actor,
        access.organisation,
        action="projects.assignment.updated",
        target=assignment,
        summary=f"set {assignment.resource.name} to {assignment.units:g} units "
        f"on {assignment.task.name}",
    )
    return assignment


@transaction.atomic
def unassign(actor: Actor, assignment_id: int) -> None:
    """Take a resource off a task."""
    assignment = (
        Assignment.objects.select_related("task", "resource").filter(pk=assignment_id).first()
    )
    if assignment is None:
        raise NotFound("No such assignment.", code="assignment.not_found")
    access, project, _ = access_task(actor, assignment.task_id, Permission.EDIT_PLAN, lock=True)
    record_activity(
        actor,
        access.organisation,
        action="projects.assignment.removed",
        target=assignment,
        summary=f"took {assignment.resource.name} off {assignment.task.name}",
    )
    assignment.delete()
    reschedule(project)


# -- calendars -------------------------------------------------------------------------------


def _clean_week(week: Any) -> list[Any]:
    if not isinstance(week, list) or len(week) != 7:
        raise Invalid("A week has seven days, Monday first.", field="week")
    days: list[list[list[int]] | None] = []
    for day in week:
        if day is None:
            days.append(None)
            continue
        try:
            hours = parse_hours(
                [[f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"] for a, b in day]
            )
        except (TypeError, ValueError) as error:
            raise Invalid(f"Working hours: {error}.", field="week") from None
        days.append([list(span) for span in hours])
    return days


@transaction.atomic
def create_calendar(
    actor: Actor,
    organisation_id: int,
    *,
    name: str,
    week: list[Any],
    base_id: int | None = None,
    exceptions: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> Calendar:
    """A working calendar; days given as null follow the base calendar."""
    access = access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    name = clean.text(name, "name", 120)
    if Calendar.objects.filter(organisation_id=organisation_id, name=name).exists():
        raise Conflict(
            f"There is already a calendar called {name}.", field="name", code="calendar.exists"
        )
    base = None
    if base_id is not None:
        base = Calendar.objects.filter(pk=base_id, organisation_id=organisation_id).first()
        if base is None:
            raise NotFound("No such base calendar.", field="base_id")
    days = _clean_week(week)
    if base is None and any(day is None for day in days):
        raise Invalid("Without a base calendar every weekday needs its hours.", field="week")
    calendar = Calendar.objects.create(
        organisation=access.organisation, name=name, base=base, week=days
    )
    held: list[CalendarException] = []
    for item in exceptions:
        first = clean.day(item.get("first_day"), "first_day")
        last = clean.day(item.get("last_day") or item.get("first_day"), "last_day")
        assert first is not None and last is not None  # required above
        if last < first:
            raise Invalid("An exception ends before it begins.", field="last_day")
        hours = _clean_week([item.get("hours") or []] * 7)[0]
        held.append(
            CalendarException(
                calendar=calendar,
                name=str(item.get("name", ""))[:120],
                first_day=first,
                last_day=last,
                hours=hours,
            )
        )
    # One insert: imported calendars carry hundreds of holidays each.
    CalendarException.objects.bulk_create(held)
    record_activity(
        actor,
        access.organisation,
        action="projects.calendar.created",
        target=calendar,
        summary=f"created the calendar {name}",
    )
    return calendar


# -- templates -------------------------------------------------------------------------------

STAGE_GATES = {
    "tasks": [
        {"ref": "plan", "name": "Planning", "milestone": False},
        {
            "ref": "plan.1",
            "parent": "plan",
            "name": "Problem and customer research",
            "duration_days": 10,
        },
        {
            "ref": "plan.2",
            "parent": "plan",
            "name": "Business case and success metrics",
            "duration_days": 5,
        },
        {"ref": "g1", "name": "Gate: ready for development", "duration_days": 0},
        {"ref": "dev", "name": "Development"},
        {"ref": "dev.1", "parent": "dev", "name": "Design", "duration_days": 10},
        {"ref": "dev.2", "parent": "dev", "name": "Build", "duration_days": 30},
        {"ref": "dev.3", "parent": "dev", "name": "Test", "duration_days": 10},
        {"ref": "g2", "name": "Gate: ready to deploy", "duration_days": 0},
        {"ref": "dep", "name": "Deployment"},
        {"ref": "dep.1", "parent": "dep", "name": "Beta with early customers", "duration_days": 10},
        {"ref": "dep.2", "parent": "dep", "name": "Launch and communication", "duration_days": 5},
        {"ref": "g3", "name": "Gate: in maintenance", "duration_days": 0},
    ],
    "links": [
        {"from": "plan.1", "to": "plan.2"},
        {"from": "plan", "to": "g1"},
        {"from": "g1", "to": "dev"},
        {"from": "dev.1", "to": "dev.2"},
        {"from": "dev.2", "to": "dev.3", "type": "SS", "lag_days": 10},
        {"from": "dev", "to": "g2"},
        {"from": "g2", "to": "dep"},
        {"from": "dep.1", "to": "dep.2"},
        {"from": "dep", "to": "g3"},
    ],
}


def _check_definition(definition: Any) -> dict[str, Any]:
    if not isinstance(definition, dict) or not isinstance(definition.get("tasks"), list):
        raise Invalid('A template definition has a "tasks" list.', field="definition")
    refs = [str(t.get("ref")) for t in definition["tasks"]]
    if len(set(refs)) != len(refs) or "None" in refs:
        raise Invalid("Every template task needs its own ref.", field="definition")
    for link in definition.get("links", []):
        if str(link.get("from")) not in refs or str(link.get("to")) not in refs:
            raise Invalid("A template link names a task the template lacks.", field="definition")
    return definition


@transaction.atomic
def create_template(
    actor: Actor,
    organisation_id: int,
    *,
    name: str,
    definition: dict[str, Any],
    description: str = "",
) -> ProjectTemplate:
    """A reusable plan of phases, milestones, tasks and links."""
    access = access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    name = clean.text(name, "name", 120)
    if ProjectTemplate.objects.filter(organisation_id=organisation_id, name=name).exists():
        raise Conflict(
            f"There is already a template called {name}.", field="name", code="template.exists"
        )
    template = ProjectTemplate.objects.create(
        organisation=access.organisation,
        name=name,
        description=clean.text(description, "description", 2000, required=False),
        definition=_check_definition(definition),
    )
    record_activity(
        actor,
        access.organisation,
        action="projects.template.created",
        target=template,
        summary=f"created the project template {name}",
    )
    return template


def ensure_standard_templates(actor: Actor, organisation_id: int) -> None:
    """Give an organisation the product lifecycle stage-gate template if it lacks it."""
    if not ProjectTemplate.objects.filter(
        organisation_id=organisation_id, name="Product stage gates"
    ).exists():
        create_template(
            actor,
            organisation_id,
            name="Product stage gates",
            definition=STAGE_GATES,
            description="Planning, development and deployment phases with the lifecycle's "
            "stage gates as milestones.",
        )


@transaction.atomic
def create_project_from_template(
    actor: Actor,
    template_id: int,
    *,
    name: str,
    start: date | str,
    organisation_id: int | None = None,
    **fields: Any,
) -> Project:
    """A new project whose tasks and links come from a template, scheduled from ``start``."""
    from tandem.projects.services import create_project
    from tandem.projects.services_tasks import create_tasks

    template = ProjectTemplate.objects.filter(pk=template_id).first()
    if template is None or (
        organisation_id is not None and template.organisation_id != organisation_id
    ):
        raise NotFound("No such template.", code="template.not_found", field="template_id")
    try:
        access_organisation(actor, template.organisation_id, Permission.EDIT_PLAN)
    except NotFound:
        raise NotFound("No such template.", code="template.not_found") from None
    project = create_project(actor, template.organisation_id, name=name, start=start, **fields)
    definition = template.definition
    tasks = [
        {
            "ref": t["ref"],
            "name": t["name"],
            "parent": t.get("parent"),
            "duration": round(float(t.get("duration_days", 0)) * MINUTES_PER_DAY),
        }
        for t in definition["tasks"]
    ]
    links = [
        {
            "from": link["from"],
            "to": link["to"],
            "type": link.get("type", "FS"),
            "lag": round(float(link.get("lag_days", 0)) * MINUTES_PER_DAY),
        }
        for link in definition.get("links", [])
    ]
    create_tasks(actor, project.pk, tasks, links)
    project.refresh_from_db()
    return project
