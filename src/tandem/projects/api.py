"""REST endpoints for projects, tasks, links, the schedule and board columns.

Baselines, resources, assignments, calendars, templates and workload are in api_plan.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.projects import queries, services, services_plan, services_tasks
from tandem.projects.access import access_task
from tandem.projects.api_plan import router as plan_router
from tandem.projects.models import BoardColumn, Link, Project, Task
from tandem.projects.schemas import (
    ColumnIn,
    ColumnOut,
    ColumnPatch,
    LinkIn,
    LinkOut,
    LinkPatch,
    MovePatch,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ScheduleOut,
    TaskBulkIn,
    TaskBulkPatch,
    TaskIn,
    TaskOut,
    TaskPatch,
)
from tandem.web.http import actor, apply_ordering, if_match_version, set_etag

router = Router(tags=["projects"])
router.add_router("", plan_router)

PROJECT_ORDERING = {"name": "name", "start": "start", "finish": "finish", "key": "key"}
TASK_ORDERING = {"start": "start", "finish": "finish", "name": "name", "total_float": "total_float"}


@router.get("/organisations/{organisation_id}/projects", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def list_projects(
    request: HttpRequest,
    organisation_id: int,
    status: str | None = None,
    ordering: str | None = None,
) -> Any:
    """The organisation's projects; filter by status, order by name, start, finish or key."""
    projects = queries.list_projects(actor(request), organisation_id, status)
    return apply_ordering(
        projects.prefetch_related("teams", "roadmap_items"), ordering, PROJECT_ORDERING
    )


@router.post("/organisations/{organisation_id}/projects", response={201: ProjectOut})
def create_project(
    request: HttpRequest, organisation_id: int, payload: ProjectIn
) -> Status[Project]:
    """Create a project, empty or from a template (``template_id``)."""
    fields = payload.dict(exclude_unset=True)
    template_id = fields.pop("template_id", None)
    if template_id is not None:
        project = services_plan.create_project_from_template(
            actor(request), template_id, organisation_id=organisation_id, **fields
        )
    else:
        project = services.create_project(actor(request), organisation_id, **fields)
    return Status(201, project)


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request: HttpRequest, response: HttpResponse, project_id: int) -> Project:
    project = queries.get_project(actor(request), project_id)
    set_etag(response, project)
    return project


@router.patch("/projects/{project_id}", response=ProjectOut)
def update_project(
    request: HttpRequest, response: HttpResponse, project_id: int, payload: ProjectPatch
) -> Project:
    """Change a project (If-Match required); new dates or calendar reschedule it."""
    project = services.update_project(
        actor(request),
        project_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, project)
    return project


@router.delete("/projects/{project_id}", response={204: None})
def delete_project(request: HttpRequest, project_id: int) -> Status[None]:
    services.delete_project(actor(request), project_id)
    return Status(204, None)


