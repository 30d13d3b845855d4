"""Writes of the work breakdown: tasks (one or many at a time) and the links between them.

Every change reschedules the project through the core before the transaction commits, so a
refused change (a cycle, a bad date) writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from tandem.accounts.access import Access
from tandem.accounts.actors import Actor
from tandem.collab.services import record_activity
from tandem.core.cpm import DependencyCycle
from tandem.core.permissions import Permission
from tandem.errors import Conflict, Invalid, NotFound
from tandem.projects import validation as clean
from tandem.projects.access import access_project, access_task, require_progress_rights
from tandem.projects.models import EARNING_RULES, MILESTONE_SIDES, Calendar, Link, Project, Task
from tandem.projects.scheduling import LocalTime, reschedule, work_calendar
from tandem.projects.services import field_names
from tandem.versioning import bump, expect_version

PROGRESS_FIELDS = {"percent_complete", "actual_start", "actual_finish", "status", "remaining"}
STRUCTURE_FIELDS = {"parent_id", "position", "calendar_id"}
TASK_FIELDS = (
    PROGRESS_FIELDS
    | STRUCTURE_FIELDS
    | {
        "milestone_at",
        "name",
        "notes",
        "duration",
        "work",
        "optimistic",
        "most_likely",
        "pessimistic",
        "constraint_type",
        "constraint_date",
        "deadline",
        "priority",
        "fixed_cost",
        "earning_rule",
        "pinned",
    }
)
STARTS = {"SNET", "SNLT", "MSO"}


def _local(project: Project) -> LocalTime:
    """The project's local time, kept on the instance: bulk imports convert many dates."""
    local: LocalTime | None = getattr(project, "_local_time", None)
    if local is None:
        local = LocalTime(ZoneInfo(project.organisation.time_zone), work_calendar(project.calendar))
        project._local_time = local  # type: ignore[attr-defined]
    return local


