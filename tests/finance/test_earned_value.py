"""Earned value of a project: planned value from the baseline over working days, earned value
by each task's rule, actual cost from time and expenses, figures that obey their definitions,
and the S-curve."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tandem.errors import NotFound
from tandem.finance import services
from tandem.finance.queries import earned_value_of, earned_value_report
from tandem.projects import services_tasks
from tests.conftest import owner_of
from tests.finance.conftest import RATE, Costed

BUDGET = 40 * RATE  # each task: five days of eight hours at the rate


def progress(costed: Costed, build: int, test: int, rule: str = "percent") -> None:
    owner = owner_of(costed.project.organisation)
    for task, percent in ((costed.build, build), (costed.test, test)):
        task.refresh_from_db()
        services_tasks.update_task(
            owner, task.pk, version=task.version, percent_complete=percent, earning_rule=rule
        )


def book(costed: Costed, task_hours: dict[str, float]) -> None:
    for name, hours in task_hours.items():
        task = getattr(costed, name)
        left, day = round(hours * 60), costed.start
        while left:
            minutes = min(left, 600)
            services.record_time(costed.developer, task.pk, worked_on=day, minutes=minutes)
            left -= minutes
            day += timedelta(days=1)


def test_figures_on_the_status_date_match_a_hand_calculation(costed: Costed) -> None:
    progress(costed, 100, 20)
    book(costed, {"build": 48, "test": 8})
    # Six working days in: Build done as planned, Test one day of five.
    as_of = costed.start + timedelta(days=7)
    value = earned_value_of(costed.project, as_of)
    f = value.figures
    assert f.bac == 2 * BUDGET
    assert f.pv == pytest.approx(BUDGET * 1.2)
    assert f.ev == pytest.approx(BUDGET * 1.2)
    assert f.ac == 56 * RATE
    assert f.spi == pytest.approx(1.0)
    assert f.cpi == pytest.approx(BUDGET * 1.2 / (56 * RATE))
    assert f.eac_cpi == pytest.approx(f.bac / f.cpi)  # type: ignore[operator]
    assert f.cv == pytest.approx(f.ev - f.ac)
    assert f.spi_t == pytest.approx(1.0, abs=1e-6)
    assert value.baseline is not None and value.baseline.name == "Approved"
    assert value.planned_finish == costed.start + timedelta(days=11)  # Friday of week two
    assert value.forecast_finish == value.planned_finish


@pytest.mark.parametrize(("rule", "earned"), [("0/100", 1.0), ("50/50", 1.5), ("percent", 1.2)])
def test_each_earning_rule_earns_its_share(costed: Costed, rule: str, earned: float) -> None:
    progress(costed, 100, 20, rule)
    f = earned_value_of(costed.project, costed.start + timedelta(days=7)).figures
    assert f.ev == pytest.approx(BUDGET * earned)


def test_planned_value_follows_the_baseline_not_the_current_plan(costed: Costed) -> None:
    owner = owner_of(costed.project.organisation)
    build = costed.build
    # The plan slips a week after the baseline; planned value does not move with it.
    services_tasks.update_task(
        owner, build.pk, version=build.version, constraint_type="SNET",
        constraint_date=costed.start + timedelta(days=7),
    )  # fmt: skip
    f = earned_value_of(costed.project, costed.start + timedelta(days=4)).figures
    assert f.pv == pytest.approx(BUDGET)
    assert f.ev == 0 and f.spi == 0


def test_the_s_curve_rises_to_the_budget_and_actual_cost_stops_at_the_status_date(
    costed: Costed,
) -> None:
    progress(costed, 100, 20)
    book(costed, {"build": 48})
    as_of = costed.start + timedelta(days=7)
    curve = earned_value_of(costed.project, as_of).curve
    assert curve.planned == sorted(curve.planned)
    assert curve.planned[-1] == pytest.approx(2 * BUDGET)
    assert curve.actual[-1] == (as_of, 48 * RATE)
    assert all(day <= as_of for day, _ in curve.actual)
    assert curve.earned[-1][0] == as_of
    assert curve.projection[0] == (as_of, 48 * RATE)


def test_snapshots_feed_the_earned_value_history(costed: Costed) -> None:
    progress(costed, 60, 0)
    day = costed.start + timedelta(days=3)
    services.take_snapshot(costed.planner, costed.project.pk, status_date=day)
    curve = earned_value_of(costed.project, costed.start + timedelta(days=8)).curve
    assert curve.earned[0] == (day, pytest.approx(BUDGET * 0.6))


def test_without_a_baseline_the_current_plan_is_the_yardstick(
    costed: Costed, make_costed: object
) -> None:
    costed.project.baselines.all().delete()
    f = earned_value_of(costed.project, costed.start + timedelta(days=30)).figures
    assert f.bac == 2 * BUDGET and f.pv == pytest.approx(2 * BUDGET)


def test_reading_earned_value_needs_access_to_the_project(
    costed: Costed, make_costed: object, make_organisation: object
) -> None:
    other = make_costed(make_organisation())  # type: ignore[operator]
    with pytest.raises(NotFound):
        earned_value_report(costed.developer, other.project.pk)
    assert earned_value_report(costed.viewer, costed.project.pk).figures.bac == 2 * BUDGET
    with pytest.raises(NotFound):
        earned_value_report(costed.viewer, costed.project.pk, baseline_id=999_999)
