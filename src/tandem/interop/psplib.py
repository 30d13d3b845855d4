"""PSPLIB single-mode .sm files (RCPSP instances) read into a ProjectSpec.

Jobs become tasks with their job numbers as ids, precedences finish-to-start links with no lag,
renewable resources resources with their capacities (see ../shared/data/psplib/README.md).
"""

from __future__ import annotations

import re

from tandem.core.network import LinkSpec, ProjectSpec, ResourceSpec, TaskSpec


class PsplibFormatError(ValueError):
    """The file is not a PSPLIB .sm file; the message names the line."""


def read_psplib(text: str, source: str = "instance.sm") -> ProjectSpec:
    """Parse a single-mode PSPLIB instance."""
    lines = text.splitlines()

    def fail(n: int, message: str) -> PsplibFormatError:
        return PsplibFormatError(f"{source}:{n + 1}: {message}")

    def section(title: str) -> int:
        for n, line in enumerate(lines):
            if line.strip().upper().startswith(title):
                return n
        raise PsplibFormatError(f"{source}: no {title} section (not a PSPLIB .sm file)")

    def ints(n: int) -> list[int]:
        try:
            return [int(x) for x in lines[n].split()]
        except ValueError:
            raise fail(n, f"expected whole numbers, got {lines[n].strip()!r}") from None

    jobs = None
    for line in lines:
        match = re.match(r"\s*jobs \(incl\. supersource/sink \)\s*:\s*(\d+)", line)
        if match:
            jobs = int(match.group(1))
            break
    if jobs is None:
        raise PsplibFormatError(
            f"{source}: not a PSPLIB .sm file (no 'jobs (incl. supersource/sink )' line)"
        )

    precedence = section("PRECEDENCE RELATIONS") + 2
    links: list[LinkSpec] = []
    for offset in range(jobs):
        n = precedence + offset
        if n >= len(lines):
            raise fail(n - 1, f"expected {jobs} precedence rows")
        row = ints(n)
        if len(row) < 3 or row[0] != offset + 1 or len(row) != 3 + row[2]:
            raise fail(n, "a precedence row is: job, modes, count of successors, successors")
        for succ in row[3:]:
            if not 1 <= succ <= jobs:
                raise fail(n, f"successor {succ} is not a job of this instance")
            links.append(LinkSpec(pred=str(row[0]), succ=str(succ)))

    requests = section("REQUESTS/DURATIONS")
    header = lines[requests + 1].split()
    resource_names = [
        f"{header[i]}{header[i + 1]}"
        for i in range(len(header) - 1)
        if header[i] in ("R", "N", "D")
    ]
    tasks: list[TaskSpec] = []
    first = requests + 3  # title, column names, a line of dashes
    for offset in range(jobs):
        n = first + offset
        if n >= len(lines):
            raise fail(n - 1, f"expected {jobs} request rows")
        row = ints(n)
        if len(row) != 3 + len(resource_names) or row[0] != offset + 1:
            raise fail(n, "a request row is: job, mode, duration, one demand per resource")
        demands = {
            name: float(units)
            for name, units in zip(resource_names, row[3:], strict=True)
            if units and name.startswith("R")
        }
        tasks.append(TaskSpec(id=str(row[0]), duration=float(row[2]), resources=demands))

    availability = section("RESOURCEAVAILABILITIES") + 2
    capacities = ints(availability)
    if len(capacities) != len(resource_names):
        raise fail(availability, "expected one capacity per resource")
    resources = [
        ResourceSpec(id=name, capacity=float(cap))
        for name, cap in zip(resource_names, capacities, strict=True)
        if name.startswith("R")
    ]
    return ProjectSpec(tasks=tasks, links=links, resources=resources)