@router.get("/projects/{project_id}/schedule", response=ScheduleOut)
def schedule(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """The live schedule: early and late dates, floats and the critical path."""
    project = queries.get_project(actor(request), project_id)
    rows = queries.task_rows(project)
    return {
        "start": project.start,
        "finish": project.finish,
        "deadline": project.deadline,
        "critical_path": [r.task.pk for r in queries.critical_path(rows)],
        "tasks": [
            {
                "id": r.task.pk,
                "wbs": r.outline.number,
                "name": r.task.name,
                "summary": r.summary,
                "milestone": r.milestone,
                **{
                    f: getattr(r.task, f)
                    for f in (
                        "early_start",
                        "early_finish",
                        "late_start",
                        "late_finish",
                        "total_float",
                        "free_float",
                        "critical",
                        "deadline_missed",
                    )
                },
            }
            for r in rows
        ],
    }


# -- tasks -------------------------------------------------------------------------------------


def _with_wbs(tasks: list[Task], project: Project) -> list[Task]:
    numbers = {r.task.pk: r.outline.number for r in queries.task_rows(project)}
    for task in tasks:
        task.wbs = numbers.get(task.pk)  # type: ignore[attr-defined]
    return tasks


@router.get("/projects/{project_id}/tasks", response=list[TaskOut])
@paginate(LimitOffsetPagination)
def list_tasks(
    request: HttpRequest,
    project_id: int,
    critical: bool | None = None,
    milestone: bool | None = None,
    status: str | None = None,
    late: bool | None = None,
    ordering: str | None = None,
) -> Any:
    """Tasks in outline order; filter by critical, milestone, status or late (negative float)."""
    project = queries.get_project(actor(request), project_id)
    rows = queries.task_rows(project)
    if ordering:
        order = apply_ordering(project.tasks.all(), ordering, TASK_ORDERING)
        place = {task.pk: n for n, task in enumerate(order)}
        rows.sort(key=lambda r: place[r.task.pk])
    picked = []
    for row in rows:
        task = row.task
        if critical is not None and task.critical != critical:
            continue
        if milestone is not None and row.milestone != milestone:
            continue
        if status is not None and task.status != status:
            continue
        if late is not None and (task.total_float is not None and task.total_float < 0) != late:
            continue
        task.wbs = row.outline.number  # type: ignore[attr-defined]
        picked.append(task)
    return picked


@router.get("/projects/{project_id}/milestones", response=list[TaskOut])
@paginate(LimitOffsetPagination)
def list_milestones(request: HttpRequest, project_id: int) -> Any:
    """The project's milestones (zero-duration tasks) in outline order."""
    project = queries.get_project(actor(request), project_id)
    return [r.task for r in queries.task_rows(project) if r.milestone]


@router.post("/projects/{project_id}/tasks", response={201: TaskOut})
def create_task(request: HttpRequest, project_id: int, payload: TaskIn) -> Status[Task]:
    task = services_tasks.create_task(
        actor(request), project_id, **payload.dict(exclude_unset=True)
    )
    return Status(201, _with_wbs([task], task.project)[0])


@router.post("/projects/{project_id}/tasks/bulk", response={201: list[TaskOut]})
def create_tasks(request: HttpRequest, project_id: int, payload: TaskBulkIn) -> Status[list[Task]]:
    """Create many tasks and links in one transaction (all or nothing)."""
    tasks = services_tasks.create_tasks(actor(request), project_id, payload.tasks, payload.links)
    return Status(201, tasks)


@router.patch("/projects/{project_id}/tasks/bulk", response=list[TaskOut])
def update_tasks(request: HttpRequest, project_id: int, payload: TaskBulkPatch) -> list[Task]:
    """Update many tasks in one transaction; each names its id and version."""
    return services_tasks.update_tasks(actor(request), project_id, payload.updates)


@router.get("/tasks/{task_id}", response=TaskOut)
def get_task(request: HttpRequest, response: HttpResponse, task_id: int) -> Task:
    _, project, task = access_task(actor(request), task_id)
    set_etag(response, task)
    return _with_wbs([task], project)[0]


@router.patch("/tasks/{task_id}", response=TaskOut)
def update_task(
    request: HttpRequest, response: HttpResponse, task_id: int, payload: TaskPatch
) -> Task:
    """Change a task (If-Match required); members may change progress of their own tasks."""
    task = services_tasks.update_task(
        actor(request),
        task_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, task)
    return task


@router.post("/tasks/{task_id}/move", response=TaskOut)
def move_task(
    request: HttpRequest, response: HttpResponse, task_id: int, payload: MovePatch
) -> Task:
    """Move a task to start no earlier than a day, as dragging its bar does (If-Match)."""
    task = services_tasks.move_task(
        actor(request), task_id, start=payload.start, version=if_match_version(request)
    )
    set_etag(response, task)
    return task


@router.delete("/tasks/{task_id}", response={204: None})
def delete_task(request: HttpRequest, task_id: int) -> Status[None]:
    services_tasks.delete_task(actor(request), task_id)
    return Status(204, None)


# -- links -------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/links", response=list[LinkOut])
@paginate(LimitOffsetPagination)
def list_links(request: HttpRequest, project_id: int) -> Any:
    project = queries.get_project(actor(request), project_id)
    return queries.project_links(project).order_by("id")


@router.post("/projects/{project_id}/links", response={201: LinkOut})
def add_link(request: HttpRequest, project_id: int, payload: LinkIn) -> Status[Link]:
    """Link two tasks (409 naming the cycle when the link would close one)."""
    return Status(201, services_tasks.add_link(actor(request), project_id, **payload.dict()))


@router.patch("/links/{link_id}", response=LinkOut)
def update_link(
    request: HttpRequest, response: HttpResponse, link_id: int, payload: LinkPatch
) -> Link:
    link = services_tasks.update_link(
        actor(request),
        link_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, link)
    return link


@router.delete("/links/{link_id}", response={204: None})
def remove_link(request: HttpRequest, link_id: int) -> Status[None]:
    services_tasks.remove_link(actor(request), link_id)
    return Status(204, None)


# -- board columns -------------------------------------------------------------------------


@router.get("/projects/{project_id}/columns", response=list[ColumnOut])
def list_columns(request: HttpRequest, project_id: int) -> Any:
    return queries.get_project(actor(request), project_id).columns.all()


@router.post("/projects/{project_id}/columns", response={201: ColumnOut})
def add_column(request: HttpRequest, project_id: int, payload: ColumnIn) -> Status[BoardColumn]:
    return Status(201, services.add_column(actor(request), project_id, **payload.dict()))


@router.patch("/columns/{column_id}", response=ColumnOut)
def update_column(request: HttpRequest, column_id: int, payload: ColumnPatch) -> BoardColumn:
    return services.update_column(actor(request), column_id, **payload.dict(exclude_unset=True))


@router.delete("/columns/{column_id}", response={204: None})
def remove_column(request: HttpRequest, column_id: int, move_to: str) -> Status[None]:
    """Remove a column; its tasks move to the column ``move_to``."""
    services.remove_column(actor(request), column_id, move_to=move_to)
    return Status(204, None)
