"""Writes of projects: create, update and close projects, and their board columns.

Tasks and links are in services_tasks, baselines, resources and templates in services_plan.
Every function checks access first, runs in one transaction and journals what it did.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.accounts.models import Membership
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Invalid, NotFound
from tandem.projects import validation as clean
from tandem.projects.access import access_project
from tandem.projects.models import (
    FINISHED_WORK,
    LAG_CALENDARS,
    BoardColumn,
    Calendar,
    Project,
    Task,
)
from tandem.projects.scheduling import forget, reschedule
from tandem.versioning import bump, expect_version

DEFAULT_COLUMNS = (
    ("todo", "To do", "todo"),
    ("in_progress", "In progress", "in_progress"),
    ("review", "Review", "in_progress"),
    ("done", "Done", "done"),
)
# Fields whose change moves every date: they need the whole project read again.
PLAN_FIELDS = {
    "start",
    "deadline",
    "status_date",
    "calendar_id",
    "lag_calendar",
    "finished_work",
}


def field_names(fields: list[str] | set[str]) -> str:
    """Fields as words for the journal: ["start", "calendar_id"] -> "start, calendar"."""
    return ", ".join(sorted(f.removesuffix("_id").replace("_", " ") for f in fields)) or "nothing"


def _key_from(name: str, organisation_id: int) -> str:
    letters = "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", name)).upper()[:6] or "P"
    key, n = letters, 1
    while Project.objects.filter(organisation_id=organisation_id, key=key).exists():
        n += 1
        key = f"{letters}{n}"
    return key


def _clean_project_fields(organisation_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "name":
            cleaned[field] = clean.text(value, "name", 200)
        elif field in ("scope_in", "scope_out", "objectives"):
            cleaned[field] = clean.text(value, field, 20_000, required=False)
        elif field == "start":
            cleaned[field] = clean.day(value, "start")
        elif field in ("deadline", "status_date"):
            cleaned[field] = clean.day(value, field, required=False)
        elif field == "budget":
            cleaned[field] = clean.money(value, "budget")
        elif field == "status":
            cleaned[field] = clean.project_status(value)
        elif field == "lag_calendar":
            cleaned[field] = clean.choice(value, field, LAG_CALENDARS)
        elif field == "finished_work":
            cleaned[field] = clean.choice(value, field, FINISHED_WORK)
        elif field == "manager_id":
            if (
                value is not None
                and not Membership.objects.filter(
                    organisation_id=organisation_id, user_id=value
                ).exists()
            ):
                raise NotFound(
                    "The manager is not a member of this organisation.", field="manager_id"
                )
            cleaned[field] = value
        elif field == "calendar_id":
            if (
                value is not None
                and not Calendar.objects.filter(organisation_id=organisation_id, pk=value).exists()
            ):
                raise NotFound("No such calendar.", field="calendar_id")
            cleaned[field] = value
        elif field in ("team_ids", "roadmap_item_ids"):
            cleaned[field] = [int(v) for v in value or []]
        else:
            raise Invalid(f"Projects have no field '{field}'.", field=field)
    start, deadline = cleaned.get("start"), cleaned.get("deadline")
    if isinstance(start, date) and isinstance(deadline, date) and deadline < start:
        raise Invalid("The deadline lies before the start.", field="deadline")
    return cleaned


def _set_relations(project: Project, cleaned: dict[str, Any]) -> None:
    from tandem.products.models import RoadmapItem, Team

    if "team_ids" in cleaned:
        teams = list(Team.objects.filter(pk__in=cleaned["team_ids"], **_same_org(Team, project)))
        if len(teams) != len(set(cleaned["team_ids"])):
            raise NotFound("A team does not exist in this organisation.", field="team_ids")
        project.teams.set(teams)
    if "roadmap_item_ids" in cleaned:
        wanted = set(cleaned["roadmap_item_ids"])
        items = list(RoadmapItem.objects.filter(pk__in=wanted, **_same_org(RoadmapItem, project)))
        if len(items) != len(wanted):
            raise NotFound(
                "A roadmap item does not exist in this organisation.", field="roadmap_item_ids"
            )
        project.roadmap_items.set(items)


def _same_org(model: Any, project: Project) -> dict[str, int]:
    """The filter that keeps a related model within the project's organisation."""
    names = {f.name for f in model._meta.get_fields()}
    if "organisation" in names:
        return {"organisation_id": project.organisation_id}
    return {"product__organisation_id": project.organisation_id}


