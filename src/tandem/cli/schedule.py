"""`tandem schedule FILE`: schedule a network file and print dates, floats and the critical path.

Needs no database and imports no Django, so it starts quickly.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from tandem.cli.errors import fail


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def read_project(path: Path) -> Any:
    """Read a network from JSON (tandem's format) or a PSPLIB .sm file."""
    from tandem.core.network import ProjectSpec
    from tandem.interop.network_json import NetworkFormatError, read_network
    from tandem.interop.psplib import PsplibFormatError, read_psplib

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except UnicodeDecodeError as error:
        fail(f"{path}: not UTF-8 text (byte {error.start})")
    except OSError as error:
        fail(f"{path}: {error.strerror}")
    suffix = path.suffix.lower()
    project: ProjectSpec
    try:
        if suffix == ".sm":
            project = read_psplib(text, str(path))
        elif suffix == ".json":
            project = read_network(text, str(path))
        else:
            fail(f"{path}: unknown file type {suffix or '(none)'}; use .json or a PSPLIB .sm file")
    except (NetworkFormatError, PsplibFormatError) as error:
        fail(str(error))
    return project


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def as_json(result: Any) -> dict[str, Any]:
    """The documented JSON shape of a schedule."""
    return {
        "start": _value(result.start),
        "finish": _value(result.finish),
        "tasks": {
            task_id: {key: _value(value) for key, value in row.as_dict().items()}
            for task_id, row in result.tasks.items()
        },
        "critical_path": result.critical_path,
    }


def _table(project: Any, result: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    names = {task.id: task for task in project.tasks}
    critical = result.critical_path
    rest = sorted(
        (tid for tid in result.tasks if tid not in set(critical)),
        key=lambda tid: (result.tasks[tid].early_start, tid),
    )
    table = Table(
        title=f"finish {_value(result.finish)} · critical path: {len(critical)} tasks",
        title_justify="left",
    )
    for column in (
        "task",
        "name",
        "duration",
        "early start",
        "early finish",
        "late start",
        "late finish",
        "total float",
        "free float",
        "",
    ):
        table.add_column(column, justify="right" if "float" in column else "left")
    for tid in [*critical, *rest]:
        row = result.tasks[tid]
        task = names[tid]
        mark = "critical" if row.critical else ""
        if row.deadline_missed:
            mark = (mark + " deadline missed").strip()
        table.add_row(
            tid,
            task.name,
            "" if row.summary else str(_value(task.duration)),
            *(
                str(_value(getattr(row, f)))
                for f in (
                    "early_start",
                    "early_finish",
                    "late_start",
                    "late_finish",
                    "total_float",
                    "free_float",
                )
            ),
            mark,
            style="bold red" if row.critical else None,
        )
    Console().print(table)


def _level(project: Any, output: OutputFormat, time_limit: float) -> None:
    """Level the network's resources and print starts, finishes and the bound proved."""
    from tandem.core.leveling import instance_of, level_best

    if project.start is not None:
        fail(
            '--level works on networks in plain units (without "start"); dated projects '
            "are levelled on their project page"
        )
    if time_limit <= 0:
        fail("--time-limit must be positive")
    inst = instance_of(project)
    result = level_best(inst, time_limit=time_limit)
    finish = result.start + inst.duration
    document = {
        "makespan": result.makespan,
        "lower_bound": result.lower_bound,
        "optimal": result.optimal,
        "tasks": {
            task_id: {"start": int(result.start[i]), "finish": int(finish[i])}
            for i, task_id in enumerate(inst.ids)
        },
    }
    if output is OutputFormat.json:
        json.dump(document, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    from rich.console import Console
    from rich.table import Table

    title = f"levelled makespan {result.makespan} · lower bound {result.lower_bound} · " + (
        "optimal" if result.optimal else f"within {result.makespan - result.lower_bound} of optimal"
    )
    table = Table(title=title, title_justify="left")
    for column in ("task", "start", "finish", "resources"):
        table.add_column(column)
    names = {task.id: task for task in project.tasks}
    for i in sorted(range(inst.size), key=lambda j: (int(result.start[j]), j)):
        task = names[inst.ids[i]]
        used = ", ".join(f"{r} {u:g}" for r, u in task.resources.items())
        table.add_row(inst.ids[i], str(int(result.start[i])), str(int(finish[i])), used)
    Console().print(table)


def schedule(
    file: Path = typer.Argument(..., help="A network: tandem JSON or a PSPLIB .sm file."),
    output: OutputFormat = typer.Option(OutputFormat.table, "--format", help="table or json."),
    level: bool = typer.Option(False, "--level", help="Level resources (resource-constrained)."),
    time_limit: float = typer.Option(10.0, "--time-limit", help="Seconds for --level to search."),
) -> None:
    """Schedule a network: early and late dates, floats and the critical path."""
    from tandem.core.network import schedule_project

    project = read_project(file)
    if level:
        _level(project, output, time_limit)
        return
    result = schedule_project(project)
    if output is OutputFormat.json:
        json.dump(as_json(result), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        _table(project, result)
