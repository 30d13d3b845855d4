"""Monte Carlo forecasts of projects and their roll-up to roadmap items.

A project's forecast runs the core simulation over its three-point estimates, prices the
work still to do at its resources' rates and is kept (as a derived cache) for the plan
version it was computed on. A roadmap item combines its projects' forecasts: it is done
when the last of them finishes, and costs what they cost together; the projects are
combined by sampling their stored quantiles, as independent.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from tandem.accounts.actors import Actor
from tandem.core.risk import forecast
from tandem.finance.costs import actual_costs, cost_per_minute
from tandem.finance.models import ProjectForecast
from tandem.projects.access import access_project
from tandem.projects.models import Project, Task
from tandem.projects.scheduling import load_spec

DEFAULT_ITERATIONS = 10_000
ROLL_UP_SAMPLES = 4_000
_lock = threading.Lock()


def compute(
    project: Project, iterations: int = DEFAULT_ITERATIONS, seed: int = 0
) -> dict[str, Any]:
    """Simulate a project and return the stored form (aware ISO times, money in minor units)."""
    spec, clock, tasks = load_spec(project)
    rates = {str(task_id): rate for task_id, rate in cost_per_minute(project).items()}
    result = forecast(spec, iterations=iterations, seed=seed, cost_rates=rates)

    def moment(value: Any) -> str:
        # To the minute: the simulation's fractions of a minute mean nothing to a plan.
        local = (value + timedelta(seconds=30)).replace(second=0, microsecond=0)
        return clock.aware(local).astimezone(UTC).isoformat()  # type: ignore[union-attr]

    def percentiles(p: Any) -> dict[str, str]:
        return {key: moment(value) for key, value in p.as_dict().items()}

    spent = actual_costs(project).total
    # Fixed costs not yet earned are still to be spent on top of the simulated work.
    fixed_left = sum(
        round(t.fixed_cost * (100 - t.percent_complete) / 100)
        for t in tasks.values()
        if t.actual_finish is None
    )
    cost_base = spent + fixed_left
    cost = result.cost
    names = {task_id: task.name for task_id, task in tasks.items()}
    return {
        "iterations": iterations,
        "seed": seed,
        "finish": percentiles(result.finish),
        "deterministic_finish": moment(result.deterministic_finish),
        "quantiles": [clock.aware(v).timestamp() for v in result.quantiles],  # type: ignore[union-attr]
        "cost": None
        if cost is None
        else {k: round(cost_base + v) for k, v in cost.as_dict().items()},
        "cost_quantiles": [round(cost_base + v) for v in result.cost_quantiles or []],
        "spent": spent,
        "milestones": {
            task_id: {"name": names.get(task_id, ""), **percentiles(p)}
            for task_id, p in result.milestones.items()
        },
        "deadlines": result.deadlines,
        "criticality": result.criticality,
        "drivers": [
            {
                "task": task_id,
                "name": names.get(task_id, ""),
                "correlation": c,
                "criticality": result.criticality.get(task_id, 0.0),
            }
            for task_id, c in result.sensitivity
        ],
        "histogram": {
            "start": [moment(v) for v in result.histogram[0]],
            "count": result.histogram[1],
        },
    }


def forecast_of(project: Project) -> dict[str, Any]:
    """The project's forecast for its current plan: the stored one, or a fresh one stored.

    The stored row is a cache of a pure computation over the plan, so a read may refresh it;
    two readers racing compute the same result and the last write wins.
    """
    row = ProjectForecast.objects.filter(project=project).first()
    if row is not None and row.plan_version == project.plan_version:
        return row.result
    with _lock:
        result = compute(project)
        ProjectForecast.objects.update_or_create(
            project=project,
            defaults={
                "plan_version": project.plan_version,
                "iterations": result["iterations"],
                "seed": result["seed"],
                "computed_at": datetime.now(UTC),
                "result": result,
            },
        )
    return result


def project_forecast(actor: Actor, project_id: int) -> dict[str, Any]:
    """The forecast of a project the actor may see."""
    _, project = access_project(actor, project_id)
    return forecast_of(project)


# -- roll-up to roadmap items ----------------------------------------------------------------


@dataclass(frozen=True)
class Risk:
    """Why a roadmap item may not land: which project, which index, which tasks."""

    project: Project
    reason: str
    index: str = ""
    value: float | None = None
    tasks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ItemForecast:
    """When a roadmap item will be delivered and what it will cost, with its risks."""

    p50: datetime
    p80: datetime
    cost_p50: int
    cost_p80: int
    target: date | None
    on_time_probability: float | None
    risks: list[Risk]
    projects: list[tuple[Project, dict[str, Any]]]

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)


def target_date(item: Any) -> date | None:
    """The date a roadmap item is promised for: its end date, its quarter's last day, or its
    release's planned date."""
    if item.end_date:
        return item.end_date
    quarter = (item.target_quarter or "").strip()
    if len(quarter) == 7 and quarter[4:6] == "-Q" and quarter[6] in "1234":
        year, q = int(quarter[:4]), int(quarter[6])
        first_of_next = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        return first_of_next - timedelta(days=1)
    release = getattr(item, "release", None)
    if release is not None and release.planned_date:
        return release.planned_date
    return None


