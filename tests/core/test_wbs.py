"""Outline numbers of the work breakdown: nesting, sibling order, orphans and deep outlines."""

from __future__ import annotations

from tandem.core.wbs import Outline, outline


def numbers(rows: list[tuple[object, object, int]]) -> dict[object, str]:
    return {task: place.number for task, place in outline(rows).items()}


def test_top_level_tasks_are_numbered_by_position() -> None:
    assert numbers([("c", None, 2), ("a", None, 0), ("b", None, 1)]) == {
        "a": "1",
        "b": "2",
        "c": "3",
    }


def test_subtasks_extend_their_parents_number() -> None:
    rows = [
        ("phase", None, 0),
        ("design", "phase", 0),
        ("build", "phase", 1),
        ("api", "build", 0),
        ("ui", "build", 1),
        ("launch", None, 1),
    ]
    assert numbers(rows) == {
        "phase": "1",
        "design": "1.1",
        "build": "1.2",
        "api": "1.2.1",
        "ui": "1.2.2",
        "launch": "2",
    }


def test_the_outline_is_in_preorder() -> None:
    rows = [("b", None, 1), ("a2", "a", 1), ("a", None, 0), ("a1", "a", 0)]
    assert list(outline(rows)) == ["a", "a1", "a2", "b"]


def test_depth_and_summary_are_known_for_each_task() -> None:
    result = outline([(1, None, 0), (2, 1, 0), (3, 2, 0)])
    assert result == {
        1: Outline(number="1", depth=0, summary=True),
        2: Outline(number="1.1", depth=1, summary=True),
        3: Outline(number="1.1.1", depth=2, summary=False),
    }


def test_positions_need_not_be_consecutive() -> None:
    assert numbers([(1, None, 40), (2, None, 7), (3, 2, 99)]) == {2: "1", 3: "1.1", 1: "2"}


def test_a_task_whose_parent_is_missing_is_at_the_top_level() -> None:
    rows = [(1, None, 0), (2, 999, 0), (3, 2, 0)]
    assert numbers(rows) == {1: "1", 2: "2", 3: "2.1"}


def test_siblings_at_the_same_position_follow_their_ids() -> None:
    # BUG: src/tandem/core/wbs.py outline breaks ties by str(id), so id 10 sorts before id 9
    # while the database orders the same rows by (position, id) numerically.
    assert list(outline([(10, None, 0), (9, None, 0), (11, None, 0)])) == [9, 10, 11]


def test_an_empty_breakdown_has_no_numbers() -> None:
    assert outline([]) == {}


def test_a_very_deep_outline_is_numbered_without_recursion() -> None:
    depth = 3000  # three times Python's default recursion limit
    rows = [(0, None, 0)] + [(n, n - 1, 0) for n in range(1, depth)]
    result = outline(rows)
    deepest = result[depth - 1]
    assert deepest.depth == depth - 1
    assert deepest.number == ".".join(["1"] * depth)
    assert not deepest.summary
    assert list(result) == list(range(depth))


def test_a_wide_outline_numbers_every_sibling() -> None:
    rows = [("root", None, 0)] + [(n, "root", n) for n in range(1, 1001)]
    result = outline(rows)
    assert result[1000].number == "1.1000"
    assert len(result) == 1001
