"""A project's status report as of a status date.

`build_status_report` gathers the facts once — schedule against the baseline, milestones,
earned value and its trend, the Monte Carlo forecast, the risks and what drives them — and
lays them out as sections of formatted text (report_layout). The page, the Markdown writer
and the PDF writer all render that one document model, so a figure reads the same
everywhere.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tandem.accounts.actors import Actor
from tandem.errors import Invalid
from tandem.finance.forecasting import forecast_of, task_labels
from tandem.finance.models import EvmSnapshot
from tandem.finance.queries import EarnedValue, earned_value_of, today_in
from tandem.finance.report_layout import Section, day_text, days_text, layout, money_text
from tandem.projects.access import access_project
from tandem.projects.models import BaselineTask, Project, Task
from tandem.projects.queries import Row, task_rows

INDEX_ALERT = 0.9  # SPI or CPI under this needs action (as on the roadmap roll-up)
DEADLINE_ALERT = 0.8  # a deadline met in fewer than 80 % of the simulations is a risk
TOP = 5  # tasks named per risk and drivers listed


@dataclass(frozen=True)
class Schedule:
    """When the project started and when it will finish, by every measure."""

    start: date
    actual_start: date | None
    baseline_name: str | None
    baseline_finish: date | None
    scheduled_finish: date | None
    earned_schedule_finish: date | None  # planned duration ÷ SPI(t)
    p50: date | None
    p80: date | None
    p95: date | None
    deadline: date | None
    deadline_probability: float | None

    def slip(self, day: date | None) -> int | None:
        """Calendar days ``day`` falls after the baseline finish (negative: before)."""
        if day is None or self.baseline_finish is None:
            return None
        return (day - self.baseline_finish).days


@dataclass(frozen=True)
class Milestone:
    """A milestone: baseline, current schedule and forecast dates, deadline and its chance."""

    wbs: str
    name: str
    baseline: date | None
    current: date | None
    p50: date | None
    p80: date | None
    deadline: date | None
    probability: float | None
    done: bool


@dataclass(frozen=True)
class Deadline:
    """A task's (or the project's) deadline against its scheduled finish."""

    name: str
    deadline: date
    scheduled: date | None
    probability: float | None
    missed: bool


@dataclass(frozen=True)
class TrendPoint:
    """Earned value figures kept for one status date."""

    status_date: date
    pv: float
    ev: float
    ac: float
    spi: float | None
    cpi: float | None


@dataclass(frozen=True)
class CostOutlook:
    """What the project has spent and is expected to cost."""

    spent: float
    budget: int | None
    bac: float
    eac_cpi: float | None
    eac_bottom_up: float
    p50: int | None
    p80: int | None
    p95: int | None


@dataclass(frozen=True)
class Driver:
    """A task that drives the spread of the finish."""

    name: str
    correlation: float
    criticality: float


@dataclass(frozen=True)
class RiskLine:
    """One reason the project may miss its dates or budget, and the tasks behind it."""

    kind: str  # deadline, schedule, float, index, cost
    text: str
    tasks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StatusReport:
    """The facts of a status report and the sections every writer lays out."""

    project: Project
    organisation: str
    currency: str
    as_of: date
    earned_value: EarnedValue
    forecast: dict[str, Any] | None
    schedule: Schedule
    milestones: list[Milestone]
    deadlines: list[Deadline]
    trend: list[TrendPoint]
    cost: CostOutlook
    drivers: list[Driver]
    risks: list[RiskLine]
    sections: list[Section] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Status report: {self.project.name}"

    @property
    def subtitle(self) -> str:
        baseline = self.schedule.baseline_name
        against = f"against baseline “{baseline}”" if baseline else "no baseline (current plan)"
        return (
            f"{self.project.key} · {self.organisation} · status date "
            f"{self.as_of:%-d %b %Y} · {against}"
        )

    def filename(self, extension: str) -> str:
        """A download name such as MOB-status-2026-11-26.pdf."""
        return f"{self.project.key}-status-{self.as_of.isoformat()}.{extension}"


def parse_as_of(value: str | date | None, project: Project | None = None) -> date | None:
    """A status date from a form, a query string or the command line (None when blank).

    Refuses text that is not a date, and (given the project) a date after today: a status
    report looks back, and the future has no actual cost yet.
    """
    if value in (None, ""):
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise Invalid(f"'{value}' is not a date (YYYY-MM-DD).", field="as_of") from None
    if project is not None and day > today_in(project):
        raise Invalid("A status report looks back: choose a date up to today.", field="as_of")
    return day


def build_status_report(
    actor: Actor, project_id: int, *, as_of: str | date | None = None
) -> StatusReport:
    """The status report of a project the actor may see, as of ``as_of`` (default: the
    project's status date, or today without one)."""
    _, project = access_project(actor, project_id)
    day = parse_as_of(as_of, project)
    value = earned_value_of(project, day)
    zone = ZoneInfo(project.organisation.time_zone)
    rows = task_rows(project)
    names = task_labels(project)
    leaves = [r.task for r in rows if not r.summary]
    forecast = forecast_of(project) if leaves else None
    report = StatusReport(
        project=project,
        organisation=project.organisation.name,
        currency=value.currency,
        as_of=value.as_of,
        earned_value=value,
        forecast=forecast,
        schedule=_schedule(project, value, forecast, leaves, zone),
        milestones=_milestones(project, value, forecast, rows, zone),
        deadlines=_deadlines(project, forecast, rows, zone),
        trend=_trend(project, value),
        cost=_cost(project, value, forecast),
        drivers=_drivers(forecast, names),
        risks=[],
    )
    report = dataclasses.replace(report, risks=_risks(report, rows, names))
    return dataclasses.replace(report, sections=layout(report))


# -- facts -------------------------------------------------------------------------------------


def _local(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return None if moment is None else moment.astimezone(zone).date()


def _forecast_day(text: str | None, zone: ZoneInfo) -> date | None:
    return None if not text else _local(datetime.fromisoformat(text), zone)


def _schedule(
    project: Project,
    value: EarnedValue,
    forecast: dict[str, Any] | None,
    leaves: list[Task],
    zone: ZoneInfo,
) -> Schedule:
    finish = (forecast or {}).get("finish", {})
    started = [t.actual_start for t in leaves if t.actual_start is not None]
    baseline = value.baseline
    return Schedule(
        start=project.start,
        actual_start=_local(min(started), zone) if started else None,
        baseline_name=None if baseline is None else baseline.name,
        baseline_finish=None if baseline is None else _local(baseline.finish, zone),
        scheduled_finish=_local(project.finish, zone),
        earned_schedule_finish=value.forecast_finish,
        p50=_forecast_day(finish.get("p50"), zone),
        p80=_forecast_day(finish.get("p80"), zone),
        p95=_forecast_day(finish.get("p95"), zone),
        deadline=project.deadline,
        deadline_probability=(forecast or {}).get("deadlines", {}).get("project"),
    )


def _milestones(
    project: Project,
    value: EarnedValue,
    forecast: dict[str, Any] | None,
    rows: list[Row],
    zone: ZoneInfo,
) -> list[Milestone]:
    planned: dict[int, datetime | None] = {}
    if value.baseline is not None:
        planned = dict(
            BaselineTask.objects.filter(baseline=value.baseline, task__isnull=False).values_list(
                "task_id", "finish"
            )
        )
    simulated = (forecast or {}).get("milestones", {})
    chances = (forecast or {}).get("deadlines", {})
    result = []
    for row in rows:
        if not row.milestone:
            continue
        task = row.task
        dates = simulated.get(str(task.pk), {})
        result.append(
            Milestone(
                wbs=row.outline.number,
                name=task.name,
                baseline=_local(planned.get(task.pk), zone),
                current=_local(task.finish, zone),
                p50=_forecast_day(dates.get("p50"), zone),
                p80=_forecast_day(dates.get("p80"), zone),
                deadline=_local(task.deadline, zone),
                probability=chances.get(str(task.pk)),
                done=task.percent_complete >= 100 or task.actual_finish is not None,
            )
        )
    return result


def _deadlines(
    project: Project, forecast: dict[str, Any] | None, rows: list[Row], zone: ZoneInfo
) -> list[Deadline]:
    chances = (forecast or {}).get("deadlines", {})
    result = [
        Deadline(
            name=f"{row.outline.number} {row.task.name}",
            deadline=_local(row.task.deadline, zone),  # type: ignore[arg-type]
            scheduled=_local(row.task.finish, zone),
            probability=chances.get(str(row.task.pk)),
            missed=row.task.deadline_missed,
        )
        for row in rows
        if row.task.deadline is not None
    ]
    if project.deadline is not None:
        finish = _local(project.finish, zone)
        result.append(
            Deadline(
                name="Project finish",
                deadline=project.deadline,
                scheduled=finish,
                probability=chances.get("project"),
                missed=finish is not None and finish > project.deadline,
            )
        )
    return result


def _trend(project: Project, value: EarnedValue) -> list[TrendPoint]:
    """Kept snapshots before the status date, then the figures as of it."""
    points = []
    for snapshot in EvmSnapshot.objects.filter(project=project, status_date__lt=value.as_of):
        f = snapshot.figures
        points.append(
            TrendPoint(
                snapshot.status_date,
                float(f.get("pv") or 0),
                float(f.get("ev") or 0),
                float(f.get("ac") or 0),
                f.get("spi"),
                f.get("cpi"),
            )
        )
    f = value.figures
    points.append(TrendPoint(value.as_of, f.pv, f.ev, f.ac, f.spi, f.cpi))
    return points


def _cost(project: Project, value: EarnedValue, forecast: dict[str, Any] | None) -> CostOutlook:
    cost = (forecast or {}).get("cost") or {}
    f = value.figures
    return CostOutlook(
        spent=f.ac,
        budget=project.budget,
        bac=f.bac,
        eac_cpi=f.eac_cpi,
        eac_bottom_up=f.eac_bottom_up,
        p50=cost.get("p50"),
        p80=cost.get("p80"),
        p95=cost.get("p95"),
    )


def _drivers(forecast: dict[str, Any] | None, names: dict[int, str]) -> list[Driver]:
    return [
        Driver(
            names.get(int(d["task"]), d.get("name", "")) if str(d["task"]).isdigit() else d["name"],
            d["correlation"],
            d["criticality"],
        )
        for d in (forecast or {}).get("drivers", [])[:TOP]
    ]


def _risks(report: StatusReport, rows: list[Row], names: dict[int, str]) -> list[RiskLine]:
    """The reasons to worry, the most pressing first."""
    s, f, cur = report.schedule, report.earned_value.figures, report.currency
    drivers = [d.name for d in report.drivers[:3]]
    risks: list[RiskLine] = []
    chance = s.deadline_probability
    if s.deadline is not None and chance is not None and chance < DEADLINE_ALERT:
        risks.append(
            RiskLine(
                "deadline",
                f"{chance:.0%} chance of finishing by the deadline {day_text(s.deadline)}; "
                f"P80 finish {day_text(s.p80)}",
                drivers,
            )
        )
    slip = s.slip(s.p80)
    if slip is not None and slip > 0:
        risks.append(
            RiskLine(
                "schedule",
                f"P80 finish is {slip} days after the baseline finish "
                f"{day_text(s.baseline_finish)}",
                drivers,
            )
        )
    missed = [d for d in report.deadlines if d.missed and d.name != "Project finish"]
    if missed:
        risks.append(
            RiskLine(
                "deadline",
                f"{len(missed)} task deadline{'s' if len(missed) != 1 else ''} missed by the "
                "current schedule",
                [
                    f"{d.name} (due {day_text(d.deadline)}, scheduled {day_text(d.scheduled)})"
                    for d in missed[:TOP]
                ],
            )
        )
    late = sorted(
        (r.task for r in rows if not r.summary and (r.task.total_float or 0) < 0),
        key=lambda t: t.total_float or 0,
    )
    if late:
        risks.append(
            RiskLine(
                "float",
                f"{len(late)} task{'s' if len(late) != 1 else ''} with negative float, down to "
                f"{days_text(late[0].total_float)}",
                [f"{names[t.pk]} ({days_text(t.total_float)})" for t in late[:TOP]],
            )
        )
    if f.spi is not None and f.spi < INDEX_ALERT:
        behind = sorted(
            (t for t in report.earned_value.tasks if t.schedule_variance < -0.5),
            key=lambda t: t.schedule_variance,
        )
        text = f"SPI {f.spi:.2f}: {f.spi:.0%} of the work planned by now is done"
        risks.append(
            RiskLine(
                "index",
                text,
                [
                    f"{names.get(t.task.pk, t.task.name)} "
                    f"({money_text(-t.schedule_variance, cur)} behind)"
                    for t in behind[:TOP]
                ],
            )
        )
    over = sorted(
        (t for t in report.earned_value.tasks if t.actual_cost - t.earned_value > 0.5),
        key=lambda t: t.earned_value - t.actual_cost,
    )
    overrun = ""
    if over:
        total = sum(t.actual_cost - t.earned_value for t in over)
        overrun = (
            f"{len(over)} task{'s' if len(over) != 1 else ''} cost more than the work they "
            f"earned, {money_text(total, cur)} in all"
        )
    tasks = [
        f"{names.get(t.task.pk, t.task.name)} ({money_text(t.actual_cost - t.earned_value, cur)} "
        "over)"
        for t in over[:TOP]
    ]
    if f.cpi is not None and f.cpi < INDEX_ALERT:
        text = f"CPI {f.cpi:.2f}: each {cur} 1.00 spent earned {cur} {f.cpi:.2f} of planned work"
        risks.append(RiskLine("cost", f"{text}; {overrun}" if overrun else text, tasks))
    elif over:
        risks.append(RiskLine("cost", overrun, tasks))
    c = report.cost
    if c.budget is not None and c.p80 is not None and c.p80 > c.budget:
        risks.append(
            RiskLine(
                "cost",
                f"Cost P80 {money_text(c.p80, cur)} is over the budget {money_text(c.budget, cur)}",
            )
        )
    return risks
