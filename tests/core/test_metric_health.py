"""Metric health from the trend towards the target: the documented examples and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tandem.core.metric_health import (
    Direction,
    Health,
    Point,
    Target,
    assess,
    least_squares,
    tolerance_of,
)

# The worked example of docs/products.md: weekly active users, four monthly measurements.
WAU = [Point(0, 200), Point(30, 320), Point(60, 410), Point(90, 540)]
HIGHER, LOWER = Direction.HIGHER, Direction.LOWER


def wau_target(value: float, day: float | None = 180) -> Target:
    return Target(HIGHER, baseline=200, value=value, day=day)


def test_the_trend_is_the_least_squares_line() -> None:
    origin, intercept, slope = least_squares(WAU)
    assert (origin, intercept, slope) == (45, 367.5, pytest.approx(3.7))


def test_worked_example_projected_short_by_less_than_the_tolerance_is_at_risk() -> None:
    report = assess(WAU, wau_target(900), as_of=90)
    # Trend at day 180: 367.5 + 3.7 × (180 − 45) = 867; short by 33 of a 70 tolerance.
    assert report.judged == pytest.approx(867)
    assert report.shortfall == pytest.approx(33)
    assert report.tolerance == pytest.approx(70)
    assert report.health is Health.AT_RISK


def test_worked_example_projected_past_the_target_is_on_track() -> None:
    assert assess(WAU, wau_target(850), as_of=90).health is Health.ON_TRACK


def test_worked_example_projected_far_short_is_off_track() -> None:
    report = assess(WAU, wau_target(1000), as_of=90)
    assert (report.shortfall, report.tolerance) == (pytest.approx(133), pytest.approx(80))
    assert report.health is Health.OFF_TRACK


def test_without_measurements_there_is_no_data() -> None:
    assert assess([], wau_target(900), as_of=90).health is Health.NO_DATA
    # Measurements after as_of are not known yet.
    assert assess([Point(100, 900)], wau_target(900), as_of=90).health is Health.NO_DATA


def test_without_a_target_date_the_latest_value_decides() -> None:
    assert assess(WAU, wau_target(560, day=None), as_of=90).health is Health.AT_RISK
    assert assess(WAU, wau_target(540, day=None), as_of=90).health is Health.ON_TRACK
    assert assess(WAU, wau_target(700, day=None), as_of=90).health is Health.OFF_TRACK


def test_after_the_target_date_any_shortfall_is_off_track() -> None:
    # 540 misses 560 by 20, within the 36 tolerance, but the date has passed.
    report = assess(WAU, wau_target(560, day=80), as_of=90)
    assert report.health is Health.OFF_TRACK
    assert assess(WAU, wau_target(540, day=80), as_of=90).health is Health.ON_TRACK


def test_a_single_measurement_gives_a_flat_trend() -> None:
    report = assess([Point(10, 850)], wau_target(900), as_of=20)
    assert report.judged == 850
    assert report.health is Health.AT_RISK


def test_only_the_last_ninety_days_make_the_trend() -> None:
    # A fast early rise, then flat for three months: the flat recent stretch decides.
    points = [Point(0, 0), Point(10, 600), *[Point(100 + 7 * n, 600) for n in range(14)]]
    report = assess(points, Target(HIGHER, baseline=0, value=700, day=400), as_of=191)
    assert report.trend is not None and report.trend.slope == pytest.approx(0)
    assert report.health is Health.OFF_TRACK


def test_lower_is_better_metrics_are_judged_the_other_way() -> None:
    # Page load falling from 4 s towards a 2 s target by day 120.
    points = [Point(0, 4.0), Point(30, 3.5), Point(60, 3.0)]
    target = Target(LOWER, baseline=4.0, value=2.0, day=120)
    report = assess(points, target, as_of=60)
    assert report.judged == pytest.approx(2.0)
    assert report.health is Health.ON_TRACK
    rising = [Point(0, 4.0), Point(30, 4.2), Point(60, 4.4)]
    assert assess(rising, target, as_of=60).health is Health.OFF_TRACK


def test_a_target_equal_to_the_baseline_gets_a_tolerance_from_the_target() -> None:
    assert tolerance_of(Target(LOWER, baseline=1.0, value=1.0)) == pytest.approx(0.1)
    assert tolerance_of(Target(LOWER, baseline=0.0, value=0.0)) == 0


# -- properties --------------------------------------------------------------------------------

values = st.integers(-1000, 1000).map(float)
series = st.lists(
    st.tuples(st.integers(0, 200), values), min_size=1, max_size=20, unique_by=lambda p: p[0]
).map(lambda pairs: [Point(float(d), v) for d, v in sorted(pairs)])
targets = st.builds(
    lambda direction, baseline, distance, day: Target(
        direction,
        baseline,
        baseline + distance if direction is HIGHER else baseline - distance,
        day,
    ),
    st.sampled_from([HIGHER, LOWER]),
    values,
    st.integers(0, 500).map(float),
    st.one_of(st.none(), st.integers(0, 400).map(float)),
)


def _clear_of_boundaries(points: list[Point], target: Target, as_of: float) -> bool:
    """Skip cases whose shortfall sits on a boundary, where rounding may tip the verdict."""
    report = assess(points, target, as_of)
    if report.shortfall is None:
        return True
    return min(abs(report.shortfall), abs(report.shortfall - report.tolerance)) > 1e-6


@given(points=series, target=targets, as_of=st.integers(0, 300).map(float), shift=values)
def test_health_does_not_change_when_everything_shifts_by_a_constant(
    points: list[Point], target: Target, as_of: float, shift: float
) -> None:
    assume(_clear_of_boundaries(points, target, as_of))
    # A target equal to its baseline takes its band from the target's own size (the rule's
    # stated exception), which a shift changes; the property is about every other target.
    assume(target.value != target.baseline)
    moved = [Point(p.day, p.value + shift) for p in points]
    moved_target = Target(
        target.direction, target.baseline + shift, target.value + shift, target.day
    )
    assert assess(moved, moved_target, as_of).health is assess(points, target, as_of).health


@given(points=series, target=targets, as_of=st.integers(0, 300).map(float))
def test_lower_is_better_is_the_mirror_image_of_higher_is_better(
    points: list[Point], target: Target, as_of: float
) -> None:
    assume(_clear_of_boundaries(points, target, as_of))
    flipped = LOWER if target.direction is HIGHER else HIGHER
    mirrored = [Point(p.day, -p.value) for p in points]
    mirror_target = Target(flipped, -target.baseline, -target.value, target.day)
    assert assess(mirrored, mirror_target, as_of).health is assess(points, target, as_of).health


ORDER = [Health.OFF_TRACK, Health.AT_RISK, Health.ON_TRACK]


@given(points=series, target=targets, raise_by=st.integers(1, 500).map(float))
def test_a_better_latest_value_never_worsens_the_health(
    points: list[Point], target: Target, raise_by: float
) -> None:
    as_of = points[-1].day
    step = raise_by if target.direction is HIGHER else -raise_by
    better = [*points[:-1], Point(points[-1].day, points[-1].value + step)]
    before, after = assess(points, target, as_of).health, assess(better, target, as_of).health
    assert ORDER.index(after) >= ORDER.index(before)


@given(series.filter(lambda points: len({p.day for p in points}) >= 2))
def test_the_trend_matches_numpy_polyfit(points: list[Point]) -> None:
    origin, intercept, slope = least_squares(points)
    days = np.array([p.day for p in points])
    expected_slope, expected_intercept = np.polyfit(days, [p.value for p in points], 1)
    assert slope == pytest.approx(expected_slope, abs=1e-6)
    assert intercept + slope * (0 - origin) == pytest.approx(expected_intercept, abs=1e-4)
