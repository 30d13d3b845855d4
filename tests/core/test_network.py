"""Scheduling projects with ids: summaries, constraints, progress, calendars and lags."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tandem.core.calendar import WorkCalendar, parse_hours
from tandem.core.cpm import DependencyCycle, LinkType
from tandem.core.network import (
    ConstraintType,
    LagFormat,
    LinkSpec,
    ProjectScheduler,
    ProjectSpec,
    ResourceSpec,
    TaskSpec,
    schedule_project,
)
from tandem.errors import Invalid

C = ConstraintType
DAY = 480
MON = datetime(2027, 1, 4, 8, 0)


def plain(tasks: list[TaskSpec], links: list[LinkSpec] = (), **kw) -> dict:  # type: ignore[assignment,type-arg]
    return schedule_project(ProjectSpec(tasks=tasks, links=links, **kw)).tasks


def dated(tasks: list[TaskSpec], links: list[LinkSpec] = (), **kw):  # type: ignore[assignment,no-untyped-def]
    return schedule_project(ProjectSpec(tasks=tasks, links=links, start=MON, **kw))


def test_summary_tasks_roll_up_their_children_and_pass_links_to_them() -> None:
    tasks = [
        TaskSpec("prep", 2),
        TaskSpec("phase"),
        TaskSpec("a", 3, parent="phase"),
        TaskSpec("b", 5, parent="phase"),
        TaskSpec("after", 1),
    ]
    links = [LinkSpec("prep", "phase"), LinkSpec("a", "b"), LinkSpec("phase", "after")]
    result = plain(tasks, links)
    assert (result["a"].early_start, result["b"].early_finish) == (2, 10)
    assert (result["phase"].early_start, result["phase"].early_finish) == (2, 10)
    assert result["phase"].summary and not result["a"].summary
    assert result["after"].early_start == 10


def test_nested_summaries_roll_up_from_the_deepest() -> None:
    tasks = [TaskSpec("top"), TaskSpec("mid", parent="top"), TaskSpec("x", 4, parent="mid"),
             TaskSpec("y", 6, parent="top")]  # fmt: skip
    result = plain(tasks, [LinkSpec("x", "y")])
    assert (result["mid"].early_start, result["mid"].early_finish) == (0, 4)
    assert (result["top"].early_start, result["top"].early_finish) == (0, 10)


@pytest.mark.parametrize(
    ("constraint", "when", "start", "total_float"),
    [
        (C.SNET, 5, 5, 0),  # pushed to day 5; now it drives the finish
        (C.FNET, 9, 6, 0),  # finish no earlier than 9 with duration 3
        (C.SNLT, 1, 2, -1),  # logic says 2, the constraint 1: a day of negative float
        (C.FNLT, 4, 2, -1),
        (C.MSO, 7, 7, 0),  # must start on 7 even though logic allows 2
        (C.MFO, 4, 1, 0),  # must finish on 4: starts at 1, before its predecessor finishes
    ],
)
def test_date_constraints(constraint: C, when: int, start: int, total_float: int) -> None:
    # a(2) -> c(3) with the constraint on c; b(10) runs alongside and makes the finish 10.
    tasks = [
        TaskSpec("a", 2),
        TaskSpec("b", 10),
        TaskSpec("c", 3, constraint=constraint, constraint_date=when),
    ]
    result = plain(tasks, [LinkSpec("a", "c")])
    assert result["c"].early_start == start
    if constraint in (C.SNLT, C.FNLT):
        assert result["c"].total_float == total_float
        assert result["a"].total_float == total_float  # the predecessor shares the squeeze


def test_must_finish_on_before_a_predecessor_gives_the_predecessor_negative_float() -> None:
    tasks = [TaskSpec("a", 2), TaskSpec("c", 3, constraint=C.MFO, constraint_date=4)]
    result = plain(tasks, [LinkSpec("a", "c")])
    assert result["a"].total_float == -1


def test_as_late_as_possible_uses_free_float_without_moving_successors() -> None:
    tasks = [TaskSpec("long", 10), TaskSpec("short", 2, constraint=C.ALAP), TaskSpec("end", 1)]
    result = plain(tasks, [LinkSpec("long", "end"), LinkSpec("short", "end")])
    assert (result["short"].early_start, result["short"].start, result["short"].finish) == (
        0,
        8,
        10,
    )
    assert result["end"].start == 10


def test_a_missed_task_deadline_is_flagged_and_the_task_does_not_move() -> None:
    result = plain([TaskSpec("a", 5), TaskSpec("b", 4, deadline=7)], [LinkSpec("a", "b")])
    assert result["b"].early_start == 5 and result["b"].deadline_missed
    assert result["b"].total_float == -2


def test_project_deadline_sets_the_late_dates() -> None:
    schedule = schedule_project(ProjectSpec([TaskSpec("a", 5)], deadline=8))
    assert schedule.tasks["a"].late_finish == 8 and schedule.tasks["a"].total_float == 3


def test_percent_and_elapsed_lags() -> None:
    tasks = [TaskSpec("a", 2 * DAY), TaskSpec("b", DAY), TaskSpec("c", DAY)]
    links = [
        LinkSpec("a", "b", LinkType.SS, 50, LagFormat.PERCENT),  # half of a's two days
        LinkSpec("a", "c", LinkType.FS, 2 * 24 * 60, LagFormat.ELAPSED),  # two calendar days
    ]
    result = dated(tasks, links).tasks
    assert result["b"].early_start == datetime(2027, 1, 5, 8, 0)
    # a finishes Tue 17:00; two elapsed days is Thu 17:00; c starts Fri 08:00.
    assert result["c"].early_start == datetime(2027, 1, 8, 8, 0)


def test_calendar_dates_follow_ms_project_conventions() -> None:
    tasks = [TaskSpec("a", DAY), TaskSpec("m", 0), TaskSpec("b", DAY)]
    result = dated(tasks, [LinkSpec("a", "m"), LinkSpec("m", "b")]).tasks
    # A one-day task ends at 17:00; a milestone after it sits at 17:00 the same day;
    # the next task starts at 08:00 the next working day.
    assert result["a"].early_finish == datetime(2027, 1, 4, 17, 0)
    assert result["m"].early_start == datetime(2027, 1, 4, 17, 0)
    assert result["b"].early_start == datetime(2027, 1, 5, 8, 0)


def test_a_task_on_a_resource_calendar_uses_that_calendar() -> None:
    nights = WorkCalendar(name="Nights", week=(parse_hours([["18:00", "22:00"]]),) * 5 + ((), ()))
    tasks = [TaskSpec("a", 480, resources={"ops": 1})]
    project = ProjectSpec(
        tasks, start=MON, calendars={"nights": nights},
        resources=[ResourceSpec("ops", calendar="nights")],
    )  # fmt: skip
    result = schedule_project(project).tasks["a"]
    assert (result.early_start, result.early_finish) == (
        datetime(2027, 1, 4, 18, 0),
        datetime(2027, 1, 5, 22, 0),
    )


def test_holidays_in_the_project_calendar_move_work() -> None:
    calendar = WorkCalendar(exceptions={date(2027, 1, 5): ()})
    result = dated([TaskSpec("a", 2 * DAY)], calendar=calendar).tasks["a"]
    assert result.early_finish == datetime(2027, 1, 6, 17, 0)


def test_finished_work_keeps_its_dates_and_remaining_work_runs_from_the_status_date() -> None:
    tasks = [
        TaskSpec("done", 2 * DAY, actual_start=MON, actual_finish=datetime(2027, 1, 6, 17, 0)),
        TaskSpec("doing", 4 * DAY, actual_start=datetime(2027, 1, 7, 8, 0), percent_complete=25),
        TaskSpec("todo", DAY),
    ]
    links = [LinkSpec("done", "doing"), LinkSpec("doing", "todo")]
    result = dated(tasks, links, status_date=datetime(2027, 1, 11, 8, 0)).tasks
    assert result["done"].early_finish == datetime(2027, 1, 6, 17, 0)  # took three days
    assert result["doing"].early_start == datetime(2027, 1, 7, 8, 0)
    # 75 % of four days is three days from the status date (Mon 11th): Wed 13th 17:00.
    assert result["doing"].early_finish == datetime(2027, 1, 13, 17, 0)
    assert result["todo"].early_start == datetime(2027, 1, 14, 8, 0)


def test_unstarted_work_is_not_scheduled_before_the_status_date() -> None:
    result = dated([TaskSpec("a", DAY)], status_date=datetime(2027, 1, 6, 8, 0)).tasks["a"]
    assert result.early_start == datetime(2027, 1, 6, 8, 0)


def test_long_projects_span_years_of_working_days() -> None:
    tasks = [TaskSpec(str(i), 20 * DAY) for i in range(30)]
    links = [LinkSpec(str(i), str(i + 1)) for i in range(29)]
    result = dated(tasks, links)
    assert result.finish == datetime(2029, 4, 20, 17, 0)  # 600 working days later


def test_dates_far_beyond_the_estimated_horizon_grow_the_calendar_tables() -> None:
    later = datetime(2031, 6, 2, 8, 0)
    tasks = [TaskSpec("a", DAY, constraint=C.SNET, constraint_date=later), TaskSpec("b", DAY)]
    result = dated(tasks, [LinkSpec("a", "b")])
    assert result.tasks["b"].early_finish == datetime(2031, 6, 3, 17, 0)


def test_incremental_duration_change_matches_a_fresh_schedule() -> None:
    tasks = [TaskSpec(str(i), 3) for i in range(50)]
    links = [LinkSpec(str(i), str(i + 1)) for i in range(49)]
    scheduler = ProjectScheduler(ProjectSpec(tasks, links))
    assert scheduler.schedule().finish == 150
    scheduler.set_duration("10", 13)
    assert scheduler.schedule().finish == 160


@pytest.mark.parametrize(
    ("tasks", "links", "message"),
    [
        ([TaskSpec("a"), TaskSpec("a")], [], "appears twice"),
        ([TaskSpec("a", parent="x")], [], "parent 'x' does not exist"),
        ([TaskSpec("a", parent="b"), TaskSpec("b", parent="a")], [], "nested inside itself"),
        ([TaskSpec("a")], [LinkSpec("a", "zz")], "unknown task 'zz'"),
        ([TaskSpec("a")], [LinkSpec("a", "a")], "linked to itself"),
        ([TaskSpec("a", -1)], [], "negative duration"),
        ([TaskSpec("a", 1, constraint=C.MSO)], [], "needs a date"),
    ],
)
def test_bad_projects_are_refused_with_the_task_named(tasks, links, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match=message):
        plain(tasks, links)


def test_a_cycle_through_a_summary_is_refused() -> None:
    tasks = [TaskSpec("phase"), TaskSpec("a", 1, parent="phase"), TaskSpec("b", 1)]
    with pytest.raises(DependencyCycle) as refusal:
        plain(tasks, [LinkSpec("phase", "b"), LinkSpec("b", "a")])
    assert "b" in refusal.value.cycle


def test_updating_one_task_in_place_matches_scheduling_from_scratch() -> None:
    tasks = [TaskSpec("a", 5), TaskSpec("b", 3), TaskSpec("c", 4), TaskSpec("d", 2)]
    links = [LinkSpec("a", "b"), LinkSpec("a", "c"), LinkSpec("b", "d"), LinkSpec("c", "d")]
    scheduler = ProjectScheduler(ProjectSpec(tasks, links))
    scheduler.schedule()
    edited = TaskSpec("c", 4, constraint=C.SNET, constraint_date=9, deadline=12)
    assert scheduler.update_task(edited)
    again = scheduler.schedule()
    fresh = schedule_project(ProjectSpec([*tasks[:2], edited, tasks[3]], links))
    assert {k: v.as_dict() for k, v in again.tasks.items()} == {
        k: v.as_dict() for k, v in fresh.tasks.items()
    }
    assert again.tasks["c"].early_start == 9 and again.tasks["d"].deadline_missed is False
    # Taking the constraint away again restores the plain dates.
    assert scheduler.update_task(TaskSpec("c", 4))
    assert scheduler.schedule().tasks["c"].early_start == 5


def test_a_structural_change_is_not_applied_in_place() -> None:
    scheduler = ProjectScheduler(ProjectSpec([TaskSpec("p"), TaskSpec("a", 1, parent="p")]))
    assert not scheduler.update_task(TaskSpec("a", 1))  # the parent changed
    assert not scheduler.update_task(TaskSpec("zz", 1))  # not in the project
    assert scheduler.project.tasks[1].parent == "p"


def test_changed_lists_only_the_tasks_that_moved() -> None:
    tasks = [TaskSpec("a", 5), TaskSpec("b", 3), TaskSpec("x", 1)]
    scheduler = ProjectScheduler(ProjectSpec(tasks, [LinkSpec("a", "b")]))
    before = scheduler.schedule()
    scheduler.set_duration("a", 6)
    after = scheduler.schedule()
    assert sorted(after.changed(before)) == ["a", "b", "x"]  # x's float grew with the finish
    assert after.changed(after) == []
    assert after.changed(None) == ["a", "b", "x"]


def test_finished_work_is_never_critical() -> None:
    tasks = [
        TaskSpec("done", DAY, actual_start=MON, actual_finish=datetime(2027, 1, 4, 17, 0)),
        TaskSpec("next", DAY),
    ]
    result = dated(tasks, [LinkSpec("done", "next")]).tasks
    assert result["done"].total_float == 0 and not result["done"].critical
    assert result["next"].critical
