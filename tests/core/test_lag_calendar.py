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
