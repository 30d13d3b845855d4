"""API shapes of finance: rates, time entries, expenses, earned value, snapshots, forecasts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class RateIn(Schema):
    effective_from: date
    rate: int = Field(..., ge=0, description="Minor units per working hour")


class RateOut(Schema):
    id: int
    resource_id: int
    effective_from: date
    rate: int
    version: int


class TimeEntryIn(Schema):
    task_id: int
    worked_on: date
    minutes: int = Field(..., gt=0, le=1440)
    note: str = ""
    person_id: int | None = Field(None, description="Whose time; yourself when omitted")


class TimeEntryPatch(Schema):
    task_id: int | None = None
    worked_on: date | None = None
    minutes: int | None = Field(None, gt=0, le=1440)
    note: str | None = None


class TimeEntryOut(Schema):
    id: int
    project_id: int
    task_id: int
    person_id: int
    worked_on: date
    minutes: int
    note: str
    cost: int | None = Field(None, description="Only for roles that may see cost rates")
    version: int


class TimesheetIn(Schema):
    csv: str = Field(..., description="date,person,task,hours[,note] with a header row")
    dry_run: bool = Field(False, description="Check and preview without importing")


class RowErrorOut(Schema):
    row: int
    field: str | None
    message: str


class TimesheetOut(Schema):
    imported: int
    rows: int
    hours: float
    errors: list[RowErrorOut]


class ExpenseIn(Schema):
    incurred_on: date
    amount: int = Field(..., gt=0, description="Minor units")
    description: str
    category: str = "other"
    task_id: int | None = None


class ExpensePatch(Schema):
    incurred_on: date | None = None
    amount: int | None = Field(None, gt=0)
    description: str | None = None
    category: str | None = None
    task_id: int | None = None


class ExpenseOut(Schema):
    id: int
    project_id: int
    task_id: int | None
    incurred_on: date
    amount: int
    category: str
    description: str
    version: int


class SnapshotIn(Schema):
    status_date: date | None = None
    baseline_id: int | None = None


class SnapshotOut(Schema):
    id: int
    status_date: date
    baseline_id: int | None
    figures: dict[str, Any]
    created_at: datetime


class ForecastIn(Schema):
    iterations: int = Field(10_000, ge=100, le=200_000)
    seed: int = Field(0, ge=0)
