"""Reads of projects: lists, the work breakdown with outline numbers, flags for deadlines,
baseline variance, workload, "my work" and the project manager's dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.accounts.access import access_organisation  # re-exported for the API
from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.core.wbs import Outline, outline
from tandem.core.workload import Booking, Workload, workload
from tandem.errors import NotFound
from tandem.projects.access import access_project
from tandem.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Link,
    Project,
    ProjectTemplate,
    Resource,
    Task,
)
from tandem.projects.scheduling import work_calendar

AT_RISK_FLOAT = 0  # minutes: negative float means a deadline or constraint cannot be met


def list_projects(
    actor: Actor, organisation_id: int, status: str | None = None
) -> QuerySet[Project]:
    """The organisation's projects with task counts."""
    organisation = access_organisation(actor, organisation_id).organisation
    projects = Project.objects.filter(organisation=organisation).select_related("manager")
    if status:
        projects = projects.filter(status=status)
    return projects.annotate(
        task_count=Count("tasks", distinct=True),
        late_count=Count("tasks", filter=Q(tasks__total_float__lt=0), distinct=True),
    )


def get_project(actor: Actor, project_id: int) -> Project:
    """One project the actor may see."""
    return access_project(actor, project_id)[1]


@dataclass(frozen=True)
class Row:
    """A task with its place in the outline and its flags, for tables and charts."""

    task: Task
    outline: Outline
    assignees: str
    overdue: bool
    at_risk: bool

    @property
    def summary(self) -> bool:
        return self.outline.summary

    @property
    def milestone(self) -> bool:
        return not self.outline.summary and self.task.duration == 0


def _flags(task: Task, now: datetime) -> tuple[bool, bool]:
    done = task.percent_complete >= 100
    overdue = not done and (
        (task.finish is not None and task.finish < now)
        or (task.deadline is not None and task.deadline < now)
    )
    at_risk = not done and (
        task.deadline_missed or (task.total_float is not None and task.total_float < AT_RISK_FLOAT)
    )
    return overdue, at_risk


def task_rows(project: Project, tasks: Iterable[Task] | None = None) -> list[Row]:
    """The project's tasks in outline order with outline numbers, assignees and flags."""
    tasks = list(tasks if tasks is not None else project.tasks.all())
    numbers = outline((t.pk, t.parent_id, t.position) for t in tasks)
    names: dict[int, list[str]] = {}
    for task_id, name in Assignment.objects.filter(task__project=project).values_list(
        "task_id", "resource__name"
    ):
        names.setdefault(task_id, []).append(name)
    by_id: dict[Any, Task] = {t.pk: t for t in tasks}
    now = timezone.now()
    rows = []
    for key, place in numbers.items():
        task = by_id[key]
        overdue, at_risk = _flags(task, now)
        rows.append(Row(task, place, ", ".join(sorted(names.get(task.pk, []))), overdue, at_risk))
    return rows


def project_links(project: Project) -> QuerySet[Link]:
    return Link.objects.filter(project=project).select_related("predecessor", "successor")


def critical_path(rows: list[Row]) -> list[Row]:
    """Critical leaf tasks in order of start."""
    path = [r for r in rows if r.task.critical and not r.summary]
    return sorted(
        path, key=lambda r: (r.task.start or timezone.now(), r.task.finish or timezone.now())
    )


def progress(rows: list[Row]) -> float:
    """Percent complete of the project, weighted by duration (milestones count as done/not)."""
    leaves = [r.task for r in rows if not r.summary]
    total = sum(max(t.duration, 1) for t in leaves)
    if not total:
        return 0.0
    return sum(max(t.duration, 1) * t.percent_complete for t in leaves) / total


# -- baselines and variance -------------------------------------------------------------------


@dataclass(frozen=True)
class Variance:
    """Current minus baseline: days for dates (positive = later), minutes and money."""

    start_days: float | None
    finish_days: float | None
    duration: int | None
    cost: int | None


def _days(current: datetime | None, planned: datetime | None) -> float | None:
    if current is None or planned is None:
        return None
    return round((current - planned).total_seconds() / 86400, 2)


def baseline_variance(
    project: Project, baseline: Baseline, costs: dict[int, int]
) -> tuple[dict[int, Variance], Variance]:
    """Variance of every task against ``baseline`` and of the whole project."""
    planned = {bt.task_id: bt for bt in BaselineTask.objects.filter(baseline=baseline)}
    result = {}
    for task in project.tasks.all():
        before = planned.get(task.pk)
        if before is None:
            result[task.pk] = Variance(None, None, None, None)
            continue
        result[task.pk] = Variance(
            _days(task.start, before.start),
            _days(task.finish, before.finish),
            task.duration - before.duration,
            costs.get(task.pk, 0) - before.cost,
        )
    total = Variance(
        _days(
            min((t.start for t in project.tasks.all() if t.start), default=None),
            min((b.start for b in planned.values() if b.start), default=None),
        ),
        _days(project.finish, baseline.finish),
        None,
        sum(costs.values()) - baseline.cost,
    )
    return result, total


