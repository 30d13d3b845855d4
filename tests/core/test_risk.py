"""Monte Carlo forecasts: fixed estimates give the critical-path dates, seeds repeat exactly,
the sampled distributions have the right moments, criticality and deadlines add up."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.core.calendar import WorkCalendar
from tandem.core.cpm import LinkType
from tandem.core.network import (
    ConstraintType,
    LagFormat,
    LinkSpec,
    ProjectSpec,
    TaskSpec,
    schedule_project,
)
from tandem.core.risk import forecast, pert_table
from tandem.errors import Invalid

MON = datetime(2027, 1, 4, 8, 0)
DAY = 480
CLOCK = [(8, 0), (12, 0), (13, 0), (17, 0), (20, 0), (10, 30)]


@st.composite
def fixed_networks(draw: st.DrawFn) -> ProjectSpec:
    """Acyclic networks (links only forward in creation order) with all link types, lags,
    milestones, a summary and some constraints; estimates all equal to the duration."""
    n = draw(st.integers(1, 10))
    # Without elapsed lags the simulation runs in working minutes and converts back.
    formats = [LagFormat.WORKING, LagFormat.ELAPSED] if draw(st.booleans()) else [LagFormat.WORKING]
    tasks = [TaskSpec("phase")]
    for i in range(n):
        d = float(draw(st.integers(0, 5)) * 60)
        constraint = draw(st.sampled_from([ConstraintType.ASAP, ConstraintType.SNET]))
        tasks.append(
            TaskSpec(
                f"t{i}",
                duration=d,
                parent="phase" if draw(st.booleans()) else None,
                optimistic=d,
                most_likely=d,
                pessimistic=d,
                constraint=constraint,
                constraint_date=None
                if constraint is ConstraintType.ASAP
                # Dates at the day's or lunch's boundaries, in the evening and on Saturday.
                else datetime(2027, 1, 4 + draw(st.integers(0, 5)), *draw(st.sampled_from(CLOCK))),
            )
        )
    links = []
    for j in range(1, n):
        for i in draw(st.sets(st.integers(0, j - 1), max_size=2)):
            links.append(
                LinkSpec(
                    f"t{i}",
                    f"t{j}",
                    type=draw(st.sampled_from(list(LinkType))),
                    lag=float(draw(st.integers(-120, 240))),
                    lag_format=draw(st.sampled_from(formats)),
                )
            )
    return ProjectSpec(tasks=tasks, links=links, start=MON, calendar=WorkCalendar())


@settings(max_examples=150, deadline=None)
@given(fixed_networks())
def test_fixed_estimates_reproduce_the_critical_path_dates_exactly(project: ProjectSpec) -> None:
    schedule = schedule_project(project)
    result = forecast(project, iterations=50, seed=3)
    assert result.finish.p50 == result.finish.p95 == schedule.finish
    assert result.finish.mean == schedule.finish
    for task_id, row in result.milestones.items():
        assert row.p50 == row.p80 == schedule.tasks[task_id].early_finish
    # Each task is critical in every iteration or in none, as the deterministic schedule says.
    for task_id, share in result.criticality.items():
        assert share == (1.0 if schedule.tasks[task_id].critical else 0.0), task_id


def test_started_work_with_fixed_estimates_keeps_the_status_date_schedule() -> None:
    tasks = [
        TaskSpec("a", 10, optimistic=10, most_likely=10, pessimistic=10, percent_complete=40,
                 actual_start=0),
        TaskSpec("b", 5, optimistic=5, most_likely=5, pessimistic=5),
    ]  # fmt: skip
    project = ProjectSpec(tasks=tasks, links=[LinkSpec("a", "b")], status_date=7)
    schedule = schedule_project(project)
    result = forecast(project, iterations=20)
    assert result.finish.p50 == schedule.finish == 7 + 6 + 5


def three_point(distribution: str = "triangular", **overrides: float) -> ProjectSpec:
    values = {"optimistic": 2.0, "most_likely": 4.0, "pessimistic": 12.0} | overrides
    task = TaskSpec("a", values["most_likely"], distribution=distribution, **values)
    return ProjectSpec(tasks=[task])


def test_the_same_seed_gives_the_same_forecast_and_another_seed_another() -> None:
    project = three_point()
    first, again = forecast(project, 2000, seed=11), forecast(project, 2000, seed=11)
    assert first == again
    assert forecast(project, 2000, seed=12).finish != first.finish


def test_triangular_durations_have_the_triangular_mean_and_median() -> None:
    result = forecast(three_point(), iterations=200_000, seed=1)
    a, m, b = 2.0, 4.0, 12.0
    assert result.finish.mean == pytest.approx((a + m + b) / 3, abs=0.02)
    # The median of a triangular distribution with the mode left of centre.
    median = b - np.sqrt((b - a) * (b - m) / 2)
    assert result.finish.p50 == pytest.approx(median, abs=0.03)


def test_pert_durations_have_the_pert_mean() -> None:
    result = forecast(three_point("pert"), iterations=200_000, seed=2)
    assert result.finish.mean == pytest.approx((2 + 4 * 4 + 12) / 6, abs=0.02)


def test_the_pert_table_inverts_the_beta_distribution() -> None:
    table = pert_table(0.25)
    assert table[0] == 0.0 and table[-1] == pytest.approx(1.0)
    assert np.all(np.diff(table) >= 0)
    # Beta(2, 4): mean 1/3, so the table averaged over probabilities is close to it.
    assert table.mean() == pytest.approx(1 / 3, abs=0.002)


def test_probability_of_meeting_a_deadline_follows_the_distribution() -> None:
    # Triangular(0, 10, 10) finishing by 5 has probability (5/10)^2 = 0.25.
    task = TaskSpec("a", 10, optimistic=0, most_likely=10, pessimistic=10, deadline=5)
    result = forecast(ProjectSpec(tasks=[task], deadline=5), iterations=100_000, seed=5)
    assert result.deadlines["a"] == pytest.approx(0.25, abs=0.01)
    assert result.deadlines["project"] == result.deadlines["a"]


def test_criticality_splits_between_two_equal_parallel_paths() -> None:
    tasks = [
        TaskSpec("left", 5, optimistic=3, most_likely=5, pessimistic=7),
        TaskSpec("right", 5, optimistic=3, most_likely=5, pessimistic=7),
        TaskSpec("short", 1, optimistic=1, most_likely=1, pessimistic=2),
        TaskSpec("end", 0),
    ]
    links = [LinkSpec("left", "end"), LinkSpec("right", "end"), LinkSpec("short", "end")]
    result = forecast(ProjectSpec(tasks=tasks, links=links), iterations=20_000, seed=7)
    assert result.criticality["left"] == pytest.approx(0.5, abs=0.02)
    assert result.criticality["left"] + result.criticality["right"] == pytest.approx(1, abs=1e-3)
    assert result.criticality["short"] == 0.0
    assert result.criticality["end"] == 1.0


def test_the_widest_estimate_on_the_path_drives_the_spread_most() -> None:
    tasks = [
        TaskSpec("narrow", 5, optimistic=4, most_likely=5, pessimistic=6),
        TaskSpec("wide", 5, optimistic=2, most_likely=5, pessimistic=20),
        TaskSpec("off-path", 1, optimistic=0, most_likely=1, pessimistic=2),
    ]
    links = [LinkSpec("narrow", "wide")]
    result = forecast(ProjectSpec(tasks=tasks, links=links), iterations=5000)
    assert [task for task, _ in result.sensitivity][:2] == ["wide", "narrow"]
    assert "off-path" not in dict(result.sensitivity)


def test_histogram_counts_every_iteration() -> None:
    result = forecast(three_point(), iterations=3000)
    starts, counts = result.histogram
    assert sum(counts) == 3000
    assert starts == sorted(starts) and starts[0] >= 2.0


def test_dated_projects_forecast_in_working_time() -> None:
    task = TaskSpec("a", 2 * DAY, optimistic=DAY, most_likely=2 * DAY, pessimistic=4 * DAY)
    project = ProjectSpec(tasks=[task], start=MON, calendar=WorkCalendar())
    result = forecast(project, iterations=1000)
    assert MON < result.finish.p50 < result.finish.p95 <= datetime(2027, 1, 7, 17, 0)
    # Working time only: every percentile falls within working hours on a weekday.
    for moment in (result.finish.p50, result.finish.p80, result.finish.p95):
        assert moment.weekday() < 5 and 8 <= moment.hour <= 17


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"optimistic": 5.0}, "optimistic ≤ most likely"),
        ({"pessimistic": 3.0}, "most likely ≤ pessimistic"),
    ],
)
def test_estimates_out_of_order_are_refused(overrides: dict[str, float], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        forecast(three_point(**overrides), iterations=10)


def test_a_partial_estimate_and_an_unknown_distribution_are_refused() -> None:
    partial = ProjectSpec(tasks=[TaskSpec("a", 3, optimistic=1)])
    with pytest.raises(Invalid, match="together"):
        forecast(partial, iterations=10)
    with pytest.raises(Invalid, match="triangular or pert"):
        forecast(three_point("lognormal"), iterations=10)
    with pytest.raises(Invalid, match="iterations"):
        forecast(three_point(), iterations=0)


def test_a_milestone_held_to_a_morning_keeps_its_morning_not_the_evening_before() -> None:
    # Tuesday 08:00 and Monday 17:00 are the same working minute; the plan says 08:00.
    tasks = [
        TaskSpec("build", DAY, optimistic=DAY, most_likely=DAY, pessimistic=DAY),
        TaskSpec("gate", 0, constraint=ConstraintType.SNET,
                 constraint_date=datetime(2027, 1, 5, 8, 0)),
        TaskSpec("review", 0),
    ]  # fmt: skip
    links = [LinkSpec("build", "review"), LinkSpec("gate", "review", type=LinkType.SS)]
    project = ProjectSpec(tasks=tasks, links=links, start=MON, calendar=WorkCalendar())
    result = forecast(project, iterations=10)
    assert result.milestones["gate"].p50 == datetime(2027, 1, 5, 8, 0)
    assert result.milestones["review"].p50 == datetime(2027, 1, 5, 8, 0)
    assert result.finish.p95 == schedule_project(project).finish == datetime(2027, 1, 5, 8, 0)


def test_a_milestone_started_with_a_task_after_a_break_keeps_that_morning() -> None:
    # "second" starts Tuesday 08:00, the working minute Monday 17:00 ends; the milestone tied
    # to its start (start-to-start, no lag) is at 08:00 Tuesday in every iteration.
    tasks = [
        TaskSpec("first", DAY, optimistic=DAY, most_likely=DAY, pessimistic=DAY),
        TaskSpec("second", DAY, optimistic=DAY / 2, most_likely=DAY, pessimistic=2 * DAY),
        TaskSpec("kickoff", 0),
    ]
    links = [LinkSpec("first", "second"), LinkSpec("second", "kickoff", type=LinkType.SS)]
    project = ProjectSpec(tasks=tasks, links=links, start=MON, calendar=WorkCalendar())
    result = forecast(project, iterations=50)
    kickoff = result.milestones["kickoff"]
    assert kickoff.p50 == kickoff.p95 == datetime(2027, 1, 5, 8, 0)
    assert schedule_project(project).tasks["kickoff"].start == datetime(2027, 1, 5, 8, 0)
