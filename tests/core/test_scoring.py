"""RICE and WSJF on worked examples, their refusals, and ranking (with properties)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.scoring import (
    IMPACT_SCALE,
    RiceInputs,
    ScoreInputError,
    WsjfInputs,
    rank,
    reach_from_metric,
    rice,
    wsjf,
)


def test_rice_is_reach_times_impact_times_confidence_over_effort() -> None:
    # Intercom's example: 500 customers a quarter, high impact, 80 % confidence, 2 person-months.
    assert rice(RiceInputs(reach=500, impact=2, confidence=0.8, effort=2)) == pytest.approx(400)


def test_rice_of_a_massive_sure_small_item() -> None:
    assert rice(RiceInputs(reach=1200, impact=3, confidence=1.0, effort=0.5)) == 7200


def test_wsjf_is_cost_of_delay_over_job_size() -> None:
    inputs = WsjfInputs(business_value=8, time_criticality=5, risk_reduction=3, job_size=4)
    assert inputs.cost_of_delay == 16
    assert wsjf(inputs) == 4


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        (RiceInputs(-1, 1, 0.5, 1), "reach"),
        (RiceInputs(10, 1.5, 0.5, 1), "impact"),
        (RiceInputs(10, 1, 1.2, 1), "confidence"),
        (RiceInputs(10, 1, -0.1, 1), "confidence"),
        (RiceInputs(10, 1, 0.5, 0), "effort"),
        (RiceInputs(math.inf, 1, 0.5, 1), "reach"),
        (RiceInputs(10, 1, 0.5, math.nan), "effort"),
    ],
)
def test_rice_refuses_inputs_out_of_range(inputs: RiceInputs, field: str) -> None:
    with pytest.raises(ScoreInputError) as refusal:
        rice(inputs)
    assert refusal.value.field == field


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        (WsjfInputs(-1, 1, 1, 1), "business_value"),
        (WsjfInputs(1, -1, 1, 1), "time_criticality"),
        (WsjfInputs(1, 1, -1, 1), "risk_reduction"),
        (WsjfInputs(1, 1, 1, 0), "job_size"),
    ],
)
def test_wsjf_refuses_inputs_out_of_range(inputs: WsjfInputs, field: str) -> None:
    with pytest.raises(ScoreInputError) as refusal:
        wsjf(inputs)
    assert refusal.value.field == field


def test_reach_from_a_metric_is_a_share_of_its_measured_value() -> None:
    assert reach_from_metric(2000, 25) == 500
    assert reach_from_metric(-5, 100) == 0
    with pytest.raises(ScoreInputError):
        reach_from_metric(100, 0)


def test_ties_share_a_rank_and_unscored_items_come_last_without_one() -> None:
    ranked = rank([("a", 10.0), ("b", None), ("c", 30.0), ("d", 10.0), ("e", 5.0)])
    assert ranked == [
        ("c", 30.0, 1),
        ("a", 10.0, 2),
        ("d", 10.0, 2),
        ("e", 5.0, 4),
        ("b", None, None),
    ]


positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)
fraction = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(reach=positive, impact=st.sampled_from(IMPACT_SCALE), confidence=fraction, effort=positive)
def test_rice_grows_with_reach_and_shrinks_with_effort(
    reach: float, impact: float, confidence: float, effort: float
) -> None:
    base = rice(RiceInputs(reach, impact, confidence, effort))
    assert rice(RiceInputs(reach * 2, impact, confidence, effort)) >= base
    assert rice(RiceInputs(reach, impact, confidence, effort * 2)) <= base
    assert base >= 0


@given(
    parts=st.tuples(positive, positive, positive),
    job=positive,
    factor=st.floats(min_value=0.1, max_value=100),
)
def test_wsjf_is_unchanged_when_every_input_is_scaled_alike(
    parts: tuple[float, float, float], job: float, factor: float
) -> None:
    value, criticality, risk = parts
    scaled = WsjfInputs(value * factor, criticality * factor, risk * factor, job * factor)
    assert wsjf(scaled) == pytest.approx(wsjf(WsjfInputs(value, criticality, risk, job)))


@given(st.lists(st.one_of(st.none(), st.integers(0, 20).map(float)), max_size=30))
def test_ranking_matches_a_simple_reference(scores: list[float | None]) -> None:
    ranked = rank(list(enumerate(scores)))
    # Reference: rank = 1 + the number of strictly better scores; unscored get none.
    for key, score, position in ranked:
        assert score == scores[key]
        if score is None:
            assert position is None
        else:
            assert position == 1 + sum(1 for s in scores if s is not None and s > score)
    assert [k for k, s, _ in ranked if s is None] == [k for k, s in enumerate(scores) if s is None]
    assert sorted(k for k, _, _ in ranked) == list(range(len(scores)))
