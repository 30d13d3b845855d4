"""`tandem forecast FILE`: a Monte Carlo forecast of a network's finish, milestones and deadlines.

Needs no database and imports no Django. Tasks may carry "optimistic", "most_likely" and
"pessimistic" (and "distribution": "triangular" or "pert"); the others keep their duration.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from tandem.cli.errors import fail
from tandem.cli.schedule import OutputFormat, _value, read_project


def as_json(result: Any) -> dict[str, Any]:
    """The documented JSON shape, with times as numbers or ISO datetimes."""

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: convert(item) for key, item in value.items()}
        if isinstance(value, list):
            return [convert(item) for item in value]
        if isinstance(value, float):
            value = round(value, 4)
        return _value(value)

    return convert(result.as_dict())


def _cell(value: Any) -> str:
    return str(_value(round(value, 2) if isinstance(value, float) else value))


def _table(project: Any, result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    finish = result.finish
    summary = Table(
        title=f"{result.iterations:,} iterations · seed {result.seed} · "
        f"deterministic finish {_cell(result.deterministic_finish)}",
        title_justify="left",
    )
    for column in ("", "P50", "P80", "P95", "mean"):
        summary.add_column(column)
    summary.add_row("project finish", *(_cell(v) for v in finish.as_dict().values()))
    for task_id, row in result.milestones.items():
        summary.add_row(f"milestone {task_id}", *(_cell(v) for v in row.as_dict().values()))
    console.print(summary)
    if result.deadlines:
        deadlines = Table(title="Probability of meeting each deadline", title_justify="left")
        deadlines.add_column("task")
        deadlines.add_column("probability", justify="right")
        for task_id, probability in result.deadlines.items():
            deadlines.add_row(task_id, f"{probability:.0%}")
        console.print(deadlines)
    names = {task.id: task.name for task in project.tasks}
    drivers = Table(
        title="Tasks that drive the spread (correlation of duration with the finish)",
        title_justify="left",
    )
    for column in ("task", "name", "correlation", "criticality"):
        drivers.add_column(column, justify="right" if column != "name" else "left")
    for task_id, correlation in result.sensitivity:
        drivers.add_row(
            task_id,
            names.get(task_id, ""),
            f"{correlation:.2f}",
            f"{result.criticality[task_id]:.0%}",
        )
    console.print(drivers)


def forecast(
    file: Path = typer.Argument(..., help="A network in tandem's JSON format."),
    iterations: int = typer.Option(10_000, "--iterations", help="Simulated schedules."),
    seed: int = typer.Option(0, "--seed", help="The same seed gives the same forecast."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
) -> None:
    """Forecast finish dates with Monte Carlo over three-point estimates."""
    from tandem.core.risk import forecast as run_forecast
    from tandem.errors import DomainError

    project = read_project(file)
    try:
        result = run_forecast(project, iterations=iterations, seed=seed)
    except DomainError as error:
        fail(str(error))
    if output is OutputFormat.json:
        json.dump(as_json(result), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        _table(project, result)
