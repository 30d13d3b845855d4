"""Levelling a project's resources as a proposal: which tasks would start later, by how much
and why (which resource, on which days, taken by which tasks). The plan stays untouched until
the project manager accepts the proposal, whole or for some tasks, or discards it.

Levelling works in periods of one working hour on the project's calendar. Work already
started and pinned tasks keep their dates; unstarted work never moves before the status date.
Resource calendars are not considered while levelling (the project's calendar is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from django.db import transaction
from django.utils import timezone

from tandem.accounts.actors import Actor
from tandem.collab.services import record_activity
from tandem.core.cpm import LinkType
from tandem.core.leveling import Instance, level_best, level_interactive
from tandem.core.network import ProjectScheduler
from tandem.core.permissions import Permission
from tandem.core.wbs import outline
from tandem.errors import Conflict, Invalid, NotFound
from tandem.projects.access import access_project
from tandem.projects.models import (
    Assignment,
    LevelingProposal,
    Project,
    ProposalMove,
    Resource,
    Task,
)
from tandem.projects.scheduling import LocalTime, load_spec, reschedule

PERIOD = 60  # working minutes in one levelling period
UNITS = 100  # assignment units are levelled in hundredths (0.5 = 50)


@dataclass
class _Axis:
    """The project calendar's working time as a line of minutes (from the schedule's tables)."""

    starts: np.ndarray
    ends: np.ndarray
    cum: np.ndarray
    origin: datetime
    zero: float  # working minutes at the project start

    def work(self, t: float) -> float:
        k = int(np.searchsorted(self.starts, t, side="right")) - 1
        if k < 0:
            return 0.0
        return float(self.cum[k] + min(t - self.starts[k], self.ends[k] - self.starts[k]))

    def period(self, t: float) -> int:
        return math.floor((self.work(t) - self.zero) / PERIOD + 1e-9)

    def moment(self, period: int, clock: LocalTime) -> datetime:
        """The aware start of a period (the next working moment at a boundary)."""
        return self._at(period, clock, "right")

    def finish(self, period: int, clock: LocalTime) -> datetime:
        """The aware moment work ending at a period boundary is done: at the end of a working
        day, that evening (not the next morning, as ``moment`` gives for a start)."""
        return self._at(period, clock, "left")

    def _at(self, period: int, clock: LocalTime, side: Literal["left", "right"]) -> datetime:
        # At a boundary between working intervals, "right" picks the later one, "left" the
        # earlier.
        w = self.zero + period * PERIOD
        k = max(int(np.searchsorted(self.cum, w, side=side)) - 1, 0)
        local = self.origin + timedelta(minutes=float(self.starts[k] + (w - self.cum[k])))
        aware = clock.aware(local)
        assert aware is not None
        return aware


@dataclass
class _Model:
    instance: Instance
    axis: _Axis
    clock: LocalTime
    current: np.ndarray  # current start period per node
    node_task: list[Task | None]  # the leaf task of each node (None for summary gates)
    node_name: list[str]
    resources: list[Resource]


def _model(project: Project, resource_ids: list[int]) -> _Model:
    spec, clock, rows = load_spec(project)
    if not spec.tasks:
        raise Invalid("The project has no tasks to level.", code="leveling.nothing_to_level")
    scheduler = ProjectScheduler(spec)
    net, layout = scheduler.network, scheduler.layout
    cal = net.calendars
    lo, hi = int(cal.ptr[0]), int(cal.ptr[1])
    axis = _Axis(
        cal.starts[lo:hi],
        cal.ends[lo:hi],
        cal.cum[lo:hi] - cal.cum[lo],
        scheduler.clock.origin,
        0.0,
    )
    axis.zero = axis.work(net.project_start)
    schedule = scheduler.prepared.schedule()
    n = net.size
    node_task: list[Task | None] = [None] * n
    node_name = list(layout.node_names)
    numbers = outline((t.pk, t.parent_id, t.position) for t in rows.values())
    for i, task_id in enumerate(layout.ids):
        # Outline numbers tell apart tasks of the same name (two "Accessibility pass" tasks).
        name = f"{numbers[rows[task_id].pk].number} {rows[task_id].name}"
        if task_id in layout.children:
            node_name[layout.start_node[i]] = f"{name} (start)"
            node_name[layout.finish_node[i]] = name
        else:
            node_task[layout.start_node[i]] = rows[task_id]
            node_name[layout.start_node[i]] = name
    current = np.array([axis.period(t) for t in schedule.early_start], dtype=np.int64)
    finish = np.array([axis.period(t) for t in schedule.early_finish], dtype=np.int64)
    duration = np.array([math.ceil(d / PERIOD - 1e-9) for d in net.duration], dtype=np.int64)
    fixed = np.full(n, -1, dtype=np.int64)
    release = np.zeros(n, dtype=np.int64)
    status = (
        0
        if project.status_date is None
        else max(
            axis.period(
                (clock.day_start(project.status_date) - scheduler.clock.origin).total_seconds() / 60
            ),
            0,
        )
    )
    for node, task in enumerate(node_task):
        if task is not None and (task.pinned or task.actual_start is not None):
            fixed[node] = current[node]
            duration[node] = max(
                finish[node] - current[node], duration[node] if task.actual_start is None else 0
            )
        elif task is not None:
            release[node] = status
    resources = list(
        Resource.objects.filter(organisation_id=project.organisation_id).order_by("pk")
    )
    if resource_ids:
        unknown = set(resource_ids) - {r.pk for r in resources}
        if unknown:
            raise NotFound("A resource to level is not in this organisation.", field="resources")
        resources = [r for r in resources if r.pk in set(resource_ids)]
    column: dict[Any, int] = {r.pk: c for c, r in enumerate(resources)}
    demand = np.zeros((n, len(resources)), dtype=np.int64)
    task_node: dict[Any, int] = {
        task.pk: node for node, task in enumerate(node_task) if task is not None
    }
    booked = Assignment.objects.filter(task__project=project).values_list(
        "task_id", "resource_id", "units"
    )
    for assigned, resource_id, units in booked:
        if resource_id in column and assigned in task_node:
            demand[task_node[assigned], column[resource_id]] += round(units * UNITS)
    capacity = [max(round(r.capacity * UNITS), 1) for r in resources]
    # A task asking more than a resource has would never fit: level it as if it had all.
    demand = np.minimum(demand, np.array(capacity, dtype=np.int64)[None, :])
    per_day = (
        float(scheduler.clock.calendars[0].minutes_per_day) if scheduler.clock.calendars else 480.0
    )
    links = []
    for a, b, kind, lag, elapsed in zip(
        net.link_from.tolist(),
        net.link_to.tolist(),
        net.link_type.tolist(),
        net.lag.tolist(),
        net.lag_elapsed.tolist(),
        strict=True,
    ):
        minutes = lag * per_day / 1440 if elapsed else lag
        links.append((a, b, LinkType(kind), round(minutes / PERIOD)))
    priority = np.array(
        [500 if task is None else task.priority for task in node_task], dtype=np.int64
    )
    instance = Instance.create(
        node_name,
        duration,
        links,
        demand,
        capacity,
        [r.name for r in resources],
        release=release,
        fixed=fixed,
        priority=priority,
    )
    return _Model(instance, axis, clock, current, node_task, node_name, resources)


def _usage(inst: Instance, start: np.ndarray) -> list[dict[int, list[int]]]:
    """Per resource, the activities using it in each period of a schedule."""
    using: list[dict[int, list[int]]] = [{} for _ in range(len(inst.capacity))]
    for j in range(inst.size):
        for r in np.flatnonzero(inst.demand[j]).tolist():
            for t in range(int(start[j]), int(start[j] + inst.duration[j])):
                using[r].setdefault(t, []).append(j)
    return using


def _over_days(inst: Instance, start: np.ndarray, axis: _Axis, clock: LocalTime) -> int:
    """Resource-days on which a schedule books more than the capacity."""
    days = set()
    for r, periods in enumerate(_usage(inst, start)):
        for t, users in periods.items():
            if sum(int(inst.demand[j, r]) for j in users) > inst.capacity[r]:
                days.add((r, axis.moment(t, clock).date()))
    return len(days)


def _reason(model: _Model, using: list[dict[int, list[int]]], start: np.ndarray, j: int) -> str:
    """Why node j starts later: the resource taken on those days and by which tasks, or the
    predecessor that moved."""
    inst, axis, clock = model.instance, model.axis, model.clock
    window = range(int(model.current[j]), int(start[j]))
    for r in np.flatnonzero(inst.demand[j]).tolist():
        busy = [
            t
            for t in window
            if sum(int(inst.demand[o, r]) for o in using[r].get(t, []) if o != j)
            + inst.demand[j, r]
            > inst.capacity[r]
        ]
        if busy:
            others = sorted(
                {model.node_name[o] for t in busy for o in using[r].get(t, []) if o != j}
            )
            first, last = axis.moment(busy[0], clock), axis.moment(busy[-1], clock)
            when = (
                first.strftime("%-d %b")
                if first.date() == last.date()
                else f"{first:%-d %b}–{last:%-d %b}"
            )
            names = ", ".join(others[:3]) + (
                f" and {len(others) - 3} more" if len(others) > 3 else ""
            )
            return f"{inst.resources[r]} is fully booked {when} by {names}"
    for a, b, lag in zip(
        inst.link_from.tolist(), inst.link_to.tolist(), inst.lag.tolist(), strict=True
    ):
        if b == j and start[a] + lag > model.current[j]:
            return f"waits for {model.node_name[a]}, which moves later"
    return "follows the levelled order of its resources"


@transaction.atomic
def level_project(
    actor: Actor,
    project_id: int,
    *,
    resource_ids: list[int] | None = None,
    thorough: bool = False,
    time_limit: float = 5.0,
) -> LevelingProposal:
    """A levelling proposal for the project (all resources, or only ``resource_ids``).

    ``thorough`` searches up to ``time_limit`` seconds for a near-optimal plan; otherwise the
    fast priority-rule levelling answers at once. Earlier open proposals are discarded.
    """
    access, project = access_project(actor, project_id, Permission.EDIT_PLAN, lock=True)
    if not 0 < time_limit <= 60:
        raise Invalid(
            "The time limit runs from a fraction of a second to 60 seconds.", field="time_limit"
        )
    model = _model(project, list(resource_ids or []))
    inst = model.instance
    result = level_best(inst, time_limit=time_limit) if thorough else level_interactive(inst)
    start = result.start
    project.proposals.filter(status="open").update(status="discarded", decided_at=timezone.now())
    over_before = _over_days(inst, np.maximum(model.current, 0), model.axis, model.clock)
    end = int((start + inst.duration).max()) if inst.size else 0
    proposal = LevelingProposal.objects.create(
        project=project,
        created_by=access.user,
        resources=sorted(resource_ids or []),
        method=result.method,
        plan_version=project.plan_version,
        finish_before=project.finish,
        finish_after=model.axis.finish(end, model.clock) if inst.size else project.finish,
        finish_bound=model.axis.finish(result.lower_bound, model.clock)
        if inst.size
        else project.finish,
        optimal=result.optimal,
        over_before=over_before,
    )
    using = _usage(inst, start)
    moves = []
    for j, task in enumerate(model.node_task):
        if task is None or inst.fixed[j] >= 0 or start[j] <= model.current[j]:
            continue
        moves.append(
            ProposalMove(
                proposal=proposal,
                task=task,
                current_start=model.axis.moment(int(model.current[j]), model.clock),
                proposed_start=model.axis.moment(int(start[j]), model.clock),
                delay_days=round((start[j] - model.current[j]) * PERIOD / 480, 2),
                reason=_reason(model, using, start, j)[:500],
            )
        )
    ProposalMove.objects.bulk_create(moves)
    record_activity(
        actor,
        access.organisation,
        action="projects.leveling.proposed",
        target=proposal,
        summary=f"levelled {project.name}: {len(moves)} tasks would start later",
        data={"moves": len(moves), "method": result.method},
    )
    return proposal


def _open_proposal(actor: Actor, proposal_id: int) -> tuple[Any, Project, LevelingProposal]:
    proposal = LevelingProposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("No such proposal.", code="proposal.not_found")
    try:
        access, project = access_project(
            actor, proposal.project_id, Permission.EDIT_PLAN, lock=True
        )
    except NotFound:
        raise NotFound("No such proposal.", code="proposal.not_found") from None
    proposal = LevelingProposal.objects.select_for_update().get(pk=proposal_id)
    if proposal.status != "open":
        raise Conflict("This proposal was already decided.", code="proposal.closed")
    return access, project, proposal


@transaction.atomic
def accept_proposal(
    actor: Actor, proposal_id: int, *, task_ids: list[int] | None = None
) -> LevelingProposal:
    """Apply the proposal's moves (all, or those of ``task_ids``): each moved task starts no
    earlier than its proposed start. Refused when the plan changed since the proposal."""
    access, project, proposal = _open_proposal(actor, proposal_id)
    if proposal.plan_version != project.plan_version:
        raise Conflict(
            "The plan changed after this proposal was made; level the project again.",
            code="proposal.stale",
        )
    moves = list(proposal.moves.select_related("task"))
    chosen = moves if task_ids is None else [m for m in moves if m.task_id in set(task_ids)]
    if task_ids is not None and len(chosen) != len(set(task_ids)):
        raise Invalid("Some tasks are not part of this proposal.", field="task_ids")
    if not chosen:
        raise Invalid("Choose at least one move to accept.", field="task_ids")
    for move in chosen:
        task = Task.objects.select_for_update().get(pk=move.task_id)
        task.constraint_type = "SNET"
        task.constraint_date = move.proposed_start
        task.version += 1
        task.save(update_fields=["constraint_type", "constraint_date", "version"])
        move.accepted = True
    ProposalMove.objects.bulk_update(chosen, ["accepted"])
    proposal.status = "accepted" if len(chosen) == len(moves) else "partly_accepted"
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    reschedule(project)
    record_activity(
        actor,
        access.organisation,
        action="projects.leveling.accepted",
        target=proposal,
        summary=f"accepted {len(chosen)} of {len(moves)} levelling moves in {project.name}",
    )
    return proposal


@transaction.atomic
def discard_proposal(actor: Actor, proposal_id: int) -> LevelingProposal:
    """Drop a proposal without changing the plan."""
    access, project, proposal = _open_proposal(actor, proposal_id)
    proposal.status = "discarded"
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    record_activity(
        actor,
        access.organisation,
        action="projects.leveling.discarded",
        target=proposal,
        summary=f"discarded a levelling proposal for {project.name}",
    )
    return proposal
