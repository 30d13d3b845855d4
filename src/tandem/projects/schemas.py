"""API schemas of the projects app (pydantic, through django-ninja)."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class ProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    start: date
    key: str | None = Field(None, max_length=12)
    deadline: date | None = None
    status_date: date | None = None
    scope_in: str = ""
    scope_out: str = ""
    objectives: str = ""
    budget: int | None = Field(None, ge=0, description="Minor units of the organisation's currency")
    status: str = "proposed"
    manager_id: int | None = None
    calendar_id: int | None = None
    lag_calendar: str = Field("successor", description="successor (MS Project) or predecessor (P6)")
    finished_work: str = Field(
        "actual", description="actual: successors follow actual finishes; status: as P6 does"
    )
    team_ids: list[int] = []
    roadmap_item_ids: list[int] = []
    template_id: int | None = Field(None, description="Create the tasks from this template")


class ProjectPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    start: date | None = None
    deadline: date | None = None
    status_date: date | None = None
    scope_in: str | None = None
    scope_out: str | None = None
    objectives: str | None = None
    budget: int | None = Field(None, ge=0)
    status: str | None = None
    manager_id: int | None = None
    calendar_id: int | None = None
    lag_calendar: str | None = None
    finished_work: str | None = None
    team_ids: list[int] | None = None
    roadmap_item_ids: list[int] | None = None


class ProjectOut(Schema):
    id: int
    organisation_id: int
    key: str
    name: str
    scope_in: str
    scope_out: str
    objectives: str
    start: date
    deadline: date | None
    status_date: date | None
    finish: datetime | None
    budget: int | None
    status: str
    manager_id: int | None
    calendar_id: int | None
    lag_calendar: str
    finished_work: str
    team_ids: list[int]
    roadmap_item_ids: list[int]
    version: int

    @staticmethod
    def resolve_team_ids(project: Any) -> list[int]:
        return [t.pk for t in project.teams.all()]

    @staticmethod
    def resolve_roadmap_item_ids(project: Any) -> list[int]:
        return [r.pk for r in project.roadmap_items.all()]


class TaskIn(Schema):
    name: str = Field(..., min_length=1, max_length=300)
    parent_id: int | None = None
    position: int | None = Field(None, ge=0)
    duration: int = Field(0, ge=0, description="Working minutes; 0 makes a milestone")
    work: int | None = Field(None, ge=0)
    optimistic: int | None = Field(None, ge=0)
    most_likely: int | None = Field(None, ge=0)
    pessimistic: int | None = Field(None, ge=0)
    constraint_type: str = "ASAP"
    constraint_date: datetime | date | None = None
    deadline: datetime | date | None = None
    calendar_id: int | None = None
    status: str | None = None
    percent_complete: int = Field(0, ge=0, le=100)
    actual_start: datetime | date | None = None
    actual_finish: datetime | date | None = None
    priority: int = Field(500, ge=0, le=1000, description="Levelling: higher moves less")
    pinned: bool = Field(False, description="Levelling leaves the task where it is")
    fixed_cost: int = Field(0, ge=0)
    earning_rule: str = Field("percent", description="percent, 0/100 or 50/50")
    notes: str = ""


class TaskPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=300)
    parent_id: int | None = None
    position: int | None = Field(None, ge=0)
    duration: int | None = Field(None, ge=0)
    work: int | None = Field(None, ge=0)
    optimistic: int | None = Field(None, ge=0)
    most_likely: int | None = Field(None, ge=0)
    pessimistic: int | None = Field(None, ge=0)
    constraint_type: str | None = None
    constraint_date: datetime | date | None = None
    deadline: datetime | date | None = None
    calendar_id: int | None = None
    status: str | None = None
    percent_complete: int | None = Field(None, ge=0, le=100)
    actual_start: datetime | date | None = None
    actual_finish: datetime | date | None = None
    priority: int | None = Field(None, ge=0, le=1000)
    pinned: bool | None = None
    fixed_cost: int | None = Field(None, ge=0)
    earning_rule: str | None = None
    notes: str | None = None


class TaskBulkIn(Schema):
    tasks: list[dict[str, Any]] = Field(
        ..., description='Task fields plus an optional "ref"; "parent" may name a ref'
    )
    links: list[dict[str, Any]] = Field([], description='"from"/"to" name refs or task ids')


class TaskBulkPatch(Schema):
    updates: list[dict[str, Any]] = Field(..., description='Each with "id", "version" and fields')


class TaskOut(Schema):
    id: int
    project_id: int
    parent_id: int | None
    position: int
    wbs: str | None = None
    name: str
    notes: str
    duration: int
    work: int | None
    optimistic: int | None
    most_likely: int | None
    pessimistic: int | None
    constraint_type: str
    constraint_date: datetime | None
    deadline: datetime | None
    calendar_id: int | None
    status: str
    percent_complete: int
    actual_start: datetime | None
    actual_finish: datetime | None
    priority: int
    pinned: bool
    fixed_cost: int
    earning_rule: str
    early_start: datetime | None
    early_finish: datetime | None
    late_start: datetime | None
    late_finish: datetime | None
    start: datetime | None
    finish: datetime | None
    total_float: int | None = Field(None, description="Working minutes; negative: late")
    free_float: int | None
    critical: bool
    deadline_missed: bool
    version: int


class MovePatch(Schema):
    start: date


class LinkIn(Schema):
    predecessor_id: int
    successor_id: int
    type: str = "FS"
    lag: int = Field(0, description="Minutes (negative: a lead), or percent with lag_format")
    lag_format: str = "working"


class LinkPatch(Schema):
    type: str | None = None
    lag: int | None = None
    lag_format: str | None = None


class LinkOut(Schema):
    id: int
    project_id: int
    predecessor_id: int
    successor_id: int
    type: str
    lag: int
    lag_format: str
    version: int


class ScheduleTask(Schema):
    id: int
    wbs: str
    name: str
    summary: bool
    milestone: bool
    early_start: datetime | None
    early_finish: datetime | None
    late_start: datetime | None
    late_finish: datetime | None
    total_float: int | None
    free_float: int | None
    critical: bool
    deadline_missed: bool


class ScheduleOut(Schema):
    start: date
    finish: datetime | None
    deadline: date | None
    critical_path: list[int]
    tasks: list[ScheduleTask]


class ColumnIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    category: str
    key: str | None = None


class ColumnPatch(Schema):
    name: str | None = None
    position: int | None = Field(None, ge=0)


class ColumnOut(Schema):
    id: int
    key: str
    name: str
    category: str
    position: int


class BaselineIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)


class BaselineOut(Schema):
    id: int
    project_id: int
    name: str
    created_at: datetime
    finish: datetime | None
    cost: int


class VarianceOut(Schema):
    start_days: float | None
    finish_days: float | None
    duration: int | None = Field(None, description="Minutes longer than planned")
    cost: int | None = Field(None, description="Minor units over plan")


class TaskVarianceOut(Schema):
    task_id: int
    name: str
    variance: VarianceOut


class BaselineDetailOut(BaselineOut):
    total: VarianceOut
    tasks: list[TaskVarianceOut]


class ResourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: str = "person"
    user_id: int | None = None
    capacity: float = Field(1.0, gt=0, le=100)
    cost_rate: int = Field(0, ge=0, description="Minor units per working hour")
    calendar_id: int | None = None


class ResourcePatch(Schema):
    name: str | None = None
    kind: str | None = None
    user_id: int | None = None
    capacity: float | None = Field(None, gt=0, le=100)
    cost_rate: int | None = Field(None, ge=0)
    calendar_id: int | None = None


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    user_id: int | None
    capacity: float
    cost_rate: int
    calendar_id: int | None
    version: int


class AssignmentIn(Schema):
    resource_id: int
    units: float = Field(1.0, gt=0, le=100)


class AssignmentPatch(Schema):
    units: float = Field(..., gt=0, le=100)


class AssignmentOut(Schema):
    id: int
    task_id: int
    resource_id: int
    units: float
    version: int


class CalendarIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    week: list[list[list[int]] | None] = Field(
        ..., description="Seven days from Monday: [[start, end] minutes], [] off, null = base"
    )
    base_id: int | None = None
    exceptions: list[dict[str, Any]] = []


class CalendarOut(Schema):
    id: int
    name: str
    base_id: int | None
    week: list[Any]
    version: int


class TemplateIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = ""
    definition: dict[str, Any]


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    definition: dict[str, Any]


class WorkloadDay(Schema):
    day: date
    booked: float
    capacity: float
    over: bool


class WorkloadOut(Schema):
    resource_id: int
    name: str
    capacity: float
    days: list[WorkloadDay]
    over_allocated_days: int


class LevelIn(Schema):
    resource_ids: list[int] = Field([], description="Resources to level; empty for all")
    thorough: bool = Field(False, description="Search for a near-optimal plan")
    time_limit: float = Field(5.0, gt=0, le=60, description="Seconds for a thorough search")


class MoveOut(Schema):
    task_id: int
    current_start: datetime
    proposed_start: datetime
    delay_days: float
    reason: str
    accepted: bool


class ProposalOut(Schema):
    id: int
    project_id: int
    status: str
    method: str
    resources: list[int]
    created_at: datetime
    finish_before: datetime | None
    finish_after: datetime | None
    finish_bound: datetime | None = Field(
        None, description="No levelled plan can finish before this (proved by the search)"
    )
    optimal: bool = Field(False, description="Proved that no levelled plan finishes earlier")
    over_before: int
    moves: list[MoveOut]

    @staticmethod
    def resolve_moves(proposal: Any) -> list[Any]:
        return list(proposal.moves.all())


class AcceptIn(Schema):
    task_ids: list[int] | None = Field(None, description="Moves to accept; all when omitted")