def _moment(project: Project, value: Any, field: str, *, finish: bool) -> datetime | None:
    """A user's date or datetime as an aware datetime; a bare date means the first (or, for
    finishes, the last) working moment of that day in the project's calendar."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            raise Invalid(f"'{value}' is not an ISO date or datetime.", field=field) from None
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.replace(tzinfo=ZoneInfo(project.organisation.time_zone))
        return value
    if isinstance(value, date):
        local = _local(project)
        return local.aware(local.day_end(value) if finish else local.day_start(value))
    raise Invalid(f"The {field.replace('_', ' ')} must be a date.", field=field)


def _clean_task_fields(
    project: Project,
    task: Task | None,
    changes: dict[str, Any],
    columns: dict[str, str] | None = None,
) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, value in changes.items():
        if field not in TASK_FIELDS:
            raise Invalid(f"Tasks have no field '{field}'.", field=field)
        if field == "name":
            cleaned[field] = clean.text(value, "name", 300)
        elif field == "notes":
            cleaned[field] = clean.text(value, "notes", 20_000, required=False)
        elif field == "duration":
            cleaned[field] = clean.minutes(value, "duration")
        elif field in ("work", "optimistic", "most_likely", "pessimistic", "remaining"):
            cleaned[field] = clean.optional_minutes(value, field)
        elif field == "constraint_type":
            cleaned[field] = clean.constraint_type(value)
        elif field == "constraint_date":
            kind = changes.get("constraint_type", task.constraint_type if task else "ASAP")
            cleaned[field] = _moment(project, value, field, finish=str(kind).upper() not in STARTS)
        elif field == "deadline":
            cleaned[field] = _moment(project, value, field, finish=True)
        elif field == "actual_start":
            cleaned[field] = _moment(project, value, field, finish=False)
        elif field == "actual_finish":
            cleaned[field] = _moment(project, value, field, finish=True)
        elif field == "percent_complete":
            cleaned[field] = clean.percent(value)
        elif field == "status":
            key = clean.text(value, "status", 40)
            if key not in (columns if columns is not None else _column_keys(project)):
                raise Invalid(f"The board has no column '{key}'.", field="status")
            cleaned[field] = key
        elif field == "priority":
            cleaned[field] = min(max(clean.whole(value, "priority"), 0), 1000)
        elif field == "pinned":
            cleaned[field] = bool(value)
        elif field == "fixed_cost":
            cleaned[field] = clean.money(value, "fixed_cost") or 0
        elif field == "milestone_at":
            if value not in ("", None, *MILESTONE_SIDES):
                raise Invalid(
                    "A milestone shows at its start, its finish or as scheduled.", field=field
                )
            cleaned[field] = value or ""
        elif field == "earning_rule":
            if value not in EARNING_RULES:
                raise Invalid(
                    f"The earning rule is one of {', '.join(EARNING_RULES)}.", field=field
                )
            cleaned[field] = value
        elif field == "parent_id":
            cleaned[field] = _clean_parent(project, task, value)
        elif field == "position":
            cleaned[field] = max(clean.whole(value, "position"), 0)
        elif field == "calendar_id":
            if (
                value is not None
                and not Calendar.objects.filter(
                    organisation_id=project.organisation_id, pk=value
                ).exists()
            ):
                raise NotFound("No such calendar.", field="calendar_id")
            cleaned[field] = value
    return cleaned


def _column_keys(project: Project) -> set[str]:
    return set(project.columns.values_list("key", flat=True))


def _clean_parent(project: Project, task: Task | None, value: Any) -> int | None:
    if value in (None, ""):
        return None
    parent = Task.objects.filter(pk=value, project=project).only("id", "parent_id").first()
    if parent is None:
        raise NotFound("The parent task is not in this project.", field="parent_id")
    if task is not None:
        # A task cannot move under itself or one of its own subtasks.
        node: Task | None = parent
        while node is not None:
            if node.pk == task.pk:
                raise Invalid("A task cannot be placed under itself.", field="parent_id")
            node = (
                Task.objects.filter(pk=node.parent_id).only("id", "parent_id").first()
                if node.parent_id
                else None
            )
    return parent.pk


def _check_dates(task: Task) -> None:
    if task.constraint_type not in ("ASAP", "ALAP") and task.constraint_date is None:
        raise Invalid(f"A {task.constraint_type} constraint needs a date.", field="constraint_date")
    if task.constraint_type in ("ASAP", "ALAP"):
        task.constraint_date = None
    if task.actual_start and task.actual_finish and task.actual_finish < task.actual_start:
        raise Invalid("The actual finish lies before the actual start.", field="actual_finish")
    estimates = [task.optimistic, task.most_likely, task.pessimistic]
    if all(e is not None for e in estimates) and not (
        estimates[0] <= estimates[1] <= estimates[2]  # type: ignore[operator]
    ):
        raise Invalid("Estimates run optimistic ≤ most likely ≤ pessimistic.", field="most_likely")


def _sync_progress(
    project: Project, task: Task, changed: set[str], columns: dict[str, str] | None = None
) -> None:
    """Keep percent complete, actual dates and the board column consistent, the way
    MS Project does: starting work records an actual start, 100 % an actual finish.

    ``columns`` maps the board's column keys to their categories (read when not given).
    """
    if columns is None:
        columns = {c.key: c.category for c in project.columns.all()}
    if "status" in changed:
        category = columns.get(task.status)
        if category == "done" and "percent_complete" not in changed:
            task.percent_complete = 100
        elif category == "in_progress" and task.percent_complete == 0 and task.actual_start is None:
            task.actual_start = task.start or timezone.now()
    if task.percent_complete > 0 and task.actual_start is None:
        task.actual_start = task.start or timezone.now()
    if task.percent_complete == 100 and task.actual_finish is None:
        task.actual_finish = task.finish or timezone.now()
    if task.percent_complete < 100 and "percent_complete" in changed:
        task.actual_finish = None
    if task.actual_finish is not None and task.percent_complete < 100:
        task.percent_complete = 100
    if "status" not in changed:
        done = next((k for k, c in columns.items() if c == "done"), None)
        doing = next((k for k, c in columns.items() if c == "in_progress"), None)
        todo = next((k for k, c in columns.items() if c == "todo"), None)
        category = columns.get(task.status)
        if task.percent_complete == 100 and done and category != "done":
            task.status = done
        elif 0 < task.percent_complete < 100 and doing and category != "in_progress":
            task.status = doing
        elif task.percent_complete == 0 and todo and category == "done":
            task.status = todo


def _schedule(project: Project, edited: list[Task] | None = None) -> None:
    """Reschedule, naming tasks (not ids) when the links form a cycle."""
    try:
        reschedule(project, edited)
    except DependencyCycle as cycle:
        names = dict(Task.objects.filter(project=project).values_list("id", "name"))

        def label(node: str) -> str:
            task_id, _, _gate = node.partition(" ")
            return names.get(int(task_id), task_id) if task_id.isdigit() else node

        raise DependencyCycle([label(node) for node in cycle.cycle]) from None


def _next_position(project: Project, parent_id: int | None) -> int:
    last = Task.objects.filter(project=project, parent_id=parent_id).aggregate(m=Max("position"))
    return (last["m"] if last["m"] is not None else -1) + 1


def _make_room(
    project: Project, parent_id: int | None, position: int, moving: int | None = None
) -> None:
    """Shift the siblings at ``position`` and after one place down, so a task inserted or
    moved there comes before them."""
    siblings = Task.objects.filter(project=project, parent_id=parent_id, position__gte=position)
    if moving is not None:
        siblings = siblings.exclude(pk=moving)
    siblings.update(position=F("position") + 1)


def _new_task(project: Project, fields: dict[str, Any]) -> Task:
    cleaned = _clean_task_fields(project, None, fields)
    if "name" not in cleaned:
        raise Invalid("A task needs a name.", field="name")
    task = Task(project=project, **cleaned)
    if "position" not in cleaned:
        task.position = _next_position(project, task.parent_id)
    else:
        _make_room(project, task.parent_id, task.position)
    if "status" not in cleaned:
        first = project.columns.order_by("position").first()
        task.status = first.key if first else "todo"
    _check_dates(task)
    _sync_progress(project, task, set(cleaned))
    task.save()
    return task


@transaction.atomic
def create_task(actor: Actor, project_id: int, **fields: Any) -> Task:
    """Add a task (under ``parent_id``, at the end unless ``position`` is given)."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    task = _new_task(project, fields)
    _schedule(project)
    task.refresh_from_db()
    record_activity(
        actor,
        access.organisation,
        action="projects.task.created",
        target=task,
        summary=f"added the task {task.name} to {project.name}",
    )
    return task


