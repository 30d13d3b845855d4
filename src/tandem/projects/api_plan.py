"""REST endpoints for baselines, resources and assignments, calendars, project templates,
resource workload and "my work"."""

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.errors import Invalid, NotFound
from tandem.projects import queries, services_leveling, services_plan
from tandem.projects.access import access_task
from tandem.projects.models import (
    Assignment,
    Baseline,
    Calendar,
    LevelingProposal,
    ProjectTemplate,
    Resource,
)
from tandem.projects.schemas import (
    AcceptIn,
    AssignmentIn,
    AssignmentOut,
    AssignmentPatch,
    BaselineDetailOut,
    BaselineIn,
    BaselineOut,
    CalendarIn,
    CalendarOut,
    LevelIn,
    ProposalOut,
    ResourceIn,
    ResourceOut,
    ResourcePatch,
    TaskOut,
    TemplateIn,
    TemplateOut,
    WorkloadOut,
)
from tandem.web.http import actor, if_match_version, set_etag

router = Router(tags=["plans"])


@router.get("/projects/{project_id}/baselines", response=list[BaselineOut])
def list_baselines(request: HttpRequest, project_id: int) -> Any:
    return queries.get_project(actor(request), project_id).baselines.all()


@router.post("/projects/{project_id}/baselines", response={201: BaselineOut})
def save_baseline(request: HttpRequest, project_id: int, payload: BaselineIn) -> Status[Baseline]:
    """Save the current plan (dates, durations, costs) as a named baseline."""
    return Status(201, services_plan.save_baseline(actor(request), project_id, name=payload.name))


@router.get("/baselines/{baseline_id}", response=BaselineDetailOut)
def get_baseline(request: HttpRequest, baseline_id: int) -> dict[str, Any]:
    """A baseline with the variance of every task and of the project."""
    baseline = queries.get_baseline(actor(request), baseline_id)
    project = baseline.project
    per_task, total = queries.baseline_variance(
        project, baseline, services_plan.planned_costs(project)
    )
    names = dict(project.tasks.values_list("id", "name"))
    return {
        **{
            f: getattr(baseline, f)
            for f in ("id", "project_id", "name", "created_at", "finish", "cost")
        },
        "total": total.__dict__,
        "tasks": [
            {"task_id": task_id, "name": names[task_id], "variance": variance.__dict__}
            for task_id, variance in per_task.items()
        ],
    }


@router.delete("/baselines/{baseline_id}", response={204: None})
def delete_baseline(request: HttpRequest, baseline_id: int) -> Status[None]:
    services_plan.delete_baseline(actor(request), baseline_id)
    return Status(204, None)


# -- resources and assignments ---------------------------------------------------------------


@router.get("/organisations/{organisation_id}/resources", response=list[ResourceOut])
@paginate(LimitOffsetPagination)
def list_resources(request: HttpRequest, organisation_id: int, kind: str | None = None) -> Any:
    resources = queries.list_resources(actor(request), organisation_id)
    return resources.filter(kind=kind) if kind else resources


@router.post("/organisations/{organisation_id}/resources", response={201: ResourceOut})
def create_resource(
    request: HttpRequest, organisation_id: int, payload: ResourceIn
) -> Status[Resource]:
    return Status(
        201, services_plan.create_resource(actor(request), organisation_id, **payload.dict())
    )


@router.get("/resources/{resource_id}", response=ResourceOut)
def get_resource(request: HttpRequest, response: HttpResponse, resource_id: int) -> Resource:
    resource = Resource.objects.filter(pk=resource_id).first()
    if resource is None:
        raise NotFound("No such resource.", code="resource.not_found")
    try:
        resource = queries.list_resources(actor(request), resource.organisation_id).get(
            pk=resource_id
        )
    except NotFound:
        raise NotFound("No such resource.", code="resource.not_found") from None
    set_etag(response, resource)
    return resource


@router.patch("/resources/{resource_id}", response=ResourceOut)
def update_resource(
    request: HttpRequest, response: HttpResponse, resource_id: int, payload: ResourcePatch
) -> Resource:
    resource = services_plan.update_resource(
        actor(request),
        resource_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, resource)
    return resource


@router.get("/tasks/{task_id}/assignments", response=list[AssignmentOut])
def list_assignments(request: HttpRequest, task_id: int) -> Any:
    _, _, task = access_task(actor(request), task_id)
    return Assignment.objects.filter(task=task)


@router.post("/tasks/{task_id}/assignments", response={201: AssignmentOut})
def assign(request: HttpRequest, task_id: int, payload: AssignmentIn) -> Status[Assignment]:
    return Status(201, services_plan.assign(actor(request), task_id, **payload.dict()))