@transaction.atomic
def create_project(
    actor: Actor,
    organisation_id: int,
    *,
    name: str,
    start: date | str,
    key: str | None = None,
    **fields: Any,
) -> Project:
    """A new project with the default board columns; the creator manages it unless told."""
    access = access_organisation(actor, organisation_id, Permission.EDIT_PLAN)
    cleaned = _clean_project_fields(organisation_id, {"name": name, "start": start, **fields})
    if key:
        key = clean.text(key, "key", 12).upper()
        if not re.fullmatch(r"[A-Z0-9]+", key):
            raise Invalid("A project key is letters and digits, such as APP or MOB2.", field="key")
        if Project.objects.filter(organisation_id=organisation_id, key=key).exists():
            raise Conflict(f"The key {key} is taken.", field="key", code="project.key_taken")
    relations: dict[str, Any] = {
        k: cleaned.pop(k) for k in ("team_ids", "roadmap_item_ids") if k in cleaned
    }
    if "manager_id" not in cleaned and access.user is not None:
        cleaned["manager_id"] = access.user.pk
    project = Project.objects.create(
        organisation=access.organisation,
        key=key or _key_from(cleaned["name"], organisation_id),
        **cleaned,
    )
    _set_relations(project, relations)
    BoardColumn.objects.bulk_create(
        BoardColumn(project=project, key=k, name=n, category=c, position=i)
        for i, (k, n, c) in enumerate(DEFAULT_COLUMNS)
    )
    record_activity(
        actor,
        access.organisation,
        action="projects.project.created",
        target=project,
        summary=f"created the project {project.name}",
    )
    return project


@transaction.atomic
def update_project(
    actor: Actor, project_id: int, *, version: int | None, **changes: Any
) -> Project:
    """Change a project's fields; dates and calendar reschedule the whole plan."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    expect_version(project, version)
    cleaned = _clean_project_fields(project.organisation_id, changes)
    if "start" in cleaned or "deadline" in cleaned:
        start = cleaned.get("start", project.start)
        deadline = cleaned.get("deadline", project.deadline)
        if deadline is not None and deadline < start:
            raise Invalid("The deadline lies before the start.", field="deadline")
    _set_relations(project, cleaned)
    changed = []
    for field, value in cleaned.items():
        if field in ("team_ids", "roadmap_item_ids"):
            changed.append(field)
            continue
        if getattr(project, field) != value:
            setattr(project, field, value)
            changed.append(field)
    bump(project)
    project.save()
    if PLAN_FIELDS & set(changed):
        reschedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.project.updated",
        target=project,
        summary=f"changed {field_names(changed)} of {project.name}",
        data={"fields": changed},
    )
    return project


@transaction.atomic
def delete_project(actor: Actor, project_id: int) -> None:
    """Delete a project with all its tasks, links and baselines."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    record_activity(
        actor,
        access.organisation,
        action="projects.project.deleted",
        target=project,
        summary=f"deleted the project {project.name}",
    )
    project_pk = project.pk
    project.delete()
    transaction.on_commit(lambda: forget(project_pk))


# -- board columns ---------------------------------------------------------------------------


@transaction.atomic
def add_column(
    actor: Actor, project_id: int, *, name: str, category: str, key: str | None = None
) -> BoardColumn:
    """A new board column at the end; its key becomes the status of the tasks in it."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    name = clean.text(name, "name", 60)
    category = clean.board_category(category)
    key = clean.text(key or re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"), "key", 40)
    if project.columns.filter(key=key).exists():
        raise Conflict(
            f"The board already has a column '{key}'.", field="key", code="column.exists"
        )
    position = (project.columns.aggregate(m=Max("position"))["m"] or 0) + 1
    column = BoardColumn.objects.create(
        project=project, key=key, name=name, category=category, position=position
    )
    record_activity(
        actor,
        access.organisation,
        action="projects.column.added",
        target=column,
        summary=f"added the board column {name} to {project.name}",
    )
    return column


@transaction.atomic
def update_column(
    actor: Actor, column_id: int, *, name: str | None = None, position: int | None = None
) -> BoardColumn:
    """Rename a column or move it to another position."""
    column = BoardColumn.objects.filter(pk=column_id).first()
    if column is None:
        raise NotFound("No such column.", code="column.not_found")
    access, project = access_project(actor, column.project_id, Permission.EDIT_PLAN, lock=True)
    if name is not None:
        column.name = clean.text(name, "name", 60)
    if position is not None:
        columns = [c for c in project.columns.all() if c.pk != column.pk]
        columns.insert(max(0, min(int(position), len(columns))), column)
        for i, each in enumerate(columns):
            each.position = i
        BoardColumn.objects.bulk_update(columns, ["position"])
    column.save()
    record_activity(
        actor,
        access.organisation,
        action="projects.column.updated",
        target=column,
        summary=f"changed the board column {column.name} of {project.name}",
    )
    return column


@transaction.atomic
def remove_column(actor: Actor, column_id: int, *, move_to: str) -> None:
    """Remove a column, moving its tasks to the column ``move_to``."""
    column = BoardColumn.objects.filter(pk=column_id).first()
    if column is None:
        raise NotFound("No such column.", code="column.not_found")
    access, project = access_project(actor, column.project_id, Permission.EDIT_PLAN, lock=True)
    target = project.columns.exclude(pk=column.pk).filter(key=move_to).first()
    if target is None:
        raise Invalid("Choose another column for its tasks.", field="move_to")
    Task.objects.filter(project=project, status=column.key).update(status=target.key)
    record_activity(
        actor,
        access.organisation,
        action="projects.column.removed",
        target=column,
        summary=f"removed the board column {column.name} from {project.name}",
    )
    column.delete()
