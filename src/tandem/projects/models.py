"""Projects: calendars, projects, tasks (the work breakdown), links, resources, assignments,
baselines, board columns and project templates.

Scheduled dates are stored with each task (aware UTC), written by the scheduling service after
every change; durations, lags and floats are working minutes.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

PROJECT_STATUSES = ["proposed", "active", "on_hold", "completed", "cancelled"]
CONSTRAINTS = ["ASAP", "ALAP", "SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"]
LINK_TYPES = ["FS", "SS", "FF", "SF"]
LAG_FORMATS = ["working", "elapsed", "percent"]
# Which calendar working lags count in: the successor's (MS Project) or the predecessor's (P6).
LAG_CALENDARS = ["successor", "predecessor"]
# What finished work's successors follow: its actual finish (MS Project) or the status date
# carried through the logic (P6's remaining early dates).
FINISHED_WORK = ["actual", "status"]
BOARD_CATEGORIES = ["todo", "in_progress", "done"]
MILESTONE_SIDES = ["start", "finish"]
EARNING_RULES = ["percent", "0/100", "50/50"]  # how a task earns its budget (core.evm)
RESOURCE_KINDS = ["person", "equipment", "facility"]


def choices_of(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class Calendar(models.Model):
    """Working time for projects and resources; may derive from a base calendar.

    ``week`` holds seven entries, Monday first: a list of [start, end] minute pairs, [] for a
    day off, or null for "as the base calendar".
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="calendars"
    )
    name = models.CharField(max_length=120)
    base = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived"
    )
    week = models.JSONField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="calendar_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CalendarException(models.Model):
    """Holidays or other hours on a range of dates (``hours`` [] = not working)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    name = models.CharField(max_length=120, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    hours = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["first_day"]

    def __str__(self) -> str:
        return f"{self.name or 'exception'} {self.first_day}"


class Project(models.Model):
    """A finite scope delivered on time and on budget."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=12)
    scope_in = models.TextField(blank=True)
    scope_out = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    start = models.DateField()
    deadline = models.DateField(null=True, blank=True)
    status_date = models.DateField(null=True, blank=True)
    budget = models.BigIntegerField(null=True, blank=True)  # minor units of the org currency
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teams = models.ManyToManyField("products.Team", blank=True, related_name="projects")
    roadmap_items = models.ManyToManyField(
        "products.RoadmapItem", blank=True, related_name="projects"
    )
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        max_length=20, default="proposed", choices=choices_of(PROJECT_STATUSES)
    )
    lag_calendar = models.CharField(
        max_length=12, default="successor", choices=choices_of(LAG_CALENDARS)
    )
    finished_work = models.CharField(
        max_length=8, default="actual", choices=choices_of(FINISHED_WORK)
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The scheduled finish and when the plan last changed (the schedule cache's key).
    finish = models.DateTimeField(null=True, blank=True)
    plan_version = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "key"], name="project_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BoardColumn(models.Model):
    """A column of a project's board; tasks carry the column's key as their status."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="columns")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    category = models.CharField(max_length=20, choices=choices_of(BOARD_CATEGORIES))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "key"], name="column_key_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """A task, a summary task (it has children) or a milestone (zero duration)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)  # order among its siblings
    name = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    duration = models.PositiveIntegerField(default=0)  # working minutes
    work = models.PositiveIntegerField(null=True, blank=True)  # effort in minutes
    optimistic = models.PositiveIntegerField(null=True, blank=True)
    most_likely = models.PositiveIntegerField(null=True, blank=True)
    pessimistic = models.PositiveIntegerField(null=True, blank=True)
    constraint_type = models.CharField(
        max_length=4, default="ASAP", choices=choices_of(CONSTRAINTS)
    )
    constraint_date = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    status = models.SlugField(max_length=40, default="todo")
    percent_complete = models.PositiveSmallIntegerField(default=0)
    # Working minutes left on started work when stated (P6 keeps it apart from % complete);
    # None: the duration not yet complete.
    remaining = models.PositiveIntegerField(null=True, blank=True)
    # Which side of a break a milestone shows on (core.network.TaskSpec.milestone_at).
    milestone_at = models.CharField(
        max_length=6,
        blank=True,
        default="",
        choices=[("", "As scheduled"), *choices_of(MILESTONE_SIDES)],
    )
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_finish = models.DateTimeField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=500)
    pinned = models.BooleanField(default=False)  # levelling leaves it where it is
    fixed_cost = models.BigIntegerField(default=0)  # minor units, on top of resource costs
    earning_rule = models.CharField(
        max_length=8, default="percent", choices=choices_of(EARNING_RULES)
    )
    # Results of the last schedule.
    early_start = models.DateTimeField(null=True, blank=True)
    early_finish = models.DateTimeField(null=True, blank=True)
    late_start = models.DateTimeField(null=True, blank=True)
    late_finish = models.DateTimeField(null=True, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    total_float = models.IntegerField(null=True, blank=True)
    free_float = models.IntegerField(null=True, blank=True)
    critical = models.BooleanField(default=False)
    deadline_missed = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        indexes: ClassVar = [
            models.Index(fields=["project", "parent", "position"], name="task_tree")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100), name="task_percent_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Link(models.Model):
    """A dependency between two tasks of one project, with a lag (negative: a lead)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, default="FS", choices=choices_of(LINK_TYPES))
    lag = models.IntegerField(default=0)  # working or elapsed minutes, or percent
    lag_format = models.CharField(max_length=8, default="working", choices=choices_of(LAG_FORMATS))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints: ClassVar = [
            # P6 plans link one pair twice (start-to-start and finish-to-finish); a repeated
            # type is a duplicate.
            models.UniqueConstraint(
                fields=["predecessor", "successor", "type"], name="one_link_per_pair_and_type"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")), name="link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} {self.type} {self.successor_id}"


class Resource(models.Model):
    """Someone or something that does work: a member, equipment or a facility."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="resources"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, default="person", choices=choices_of(RESOURCE_KINDS))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    capacity = models.FloatField(default=1.0)  # units available: 1.0 is one full-time person
    cost_rate = models.BigIntegerField(default=0)  # minor units per working hour
    calendar = models.ForeignKey(
        Calendar, null=True, blank=True, on_delete=models.PROTECT, related_name="resources"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A resource working on a task with some units (1.0 = full time)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="assignments")
    units = models.FloatField(default=1.0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["task", "resource"], name="one_assignment_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.resource} on {self.task}"


class Baseline(models.Model):
    """A saved copy of the plan (dates, durations, costs) to measure variance against."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finish = models.DateTimeField(null=True, blank=True)
    cost = models.BigIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "name"], name="baseline_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BaselineTask(models.Model):
    """One task as it stood when the baseline was saved."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="baselined"
    )
    name = models.CharField(max_length=300)
    start = models.DateTimeField(null=True, blank=True)
    finish = models.DateTimeField(null=True, blank=True)
    duration = models.PositiveIntegerField(default=0)
    cost = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.baseline}: {self.name}"


