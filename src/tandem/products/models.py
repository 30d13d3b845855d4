"""Products with their lifecycle, goals and success metrics, roadmap, releases and teams.

Everything belongs to an organisation, directly (products, teams) or through its product.
Rows are written only by the services of this app; each editable row carries a version.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.core.lifecycle import STAGES, Comparison, Stage

STAGE_CHOICES = [(stage.value, stage.label) for stage in STAGES]
COMPARISON_CHOICES = [(c.value, c.value) for c in Comparison]
DIRECTIONS = ["higher", "lower"]
ITEM_KINDS = ["initiative", "feature", "improvement"]
ITEM_STATUSES = ["proposed", "planned", "in_progress", "shipped", "closed"]
OPEN_ITEM_STATUSES = ["proposed", "planned", "in_progress"]
HORIZONS = ["now", "next", "later"]
RELEASE_STATUSES = ["planned", "released", "cancelled"]
MEASUREMENT_SOURCES = ["manual", "api", "csv"]
OPEN_ITEM_POLICIES = ["close", "reassign"]


def _choices(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class Team(models.Model):
    """A group of members that owns roadmap items (and projects)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="product_teams"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product from planning to retirement: why it exists, for whom, and how it wins."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(max_length=120)
    # Short name for the command line and CSV files, unique in the organisation.
    key = models.SlugField(max_length=40)
    purpose = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    target_customers = models.TextField(blank=True)
    strategy = models.TextField(blank=True)  # markdown, rendered sanitised
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_products",
    )
    stakeholders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="stakeholder_of"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="products")
    stage = models.CharField(max_length=20, default=Stage.PLANNING.value, choices=STAGE_CHOICES)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "key"], name="product_key_unique"),
            models.CheckConstraint(
                condition=models.Q(stage__in=[s.value for s in STAGES]),
                name="product_stage_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def is_retired(self) -> bool:
        return self.stage == Stage.RETIRED


class StageTransition(models.Model):
    """One move of a product between stages: who, when, why, and whether gates were overridden."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.CharField(max_length=20, blank=True, choices=STAGE_CHOICES)
    to_stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    overridden = models.BooleanField(default=False)
    # The criteria that were not met when an override let the product through.
    unmet_criteria = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.product}: {self.from_stage or 'new'} → {self.to_stage}"


class Goal(models.Model):
    """An outcome the product pursues; metrics measure it, roadmap items serve it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Metric(models.Model):
    """A success metric: where it started, where it should be by when, and who watches it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="metrics")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="metrics"
    )
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=6, default="higher", choices=_choices(DIRECTIONS))
    baseline = models.FloatField()
    target = models.FloatField()
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["product", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["product", "key"], name="metric_key_unique"),
            models.CheckConstraint(
                condition=models.Q(direction__in=DIRECTIONS), name="metric_direction_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """One value of a metric at a moment: typed in, pushed through the API or imported."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="measurements")
    at = models.DateTimeField()
    value = models.FloatField()
    source = models.CharField(
        max_length=10,
        default="manual",
        choices=[("manual", "Typed in"), ("api", "API"), ("csv", "CSV import")],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["metric", "at"], name="one_measurement_per_moment")
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value} at {self.at:%Y-%m-%d}"


class StageCriterion(models.Model):
    """An exit criterion of one stage: a checklist item, optionally a metric threshold."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="criteria")
    stage = models.CharField(max_length=20, choices=STAGE_CHOICES)
    description = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    # RESTRICT, not PROTECT: deleting the whole product still takes criteria and metrics along.
    metric = models.ForeignKey(
        Metric, null=True, blank=True, on_delete=models.RESTRICT, related_name="criteria"
    )
    comparison = models.CharField(max_length=2, blank=True, choices=COMPARISON_CHOICES)
    threshold = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["stage", "position", "id"]

    def __str__(self) -> str:
        return self.description


class RetirementPlan(models.Model):
    """How a product will be retired: when, what replaces it, who is told, what becomes of data."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="retirement_plan"
    )
    retire_on = models.DateField()
    replacement = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    communication = models.TextField()
    data_handling = models.TextField()
    # What happens to roadmap items still open at retirement: closed, or moved to the replacement.
    open_items = models.CharField(
        max_length=10, default="close", choices=_choices(OPEN_ITEM_POLICIES)
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"Retirement of {self.product} on {self.retire_on}"


class Release(models.Model):
    """A shipped (or planned) version of a product and the roadmap items it carries."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases")
    # The release's own version ("2.4.0"); `version` below is the row's edit counter.
    label = models.CharField(max_length=40)
    title = models.CharField(max_length=200, blank=True)
    planned_date = models.DateField(null=True, blank=True)
    actual_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, default="planned", choices=_choices(RELEASE_STATUSES))
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = [models.F("planned_date").desc(nulls_last=True), "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["product", "label"], name="release_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.label}"


class RoadmapItem(models.Model):
    """An initiative, feature or improvement: why (goals, expected impact), when, and its scores."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="roadmap_items")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, default="feature", choices=_choices(ITEM_KINDS))
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, default="proposed", choices=_choices(ITEM_STATUSES))
    owner_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="roadmap_items"
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="roadmap_items")
    horizon = models.CharField(max_length=5, blank=True, choices=_choices(HORIZONS))
    target_quarter = models.CharField(max_length=7, blank=True)  # "2026-Q3"
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # RICE: reach (typed, or a share of a measured metric), impact, confidence %, effort.
    reach = models.FloatField(null=True, blank=True)
    reach_metric = models.ForeignKey(
        Metric, null=True, blank=True, on_delete=models.RESTRICT, related_name="reach_of"
    )
    reach_share = models.FloatField(default=100.0)
    impact = models.FloatField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    effort = models.FloatField(null=True, blank=True)
    # WSJF: the three parts of the cost of delay, and the job size.
    business_value = models.FloatField(null=True, blank=True)
    time_criticality = models.FloatField(null=True, blank=True)
    risk_reduction = models.FloatField(null=True, blank=True)
    job_size = models.FloatField(null=True, blank=True)
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    shipped_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["product", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status__in=ITEM_STATUSES), name="roadmap_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(horizon__in=["", *HORIZONS]), name="roadmap_horizon_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ITEM_STATUSES


class ExpectedImpact(models.Model):
    """How much a roadmap item is meant to move one metric, in the metric's unit (signed)."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="impacts")
    metric = models.ForeignKey(Metric, on_delete=models.RESTRICT, related_name="expected_impacts")
    change = models.FloatField()
    note = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "metric"], name="one_impact_per_metric")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.metric} {self.change:+g}"


class Comment(models.Model):
    """A member's remark on a product or one of its roadmap items."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(
        RoadmapItem, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"
