"""As late as possible: held by successors only (not by the summary around the task), measured
across calendars, and a milestone sits at the start of the successor that holds it."""

from __future__ import annotations

from datetime import datetime

from tandem.core.calendar import WorkCalendar
from tandem.core.network import (
    ConstraintType,
    LinkSpec,
    ProjectSpec,
    TaskSpec,
    schedule_project,
)

MONDAY = datetime(2030, 1, 7, 8)
SEVEN_DAYS = WorkCalendar(name="7 days", week=(((480, 960),),) * 7)


def test_an_alap_task_is_not_held_back_by_its_summary_and_the_summary_follows_it() -> None:
    tasks = [
        TaskSpec(id="phase"),
        TaskSpec(id="late", parent="phase", duration=480, constraint=ConstraintType.ALAP),
        TaskSpec(id="early", parent="phase", duration=480),
        TaskSpec(id="after", duration=480, constraint=ConstraintType.SNET,
                 constraint_date=datetime(2030, 1, 14, 8)),
    ]  # fmt: skip
    result = schedule_project(
        ProjectSpec(tasks=tasks, links=[LinkSpec("late", "after")], start=MONDAY)
    ).tasks
    assert result["late"].start == datetime(2030, 1, 11, 8)  # the Friday before "after"
    assert result["late"].finish == datetime(2030, 1, 11, 17)
    assert result["phase"].finish == datetime(2030, 1, 11, 17)


def test_alap_slack_is_measured_in_each_calendar_so_no_successor_is_overtaken() -> None:
    # The milestone works Monday to Friday; its successor every day. Its room, counted in the
    # successor's calendar, holds more working minutes than the milestone's own calendar has.
    tasks = [
        TaskSpec(id="gate", constraint=ConstraintType.ALAP),
        TaskSpec(id="survey", duration=480, calendar="7d", constraint=ConstraintType.SNET,
                 constraint_date=datetime(2030, 3, 4, 8)),
        TaskSpec(id="end", duration=480, constraint=ConstraintType.SNET,
                 constraint_date=datetime(2030, 6, 3, 8)),
    ]  # fmt: skip
    links = [LinkSpec("gate", "survey"), LinkSpec("gate", "end")]
    result = schedule_project(
        ProjectSpec(tasks=tasks, links=links, start=MONDAY, calendars={"7d": SEVEN_DAYS})
    ).tasks
    assert result["gate"].start <= result["survey"].start
    assert result["gate"].start == datetime(2030, 3, 4, 8)  # at the start that holds it


def test_a_start_milestone_shows_at_the_next_working_start_a_finish_milestone_where_it_falls() -> (
    None
):
    tasks = [
        TaskSpec(id="work", duration=480),
        TaskSpec(id="start", milestone_at="start"),
        TaskSpec(id="finish", milestone_at="finish"),
        TaskSpec(id="plain"),
        TaskSpec(id="late", milestone_at="finish", constraint=ConstraintType.ALAP),
        TaskSpec(id="next", duration=480),
    ]
    links = [LinkSpec("work", m) for m in ("start", "finish", "plain", "late")]
    links += [LinkSpec("late", "next"), LinkSpec("work", "next", lag=480)]
    result = schedule_project(ProjectSpec(tasks=tasks, links=links, start=MONDAY)).tasks
    assert result["work"].finish == datetime(2030, 1, 7, 17)
    assert result["start"].start == result["start"].finish == datetime(2030, 1, 8, 8)
    assert result["finish"].start == datetime(2030, 1, 7, 17)
    assert result["plain"].start == datetime(2030, 1, 7, 17)
    # As late as possible before "next" (Wednesday 08:00): the end of Tuesday.
    assert result["next"].start == datetime(2030, 1, 9, 8)
    assert result["late"].start == datetime(2030, 1, 8, 17)