@router.patch("/assignments/{assignment_id}", response=AssignmentOut)
def update_assignment(
    request: HttpRequest, response: HttpResponse, assignment_id: int, payload: AssignmentPatch
) -> Assignment:
    assignment = services_plan.update_assignment(
        actor(request), assignment_id, version=if_match_version(request), units=payload.units
    )
    set_etag(response, assignment)
    return assignment


@router.delete("/assignments/{assignment_id}", response={204: None})
def unassign(request: HttpRequest, assignment_id: int) -> Status[None]:
    services_plan.unassign(actor(request), assignment_id)
    return Status(204, None)


# -- calendars, templates, workload, my work -------------------------------------------------


@router.get("/organisations/{organisation_id}/calendars", response=list[CalendarOut])
def list_calendars(request: HttpRequest, organisation_id: int) -> Any:
    organisation = queries.access_organisation(actor(request), organisation_id).organisation
    return Calendar.objects.filter(organisation=organisation)


@router.post("/organisations/{organisation_id}/calendars", response={201: CalendarOut})
def create_calendar(
    request: HttpRequest, organisation_id: int, payload: CalendarIn
) -> Status[Calendar]:
    return Status(
        201, services_plan.create_calendar(actor(request), organisation_id, **payload.dict())
    )


@router.get("/organisations/{organisation_id}/project-templates", response=list[TemplateOut])
def list_templates(request: HttpRequest, organisation_id: int) -> Any:
    return queries.list_templates(actor(request), organisation_id)


@router.post("/organisations/{organisation_id}/project-templates", response={201: TemplateOut})
def create_template(
    request: HttpRequest, organisation_id: int, payload: TemplateIn
) -> Status[ProjectTemplate]:
    return Status(
        201, services_plan.create_template(actor(request), organisation_id, **payload.dict())
    )


@router.get("/organisations/{organisation_id}/workload", response=list[WorkloadOut])
def workload(
    request: HttpRequest,
    organisation_id: int,
    start: date | None = None,
    finish: date | None = None,
    project_id: int | None = None,
) -> list[dict[str, Any]]:
    """Units booked per resource and day across projects; over-allocated days marked."""
    first = start or date.today()
    last = finish or first + timedelta(days=41)
    if last < first or (last - first).days > 731:
        raise Invalid("Ask for a range of at most two years, finish after start.", field="finish")
    load, resources = queries.resource_workload(
        actor(request), organisation_id, first, last, project_id
    )
    result = []
    for row, resource_id in enumerate(load.resources):
        days = [
            {
                "day": day,
                "booked": float(load.load[row, d]),
                "capacity": float(load.capacity[row, d]),
                "over": bool(load.over[row, d]),
            }
            for d, day in enumerate(load.days)
        ]
        result.append(
            {
                "resource_id": resource_id,
                "name": resources[resource_id].name,
                "capacity": resources[resource_id].capacity,
                "days": days,
                "over_allocated_days": int(load.over[row].sum()),
            }
        )
    return result


@router.get("/organisations/{organisation_id}/my-work", response=list[TaskOut])
def my_work(request: HttpRequest, organisation_id: int) -> list[Any]:
    """Your unfinished tasks across open projects, soonest first."""
    return [row.task for row in queries.my_work(actor(request), organisation_id)]


@router.post("/projects/{project_id}/leveling", response={201: ProposalOut})
def level(request: HttpRequest, project_id: int, payload: LevelIn) -> Status[LevelingProposal]:
    """Propose a levelled plan; the plan itself changes only when the proposal is accepted."""
    proposal = services_leveling.level_project(
        actor(request),
        project_id,
        resource_ids=payload.resource_ids,
        thorough=payload.thorough,
        time_limit=payload.time_limit,
    )
    return Status(201, proposal)


@router.get("/proposals/{proposal_id}", response=ProposalOut)
def get_proposal(request: HttpRequest, proposal_id: int) -> LevelingProposal:
    proposal = LevelingProposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("No such proposal.", code="proposal.not_found")
    try:
        queries.get_project(actor(request), proposal.project_id)
    except NotFound:
        raise NotFound("No such proposal.", code="proposal.not_found") from None
    return proposal


@router.post("/proposals/{proposal_id}/accept", response=ProposalOut)
def accept_proposal(request: HttpRequest, proposal_id: int, payload: AcceptIn) -> LevelingProposal:
    """Apply all moves, or those of ``task_ids`` (409 when the plan changed meanwhile)."""
    return services_leveling.accept_proposal(actor(request), proposal_id, task_ids=payload.task_ids)


@router.post("/proposals/{proposal_id}/discard", response=ProposalOut)
def discard_proposal(request: HttpRequest, proposal_id: int) -> LevelingProposal:
    return services_leveling.discard_proposal(actor(request), proposal_id)