def get_baseline(actor: Actor, baseline_id: int) -> Baseline:
    baseline = Baseline.objects.select_related("project").filter(pk=baseline_id).first()
    if baseline is None:
        raise NotFound("No such baseline.", code="baseline.not_found")
    try:
        access_project(actor, baseline.project_id)
    except NotFound:
        raise NotFound("No such baseline.", code="baseline.not_found") from None
    return baseline


# -- workload ----------------------------------------------------------------------------------


def resource_workload(
    actor: Actor,
    organisation_id: int,
    first_day: date,
    last_day: date,
    project_id: int | None = None,
) -> tuple[Workload, dict[Any, Resource]]:
    """Units booked per resource and day across all projects (or one), with over-allocation."""
    organisation = access_organisation(actor, organisation_id).organisation
    # Days are the organisation's days, whoever asks and from wherever.
    zone = ZoneInfo(organisation.time_zone)
    resources = {
        r.pk: r
        for r in Resource.objects.filter(organisation=organisation).select_related("calendar")
    }
    assignments = Assignment.objects.filter(
        resource__organisation=organisation,
        task__start__lt=datetime.combine(last_day + timedelta(days=1), datetime.min.time(), zone),
        task__finish__gte=datetime.combine(first_day, datetime.min.time(), zone),
        task__project__status__in=["proposed", "active", "on_hold"],
    ).select_related("task")
    if project_id is not None:
        assignments = assignments.filter(task__project_id=project_id)
    bookings = [
        Booking(
            resource=a.resource_id,
            task=a.task.name,
            start=a.task.start.astimezone(zone).replace(tzinfo=None),  # type: ignore[union-attr]
            finish=a.task.finish.astimezone(zone).replace(tzinfo=None),  # type: ignore[union-attr]
            units=a.units,
        )
        for a in assignments
        if a.task.percent_complete < 100
    ]
    known: dict[int, Any] = {}
    calendars = {pk: work_calendar(r.calendar, known) for pk, r in resources.items()}
    load = workload(
        bookings, {pk: r.capacity for pk, r in resources.items()}, calendars, first_day, last_day
    )
    return load, resources


# -- my work and the dashboard ---------------------------------------------------------------


def my_work(actor: Actor, organisation_id: int) -> list[Row]:
    """Unfinished tasks assigned to the actor across the organisation's open projects."""
    access = access_organisation(actor, organisation_id)
    if access.user is None:
        return []
    tasks = (
        Task.objects.filter(
            project__organisation=access.organisation,
            project__status__in=["proposed", "active", "on_hold"],
            assignments__resource__user=access.user,
            percent_complete__lt=100,
        )
        .select_related("project")
        .distinct()
        .order_by("start", "id")
    )
    now = timezone.now()
    rows = []
    for task in tasks:
        overdue, at_risk = _flags(task, now)
        rows.append(Row(task, Outline(number="", depth=0, summary=False), "", overdue, at_risk))
    return rows


@dataclass(frozen=True)
class ProjectHealth:
    project: Project
    progress: float
    overdue: int
    at_risk: int
    late_by_days: float | None  # the scheduled finish after the deadline, in days


def dashboard(actor: Actor, organisation_id: int) -> list[ProjectHealth]:
    """Every open project with its progress and flags, worst first."""
    access = access_organisation(actor, organisation_id, Permission.VIEW)
    now = timezone.now()
    health = []
    for project in Project.objects.filter(
        organisation=access.organisation, status__in=["proposed", "active", "on_hold"]
    ).select_related("manager", "organisation"):
        tasks = list(project.tasks.all())
        parents = {t.parent_id for t in tasks if t.parent_id}
        leaves = [t for t in tasks if t.pk not in parents]
        flags = [_flags(t, now) for t in leaves]
        total = sum(max(t.duration, 1) for t in leaves)
        done = (
            sum(max(t.duration, 1) * t.percent_complete for t in leaves) / total if total else 0.0
        )
        late = None
        if project.deadline and project.finish:
            deadline_end = datetime.combine(
                project.deadline + timedelta(days=1),
                datetime.min.time(),
                ZoneInfo(project.organisation.time_zone),
            )
            late = round((project.finish - deadline_end).total_seconds() / 86400, 1)
        health.append(
            ProjectHealth(project, done, sum(f[0] for f in flags), sum(f[1] for f in flags), late)
        )
    return sorted(health, key=lambda h: (-(h.at_risk + h.overdue), h.project.name))