@transaction.atomic
def create_tasks(
    actor: Actor,
    project_id: int,
    tasks: list[dict[str, Any]],
    links: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> list[Task]:
    """Add many tasks and links in one transaction with one reschedule; returns the tasks in
    the order of the rows.

    Each task may carry a "ref"; "parent" names an earlier row's ref or an existing task id,
    and the links' "from"/"to" name refs or task ids. Any invalid row refuses the batch. Rows
    are written level by level with bulk inserts, so an import of thousands stays quick.
    """
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    columns = {c.key: c.category for c in project.columns.order_by("position")}
    first_status = next(iter(columns), "todo")
    existing = set(Task.objects.filter(project=project).values_list("id", flat=True))
    next_position: dict[Any, int] = {}
    batch: list[tuple[Task, str | None, int]] = []  # task, parent ref in this batch, depth
    refs: dict[str, int] = {}
    for n, row in enumerate(tasks, start=1):
        row = dict(row)
        ref = str(row.pop("ref", f"#{n}"))
        if ref in refs:
            raise Invalid(f"Row {n}: the ref '{ref}' is used twice.", field="ref")
        parent = row.pop("parent", row.pop("parent_id", None))
        parent_ref = None
        depth = 0
        if parent not in (None, ""):
            if str(parent) in refs:
                parent_ref = str(parent)
                depth = batch[refs[parent_ref]][2] + 1
            elif str(parent).isdigit() and int(parent) in existing:
                row["parent_id"] = int(parent)
            else:
                raise NotFound(
                    f"Row {n}: the parent '{parent}' is neither an earlier row nor a task of "
                    "this project.",
                    field="parent",
                )
        try:
            cleaned = _clean_task_fields(project, None, row, columns=columns)
            if "name" not in cleaned:
                raise Invalid("A task needs a name.", field="name")
            task = Task(project=project, **cleaned)
            task.status = cleaned.get("status", first_status)
            _check_dates(task)
            _sync_progress(project, task, set(cleaned), columns)
        except Invalid as error:
            raise Invalid(f"Row {n}: {error.message}", field=error.field) from None
        key = parent_ref or task.parent_id
        if key not in next_position:
            next_position[key] = 0 if parent_ref else _next_position(project, task.parent_id)
        if "position" not in cleaned:
            task.position = next_position[key]
        next_position[key] = max(next_position[key], task.position) + 1
        refs[ref] = len(batch)
        batch.append((task, parent_ref, depth))
    for depth in sorted({d for _, _, d in batch}):
        level = [(t, p) for t, p, d in batch if d == depth]
        for task, parent_ref in level:
            if parent_ref is not None:
                task.parent_id = batch[refs[parent_ref]][0].pk
        Task.objects.bulk_create([t for t, _ in level])
    ids = existing | {t.pk for t, _, _ in batch}
    known = set(
        Link.objects.filter(project=project).values_list("predecessor_id", "successor_id", "type")
    )
    new_links = []
    for n, row in enumerate(links, start=1):
        ends: list[Any] = []
        for end in ("from", "to"):
            key = str(row.get(end))
            ends.append(batch[refs[key]][0].pk if key in refs else row.get(end))
        try:
            pred, succ = int(ends[0]), int(ends[1])
        except (TypeError, ValueError):
            raise Invalid(f"Link {n}: name both tasks by ref or id.", field="links") from None
        if pred == succ:
            raise Invalid(f"Link {n}: a task cannot be linked to itself.", field="links")
        if pred not in ids or succ not in ids:
            raise NotFound(f"Link {n}: both tasks must be in this project.", field="links")
        try:
            kind = clean.link_type(row.get("type", "FS"))
            if (pred, succ, kind) in known:
                raise Conflict(
                    f"Link {n}: these tasks are already linked {kind}.", code="link.exists"
                )
            known.add((pred, succ, kind))
            new_links.append(
                Link(
                    project=project,
                    predecessor_id=pred,
                    successor_id=succ,
                    type=kind,
                    lag=clean.minutes(row.get("lag", 0), "lag", allow_negative=True),
                    lag_format=clean.lag_format(row.get("lag_format", "working")),
                )
            )
        except Invalid as error:
            raise Invalid(f"Link {n}: {error.message}", field=error.field) from None
    Link.objects.bulk_create(new_links)
    _schedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.task.created_many",
        target=project,
        summary=f"added {len(batch)} tasks and {len(new_links)} links to {project.name}",
    )
    # In the order of the rows, with the scheduled dates just written.
    fresh = Task.objects.in_bulk([t.pk for t, _, _ in batch])
    return [fresh[t.pk] for t, _, _ in batch]


