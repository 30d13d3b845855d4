"""Finance: resource cost rates with effective dates, time entries and expenses (the actual
cost), weekly earned value snapshots and stored Monte Carlo forecasts.

Money is in integer minor units of the organisation's currency; time in minutes.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

EXPENSE_CATEGORIES = ["travel", "equipment", "software", "services", "materials", "other"]


class CostRate(models.Model):
    """A resource's cost per working hour from a date on (until the next rate)."""

    resource = models.ForeignKey(
        "projects.Resource", on_delete=models.CASCADE, related_name="rates"
    )
    effective_from = models.DateField()
    rate = models.BigIntegerField()  # minor units per working hour
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["resource", "effective_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["resource", "effective_from"], name="one_rate_per_resource_and_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} from {self.effective_from}"


class TimeEntry(models.Model):
    """Hours someone worked on a task on a day; its cost is fixed when it is recorded."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="time_entries"
    )
    task = models.ForeignKey("projects.Task", on_delete=models.CASCADE, related_name="time_entries")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="time_entries"
    )
    resource = models.ForeignKey(
        "projects.Resource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    worked_on = models.DateField()
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True)
    rate = models.BigIntegerField(default=0)  # the rate in effect on worked_on
    cost = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-worked_on", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["project", "worked_on"], name="time_entry_project_day"),
            models.Index(fields=["person", "worked_on"], name="time_entry_person_day"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0, minutes__lte=24 * 60), name="minutes_in_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.worked_on} {self.minutes} min"


class Expense(models.Model):
    """Money spent on a project (optionally against a task) outside time entries."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="expenses"
    )
    task = models.ForeignKey(
        "projects.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="expenses"
    )
    incurred_on = models.DateField()
    amount = models.BigIntegerField()
    category = models.CharField(
        max_length=20,
        default="other",
        choices=[(c, c.capitalize()) for c in EXPENSE_CATEGORIES],
    )
    description = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-incurred_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_positive")
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class EvmSnapshot(models.Model):
    """Earned value figures of a project as of a status date, kept for trends."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="evm_snapshots"
    )
    status_date = models.DateField()
    baseline = models.ForeignKey(
        "projects.Baseline", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    figures = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["project", "status_date"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["project", "status_date"], name="one_snapshot_per_status_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.status_date}"


class ProjectForecast(models.Model):
    """The latest Monte Carlo forecast of a project, valid for one version of its plan."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="forecast"
    )
    plan_version = models.PositiveIntegerField()
    iterations = models.PositiveIntegerField()
    seed = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)
    result = models.JSONField()

    def __str__(self) -> str:
        return f"forecast of {self.project}"