def list_templates(actor: Actor, organisation_id: int) -> QuerySet[ProjectTemplate]:
    organisation = access_organisation(actor, organisation_id).organisation
    return ProjectTemplate.objects.filter(organisation=organisation)


def list_resources(actor: Actor, organisation_id: int) -> QuerySet[Resource]:
    organisation = access_organisation(actor, organisation_id).organisation
    return Resource.objects.filter(organisation=organisation).select_related("user", "calendar")


def gantt_document(
    project: Project, can_edit: bool, baseline: Baseline | None = None
) -> dict[str, Any]:
    """The Gantt chart's data: tasks in outline order, links, baseline bars, in the project's
    local wall time (the chart never shifts times)."""
    zone = ZoneInfo(project.organisation.time_zone)

    def local(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(zone).replace(tzinfo=None).isoformat()

    rows = task_rows(project)
    planned: dict[int, BaselineTask] = {}
    if baseline is None:
        baseline = project.baselines.first()
    if baseline is not None:
        planned = {bt.task_id: bt for bt in baseline.tasks.all() if bt.task_id}
    per_day = 480
    calendar = work_calendar(project.calendar)
    tasks = []
    for row in rows:
        task = row.task
        before = planned.get(task.pk)
        span = task.duration / per_day
        if row.summary and task.start and task.finish:
            # A summary lasts the working time between its first start and last finish.
            span = (
                calendar.working_minutes_between(
                    task.start.astimezone(zone).replace(tzinfo=None),
                    task.finish.astimezone(zone).replace(tzinfo=None),
                )
                / per_day
            )
        tasks.append(
            {
                "id": task.pk,
                "wbs": row.outline.number,
                "name": task.name,
                "parent": task.parent_id,
                "depth": row.outline.depth,
                "summary": row.summary,
                "milestone": row.milestone,
                "start": local(task.start),
                "finish": local(task.finish),
                "duration_days": round(span, 2),
                "percent": task.percent_complete,
                "critical": task.critical,
                "total_float_days": None
                if task.total_float is None
                else round(task.total_float / per_day, 2),
                "deadline": local(task.deadline),
                "deadline_missed": task.deadline_missed,
                "baseline_start": local(before.start) if before else None,
                "baseline_finish": local(before.finish) if before else None,
                "version": task.version,
                "assignees": row.assignees,
            }
        )
    critical = {t.pk for t in (r.task for r in rows) if t.critical}
    links = [
        {
            "id": link.pk,
            "from": link.predecessor_id,
            "to": link.successor_id,
            "type": link.type,
            "lag_days": round(link.lag / per_day, 2) if link.lag_format != "percent" else 0,
            "critical": link.predecessor_id in critical and link.successor_id in critical,
        }
        for link in Link.objects.filter(project=project)
    ]
    today = timezone.localdate()
    return {
        "project": {
            "id": project.pk,
            "name": project.name,
            "start": local(min((t.start for t in (r.task for r in rows) if t.start), default=None))
            or f"{project.start.isoformat()}T08:00:00",
            "finish": local(project.finish),
            "today": today.isoformat(),
            "status_date": project.status_date.isoformat() if project.status_date else None,
            "deadline": f"{project.deadline.isoformat()}T17:00:00" if project.deadline else None,
        },
        "can_edit": can_edit,
        "baseline": baseline.name if baseline else None,
        "tasks": tasks,
        "links": links,
    }


@dataclass(frozen=True)
class Delivery:
    """A project working on a roadmap item, as the product side sees it."""

    project: Project
    progress: float
    finish: datetime | None
    deadline: date | None
    late_by_days: float | None


def delivery_for_roadmap_item(actor: Actor, item: Any) -> list[Delivery]:
    """The projects delivering a roadmap item, with progress and finish against deadline."""
    access_organisation(actor, item.product.organisation_id)
    health = {h.project.pk: h for h in dashboard(actor, item.product.organisation_id)}
    result = []
    for project in item.projects.select_related("organisation").order_by("start"):
        h = health.get(project.pk)
        rows = task_rows(project) if h is None else None
        result.append(
            Delivery(
                project=project,
                progress=h.progress if h else progress(rows or []),
                finish=project.finish,
                deadline=project.deadline,
                late_by_days=h.late_by_days if h else None,
            )
        )
    return result