def _apply(access: Access, project: Project, task: Task, changes: dict[str, Any]) -> set[str]:
    """Check rights and apply cleaned changes to a locked task; return the changed fields."""
    if set(changes) <= PROGRESS_FIELDS:
        require_progress_rights(access, task)
    else:
        access.require(Permission.EDIT_PLAN)
    cleaned = _clean_task_fields(project, task, changes)
    changed = {f for f, v in cleaned.items() if getattr(task, f) != v}
    for field, value in cleaned.items():
        setattr(task, field, value)
    _check_dates(task)
    _sync_progress(project, task, changed)
    if "parent_id" in changed and "position" not in cleaned:
        task.position = _next_position(project, task.parent_id)
    elif "position" in changed or ("parent_id" in changed and "position" in cleaned):
        _make_room(project, task.parent_id, task.position, task.pk)
    bump(task)
    task.save()
    return changed


@transaction.atomic
def update_task(actor: Actor, task_id: int, *, version: int | None, **changes: Any) -> Task:
    """Change a task; members may change only the progress of tasks assigned to them."""
    access, project, task = access_task(actor, task_id, lock=True)
    expect_version(task, version)
    changed = _apply(access, project, task, changes)
    _schedule(project, None if changed & STRUCTURE_FIELDS else [task])
    task.refresh_from_db()
    record_activity(
        actor,
        access.organisation,
        action="projects.task.updated",
        target=task,
        summary=f"changed {field_names(changed)} of {task.name}",
        data={"fields": sorted(changed)},
    )
    return task


