"""Lags count in the successor's calendar (MS Project) or, as P6 does by default, in the
predecessor's: the project chooses."""

from __future__ import annotations

from datetime import datetime

import pytest

from tandem.core.calendar import WorkCalendar
from tandem.core.network import LinkSpec, ProjectSpec, TaskSpec, schedule_project

MONDAY = datetime(2030, 1, 7, 8)
SEVEN_DAYS = WorkCalendar(name="7 days", week=(((480, 960),),) * 7)


def _plan(lag_calendar: str) -> dict[str, object]:
    # "pour" works every day, 08-16, for five days (Monday to Friday 16:00); the two-day lag
    # before "strip" (standard calendar, Monday to Friday) runs on one calendar or the other.
    tasks = [
        TaskSpec(id="pour", duration=5 * 480, calendar="7d"),
        TaskSpec(id="strip", duration=480),
    ]
    links = [LinkSpec("pour", "strip", lag=2 * 480)]
    spec = ProjectSpec(
        tasks=tasks,
        links=links,
        start=MONDAY,
        calendars={"7d": SEVEN_DAYS},
        lag_calendar=lag_calendar,
    )
    return dict(schedule_project(spec).tasks)


@pytest.mark.parametrize(
    ("lag_calendar", "strip_starts"),
    [
        # Friday's last hour, Monday, and Tuesday until 16:00 on the standard calendar.
        ("successor", datetime(2030, 1, 15, 16)),
        # Saturday and Sunday on the pour's seven-day calendar: Monday morning.
        ("predecessor", datetime(2030, 1, 14, 8)),
    ],
)
def test_a_lag_counts_in_the_calendar_the_project_chooses(
    lag_calendar: str, strip_starts: datetime
) -> None:
    result = _plan(lag_calendar)
    assert result["pour"].finish == datetime(2030, 1, 11, 16)  # type: ignore[attr-defined]
    assert result["strip"].start == strip_starts  # type: ignore[attr-defined]
    # The backward pass uses the same calendar: the link is exactly tight, so no float.
    assert result["pour"].total_float == 0  # type: ignore[attr-defined]


def _progressed(finished_work: str) -> dict[str, object]:
    # "survey" finished on Friday 16:00; the status date is Saturday 00:00. "report" has no
    # predecessor of its own; "drawings" follows "survey", which followed "permit".
    tasks = [
        TaskSpec(id="permit", duration=480, actual_start=datetime(2030, 1, 7, 8),
                 actual_finish=datetime(2030, 1, 7, 17)),
        TaskSpec(id="survey", duration=480, actual_start=datetime(2030, 1, 11, 8),
                 actual_finish=datetime(2030, 1, 11, 16)),
        TaskSpec(id="report", duration=480, calendar="7d",
                 actual_start=datetime(2030, 1, 11, 8), actual_finish=datetime(2030, 1, 11, 16)),
        TaskSpec(id="drawings", duration=480, calendar="7d"),
        TaskSpec(id="filing", duration=480, calendar="7d"),
        TaskSpec(id="planting", duration=480, calendar="7d"),
    ]  # fmt: skip
    links = [
        LinkSpec("permit", "survey"),
        LinkSpec("survey", "drawings"),
        LinkSpec("report", "filing"),
        # A lag that reaches past the status date still counts from the actual finish.
        LinkSpec("permit", "planting", lag=10 * 480),
    ]
    spec = ProjectSpec(
        tasks=tasks,
        links=links,
        start=MONDAY,
        calendars={"7d": SEVEN_DAYS},
        status_date=datetime(2030, 1, 12),
        finished_work=finished_work,
    )
    return dict(schedule_project(spec).tasks)


def test_finished_work_drives_its_successors_from_the_status_date_through_the_logic_as_p6() -> None:
    actual = _progressed("actual")
    # MS Project: unstarted work waits for the status date in its own (seven-day) calendar.
    assert actual["drawings"].start == datetime(2030, 1, 12, 8)  # type: ignore[attr-defined]
    assert actual["filing"].start == datetime(2030, 1, 12, 8)  # type: ignore[attr-defined]
    status = _progressed("status")
    # P6: "survey" had a predecessor, so its remaining early date is the next working start of
    # its own five-day calendar after the status date; "report" had none: the status date.
    assert status["drawings"].start == datetime(2030, 1, 14, 8)  # type: ignore[attr-defined]
    assert status["filing"].start == datetime(2030, 1, 12, 8)  # type: ignore[attr-defined]
    # Ten working days after the permit's actual finish, with either rule.
    assert status["planting"].start == actual["planting"].start  # type: ignore[attr-defined]
    # The finished tasks keep their actual dates.
    assert status["survey"].finish == datetime(2030, 1, 11, 16)  # type: ignore[attr-defined]