def combine(forecasts: list[dict[str, Any]], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Samples of the finish (latest of the projects, epoch seconds) and the total cost."""
    rng = np.random.default_rng(seed)
    grid = np.linspace(0.0, 1.0, 101)
    finish = np.full(ROLL_UP_SAMPLES, -np.inf)
    cost = np.zeros(ROLL_UP_SAMPLES)
    for f in forecasts:
        finish = np.maximum(finish, np.interp(rng.random(ROLL_UP_SAMPLES), grid, f["quantiles"]))
        if f["cost_quantiles"]:
            cost += np.interp(rng.random(ROLL_UP_SAMPLES), grid, f["cost_quantiles"])
    return finish, cost


def task_labels(project: Project) -> dict[int, str]:
    """Task names that say which task they mean: a name used twice carries its parent's
    (a project often has "Offline mode" under both its iOS and its Android app)."""
    rows = list(Task.objects.filter(project=project).values_list("id", "name", "parent_id"))
    names = {task_id: name for task_id, name, _ in rows}
    counts = Counter(name for _, name, _ in rows)
    return {
        task_id: f"{name} ({names[parent]})" if counts[name] > 1 and parent in names else name
        for task_id, name, parent in rows
    }


def _project_risks(project: Project, forecast: dict[str, Any], target: date | None) -> list[Risk]:
    from tandem.finance.queries import current_indices, earned_value_of  # builds on this module

    risks = []
    labels = task_labels(project)
    drivers = [labels.get(int(d["task"]), d["name"]) for d in forecast["drivers"][:3]]
    if target is not None:
        p80 = datetime.fromisoformat(forecast["finish"]["p80"])
        if p80.date() > target:
            text = f"P80 finish {p80:%d %b %Y} is after {target:%d %b %Y}"
            risks.append(Risk(project, text, "P80", None, drivers))
    probability = forecast["deadlines"].get("project")
    if probability is not None and probability < 0.5:
        text = f"{probability:.0%} chance of meeting the project deadline"
        risks.append(Risk(project, text, "deadline", probability, drivers))
    low = {k: v for k, v in current_indices(project).items() if v is not None and v < 0.9}
    if low:
        # The tasks behind a low index: furthest behind plan (SPI), most over cost (CPI).
        values = earned_value_of(project).tasks
        behind = sorted((t for t in values if t.schedule_variance < -0.5),
                        key=lambda t: t.schedule_variance)  # fmt: skip
        over = sorted((t for t in values if t.cost_variance < -0.5),
                      key=lambda t: t.cost_variance)  # fmt: skip
        for name, value in low.items():
            worst = behind if name == "SPI" else over
            tasks = [labels.get(t.task.pk, t.task.name) for t in worst[:3]]
            risks.append(Risk(project, f"{name} {value:.2f} (below 0.90)", name, value, tasks))
    late = Task.objects.filter(project=project, deadline_missed=True).values_list("id", flat=True)
    if late:
        names = [labels[task_id] for task_id in late[:3]]
        risks.append(Risk(project, f"{len(late)} task deadline(s) missed", "float", None, names))
    return risks


def roadmap_item_forecast(actor: Actor, item: Any) -> ItemForecast | None:
    """The delivery forecast of a roadmap item from its open projects (None without any)."""
    projects = [
        p
        for p in item.projects.select_related("organisation").order_by("start")
        if p.status not in ("completed", "cancelled")
    ]
    if not projects:
        return None
    pairs = [(p, project_forecast(actor, p.pk)) for p in projects]
    finish, cost = combine([f for _, f in pairs], seed=item.pk)
    target = target_date(item)
    p50, p80 = np.percentile(finish, [50, 80])
    cost50, cost80 = np.percentile(cost, [50, 80])
    probability = None
    if target is not None:
        end_of_target = datetime.combine(target + timedelta(days=1), datetime.min.time(), UTC)
        probability = float((finish <= end_of_target.timestamp()).mean())
    risks = [risk for p, f in pairs for risk in _project_risks(p, f, target)]
    return ItemForecast(
        p50=datetime.fromtimestamp(float(p50), UTC),
        p80=datetime.fromtimestamp(float(p80), UTC),
        cost_p50=round(float(cost50)),
        cost_p80=round(float(cost80)),
        target=target,
        on_time_probability=probability,
        risks=risks,
        projects=pairs,
    )
