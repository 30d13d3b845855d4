"""Predicted against actual: the measured change of a metric after an item shipped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.impact import Outcome, compare
from tandem.core.metric_health import Point

WAU = [Point(0, 400), Point(30, 420), Point(60, 450), Point(100, 560), Point(150, 640)]


def test_a_change_as_large_as_predicted_is_met() -> None:
    # Shipped on day 60 (450 then); 90 days later the latest is day 150: 640, +190 of +150.
    result = compare(150, WAU, shipped=60, as_of=200)
    assert (result.before, result.after) == (Point(60, 450), Point(150, 640))
    assert result.actual == 190
    assert result.attainment == pytest.approx(190 / 150)
    assert result.outcome is Outcome.MET


def test_between_half_and_all_of_the_prediction_is_partly() -> None:
    assert compare(300, WAU, shipped=60, as_of=200).outcome is Outcome.PARTLY


def test_less_than_half_or_the_wrong_way_is_missed() -> None:
    assert compare(500, WAU, shipped=60, as_of=200).outcome is Outcome.MISSED
    # A metric expected to fall that rose instead: negative attainment.
    result = compare(-50, WAU, shipped=60, as_of=200)
    assert result.outcome is Outcome.MISSED
    assert result.attainment is not None and result.attainment < 0


def test_only_measurements_inside_the_window_count_as_after() -> None:
    # Window 60 days from day 60 ends on day 120: the latest inside is day 100 (560).
    result = compare(100, WAU, shipped=60, as_of=200, window=60)
    assert result.after == Point(100, 560)


def test_while_the_window_is_open_the_outcome_is_measuring_with_preliminary_numbers() -> None:
    result = compare(150, WAU, shipped=60, as_of=110)
    assert result.outcome is Outcome.MEASURING
    assert result.actual == 110


def test_without_a_measurement_after_shipping_the_outcome_is_pending() -> None:
    result = compare(150, WAU, shipped=150, as_of=160)
    assert (result.outcome, result.actual) == (Outcome.PENDING, None)


def test_without_a_measurement_before_shipping_there_is_no_baseline() -> None:
    assert compare(150, WAU, shipped=-1, as_of=200).outcome is Outcome.NO_BASELINE


def test_measurements_after_as_of_are_not_seen_yet() -> None:
    result = compare(150, WAU, shipped=60, as_of=120)
    assert result.after == Point(100, 560)


def test_an_expected_change_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="zero"):
        compare(0, WAU, shipped=60, as_of=200)


@given(
    expected=st.floats(min_value=1, max_value=1000),
    before=st.floats(min_value=-1000, max_value=1000),
    change=st.floats(min_value=-2000, max_value=2000),
)
def test_the_outcome_follows_attainment_once_the_window_closed(
    expected: float, before: float, change: float
) -> None:
    result = compare(expected, [Point(0, before), Point(10, before + change)], 0, as_of=100)
    attainment = result.attainment
    assert attainment is not None
    if attainment >= 1:
        assert result.outcome is Outcome.MET
    elif attainment >= 0.5:
        assert result.outcome is Outcome.PARTLY
    else:
        assert result.outcome is Outcome.MISSED