@transaction.atomic
def update_tasks(actor: Actor, project_id: int, updates: list[dict[str, Any]]) -> list[Task]:
    """Change many tasks of one project in one transaction: each update names the task's
    "id" and "version"; any refusal refuses them all."""
    access, project = access_project(actor, project_id, Permission.UPDATE_OWN_PROGRESS, lock=True)
    if not updates:
        raise Invalid("Send at least one update.", field="updates")
    edited, structural = [], False
    for n, update in enumerate(updates, start=1):
        update = dict(update)
        task = (
            Task.objects.select_for_update()
            .filter(pk=update.pop("id", None), project=project)
            .first()
        )
        if task is None:
            raise NotFound(f"Update {n}: no such task in this project.", code="task.not_found")
        expect_version(task, update.pop("version", None))
        try:
            changed = _apply(access, project, task, update)
        except Invalid as error:
            raise Invalid(f"Update {n}: {error.message}", field=error.field) from None
        structural = structural or bool(changed & STRUCTURE_FIELDS)
        edited.append(task)
    _schedule(project, None if structural else edited)
    record_activity(
        actor,
        access.organisation,
        action="projects.task.updated_many",
        target=project,
        summary=f"changed {len(edited)} tasks of {project.name}",
    )
    return list(Task.objects.filter(pk__in=[t.pk for t in edited]).order_by("id"))


@transaction.atomic
def move_task(actor: Actor, task_id: int, *, start: date | str, version: int | None) -> Task:
    """Move a task to start on a day (a Gantt drag): a start-no-earlier-than constraint, as
    MS Project sets when a bar is dragged; links may still hold it later."""
    access, project, task = access_task(actor, task_id, Permission.EDIT_PLAN, lock=True)
    expect_version(task, version)
    if task.children.exists():
        raise Invalid("A summary task moves with its tasks; move those instead.", field="start")
    day = clean.day(start, "start")
    _apply(access, project, task, {"constraint_type": "SNET", "constraint_date": day})
    _schedule(project, [task])
    task.refresh_from_db()
    record_activity(
        actor,
        access.organisation,
        action="projects.task.moved",
        target=task,
        summary=f"moved {task.name} to start no earlier than {day}",
    )
    return task


@transaction.atomic
def delete_task(actor: Actor, task_id: int) -> None:
    """Delete a task with its subtasks and their links."""
    access, project, task = access_task(actor, task_id, Permission.EDIT_PLAN, lock=True)
    name = task.name
    record_activity(
        actor,
        access.organisation,
        action="projects.task.deleted",
        target=task,
        summary=f"deleted the task {name} from {project.name}",
    )
    task.delete()
    _schedule(project)