class ProjectTemplate(models.Model):
    """A reusable plan: phases, milestones, standard tasks and links, with day offsets.

    ``definition`` is {"tasks": [{"ref", "name", "parent", "duration_days", "milestone"}],
    "links": [{"from", "to", "type", "lag_days"}]}.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="project_templates"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    definition = models.JSONField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="template_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


PROPOSAL_STATUSES = ["open", "accepted", "partly_accepted", "discarded"]


class LevelingProposal(models.Model):
    """Moves that would resolve over-allocation; the plan is untouched until accepted."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="proposals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resources = models.JSONField(default=list, blank=True)  # resource ids; [] = all
    method = models.CharField(max_length=40)
    plan_version = models.PositiveIntegerField()
    finish_before = models.DateTimeField(null=True, blank=True)
    finish_after = models.DateTimeField(null=True, blank=True)
    # What the search proved: no levelled plan can finish before ``finish_bound`` (at least
    # the critical path's finish); ``optimal`` when this plan reaches it.
    finish_bound = models.DateTimeField(null=True, blank=True)
    optimal = models.BooleanField(default=False)
    over_before = models.PositiveIntegerField(default=0)  # over-allocated resource-days
    status = models.CharField(max_length=20, default="open", choices=choices_of(PROPOSAL_STATUSES))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Levelling of {self.project} ({self.status})"


class ProposalMove(models.Model):
    """One task the proposal would start later, and why."""

    proposal = models.ForeignKey(LevelingProposal, on_delete=models.CASCADE, related_name="moves")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    current_start = models.DateTimeField()
    proposed_start = models.DateTimeField()
    delay_days = models.FloatField()
    reason = models.CharField(max_length=500)
    accepted = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["proposed_start", "id"]

    def __str__(self) -> str:
        return f"{self.task} +{self.delay_days:g} d"
