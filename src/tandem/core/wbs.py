"""The work breakdown structure: outline numbers (1, 1.1, 1.2.3) and outline order from each
task's parent and position among its siblings."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outline:
    """A task's place in the outline."""

    number: str
    depth: int
    summary: bool


def _sibling_order(kid: tuple[int, Hashable]) -> tuple[int, int, Any, str]:
    """Position first, then id: numbers as numbers (9 before 10), anything else as text."""
    position, task_id = kid
    if isinstance(task_id, int):
        return (position, 0, task_id, "")
    return (position, 1, 0, str(task_id))


def outline(rows: Iterable[tuple[Hashable, Hashable | None, int]]) -> dict[Hashable, Outline]:
    """Outline numbers for (id, parent id or None, position) rows, in outline (preorder) order.

    Siblings are ordered by position, then id; a parent that is not among the rows counts as
    the top level.
    """
    rows = list(rows)
    known = {row[0] for row in rows}
    children: dict[Hashable | None, list[tuple[int, Hashable]]] = {}
    for task_id, parent, position in rows:
        key = parent if parent in known else None
        children.setdefault(key, []).append((position, task_id))
    result: dict[Hashable, Outline] = {}
    # Depth-first with an explicit stack: outlines can be deeper than Python's recursion limit.
    stack: list[tuple[Hashable | None, str, int]] = [(None, "", -1)]
    order: list[tuple[Hashable, str, int]] = []
    while stack:
        parent, prefix, depth = stack.pop()
        kids = sorted(children.get(parent, []), key=_sibling_order)
        numbered = [(kid_id, f"{prefix}{n}") for n, (_, kid_id) in enumerate(kids, start=1)]
        for kid_id, number in reversed(numbered):
            stack.append((kid_id, number + ".", depth + 1))
        if parent is not None:
            order.append((parent, prefix.rstrip("."), depth))
    for task_id, number, depth in order:
        result[task_id] = Outline(number=number, depth=depth, summary=task_id in children)
    return result