# -- links -----------------------------------------------------------------------------------


def _new_link(
    project: Project, predecessor_id: Any, successor_id: Any, kind: Any, lag: Any, fmt: Any
) -> Link:
    ids = {int(predecessor_id), int(successor_id)} if predecessor_id and successor_id else set()
    found = set(Task.objects.filter(project=project, pk__in=ids).values_list("id", flat=True))
    if len(ids) < 2 or found != ids:
        if predecessor_id == successor_id and predecessor_id is not None:
            raise Invalid("A task cannot be linked to itself.", field="successor_id")
        raise NotFound("Both tasks of a link must be in this project.", field="successor_id")
    kind = clean.link_type(kind)
    if Link.objects.filter(
        predecessor_id=predecessor_id, successor_id=successor_id, type=kind
    ).exists():
        raise Conflict(
            f"These tasks are already linked {kind}.", code="link.exists", field="successor_id"
        )
    return Link.objects.create(
        project=project,
        predecessor_id=int(predecessor_id),
        successor_id=int(successor_id),
        type=kind,
        lag=clean.minutes(lag, "lag", allow_negative=True),
        lag_format=clean.lag_format(fmt),
    )


@transaction.atomic
def add_link(
    actor: Actor,
    project_id: int,
    *,
    predecessor_id: int,
    successor_id: int,
    type: str = "FS",
    lag: int = 0,
    lag_format: str = "working",
) -> Link:
    """Link two tasks; a link that would close a cycle is refused with the cycle named."""
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    link = _new_link(project, predecessor_id, successor_id, type, lag, lag_format)
    _schedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.link.added",
        target=link,
        summary=f"linked {link.predecessor.name} → {link.successor.name} ({link.type})",
    )
    return link


@transaction.atomic
def update_link(actor: Actor, link_id: int, *, version: int | None, **changes: Any) -> Link:
    """Change a link's type or lag."""
    link = Link.objects.filter(pk=link_id).first()
    if link is None:
        raise NotFound("No such link.", code="link.not_found")
    try:
        access, project = access_project(actor, link.project_id, Permission.EDIT_PLAN, lock=True)
    except NotFound:
        raise NotFound("No such link.", code="link.not_found") from None
    link = Link.objects.select_for_update().get(pk=link_id)
    expect_version(link, version)
    for field, value in changes.items():
        if field == "type":
            link.type = clean.link_type(value)
            if (
                Link.objects.filter(
                    predecessor_id=link.predecessor_id,
                    successor_id=link.successor_id,
                    type=link.type,
                )
                .exclude(pk=link.pk)
                .exists()
            ):
                raise Conflict(
                    f"These tasks are already linked {link.type}.", code="link.exists", field="type"
                )
        elif field == "lag":
            link.lag = clean.minutes(value, "lag", allow_negative=True)
        elif field == "lag_format":
            link.lag_format = clean.lag_format(value)
        else:
            raise Invalid(f"Links have no field '{field}'.", field=field)
    bump(link)
    link.save()
    _schedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.link.updated",
        target=link,
        summary=f"changed the link {link.predecessor.name} → {link.successor.name}",
    )
    return link


@transaction.atomic
def remove_link(actor: Actor, link_id: int) -> None:
    """Remove a link."""
    link = Link.objects.select_related("predecessor", "successor").filter(pk=link_id).first()
    if link is None:
        raise NotFound("No such link.", code="link.not_found")
    try:
        access, project = access_project(actor, link.project_id, Permission.EDIT_PLAN, lock=True)
    except NotFound:
        raise NotFound("No such link.", code="link.not_found") from None
    record_activity(
        actor,
        access.organisation,
        action="projects.link.removed",
        target=link,
        summary=f"removed the link {link.predecessor.name} → {link.successor.name}",
    )
    link.delete()
    _schedule(project)
