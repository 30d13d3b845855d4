"""Earned value: the fence example of Mulcahy's PMP Exam Prep (p. 210), earned schedule on the
same plan by Lipke's definitions, the earning rules, and properties of the indices."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.evm import CostItem, EarningRule, earned_value, figures, planned_value

# Rita Mulcahy, PMP Exam Prep, p. 210: a four-sided fence, one side a day for $1,000 each,
# one after the other. At the end of day 3: side 1 done ($1,000 spent), side 2 done ($1,200),
# side 3 half done ($600), side 4 not started.
FENCE = [
    CostItem(0, 1, 1000, 100, True, True, 1000),
    CostItem(1, 2, 1000, 100, True, True, 1200),
    CostItem(2, 3, 1000, 50, True, False, 600),
    CostItem(3, 4, 1000),
]


def test_the_fence_example_matches_the_book() -> None:
    f = figures(FENCE, status=3)
    assert (f.pv, f.ev, f.ac, f.bac) == (3000, 2500, 2800, 4000)
    assert (f.cv, f.sv) == (-300, -500)
    assert f.cpi == pytest.approx(0.893, abs=5e-4)
    assert f.spi == pytest.approx(0.833, abs=5e-4)
    # The book rounds CPI to 0.893 first and prints EAC 4,479, ETC 1,679, VAC -479; exactly:
    assert f.eac_cpi == pytest.approx(4480)
    assert f.etc == pytest.approx(1680)
    assert f.vac == pytest.approx(-480)
    assert f.tcpi == pytest.approx(1500 / 1200)


def test_earned_schedule_of_the_fence() -> None:
    # Lipke: PV reaches EV = 2,500 halfway through day 3, so ES = 2.5 days at AT = 3;
    # SPI(t) = 2.5 / 3, SV(t) = -0.5 days, and the 4-day plan is forecast at 4 / SPI(t) = 4.8.
    f = figures(FENCE, status=3)
    assert f.earned_schedule == pytest.approx(2.5)
    assert f.spi_t == pytest.approx(2.5 / 3)
    assert f.sv_t == pytest.approx(-0.5)
    assert f.forecast_duration == pytest.approx(4.8)


def test_cost_and_schedule_eac_and_bottom_up() -> None:
    f = figures(FENCE, status=3)
    cpi, spi = 2500 / 2800, 2500 / 3000
    assert f.eac_cpi_spi == pytest.approx(2800 + 1500 / (cpi * spi))
    # Without task estimates the remaining budget is the estimate: AC + BAC - EV.
    assert f.eac_bottom_up == pytest.approx(2800 + 1500)
    with_estimates = [
        FENCE[0],
        FENCE[1],
        CostItem(2, 3, 1000, 50, True, False, 600, remaining_estimate=700),
        CostItem(3, 4, 1000, remaining_estimate=1300),
    ]
    assert figures(with_estimates, 3).eac_bottom_up == pytest.approx(2800 + 700 + 1300)


@pytest.mark.parametrize(
    ("rule", "started", "finished", "percent", "value"),
    [
        (EarningRule.PERCENT, True, False, 30, 300),
        (EarningRule.ZERO_HUNDRED, True, False, 90, 0),
        (EarningRule.ZERO_HUNDRED, True, True, 100, 1000),
        (EarningRule.FIFTY_FIFTY, True, False, 10, 500),
        (EarningRule.FIFTY_FIFTY, False, False, 0, 0),
        (EarningRule.FIFTY_FIFTY, True, True, 100, 1000),
    ],
)
def test_earning_rules(
    rule: EarningRule, started: bool, finished: bool, percent: float, value: float
) -> None:
    item = CostItem(0, 10, 1000, percent, started, finished, rule=rule)
    assert earned_value(item) == value


def test_planned_value_spreads_evenly_and_counts_milestones_when_reached() -> None:
    items = [CostItem(0, 10, 1000), CostItem(5, 5, 200)]
    assert planned_value(items, 2.5) == 250
    assert planned_value(items, 5) == 700
    assert planned_value(items, 20) == 1200


def test_no_spending_yet_leaves_ratios_undefined() -> None:
    f = figures([CostItem(0, 10, 1000)], status=0)
    assert (f.cpi, f.eac_cpi, f.etc, f.vac) == (None, None, None, None)


items_strategy = st.lists(
    st.builds(
        lambda start, length, budget, pct, cost: CostItem(
            start, start + length, budget, pct, pct > 0, pct == 100, cost
        ),
        st.floats(0, 50),
        st.floats(0, 30),
        # Money comes in whole cents; sub-cent costs are not real input.
        st.integers(100, 10**8).map(lambda cents: cents / 100),
        st.sampled_from([0, 10, 50, 90, 100]),
        st.integers(0, 10**8).map(lambda cents: cents / 100),
    ),
    min_size=1,
    max_size=12,
)


@given(items_strategy, st.floats(0, 100))
def test_indices_obey_their_definitions(items: list[CostItem], status: float) -> None:
    f = figures(items, status)
    if f.cpi is not None:
        assert f.cpi * f.ac == pytest.approx(f.ev, rel=1e-9, abs=1e-6)
        if f.cpi:
            assert f.eac_cpi == pytest.approx(f.bac / f.cpi, rel=1e-9)
            assert f.etc == pytest.approx(f.eac_cpi - f.ac, rel=1e-9, abs=1e-6)
    if f.spi is not None:
        assert f.spi * f.pv == pytest.approx(f.ev, rel=1e-9, abs=1e-6)
    assert 0 <= f.earned_schedule <= f.planned_duration + 1e-9
    assert 0 <= f.ev <= f.bac + 1e-6
