"""Predicted against actual: did a shipped roadmap item move its metric as much as expected?

The rule (docs/products.md): *before* is the latest measurement on or before the ship date;
*after* is the latest measurement after it, within the evaluation window (90 days) and not
after ``as_of``. The actual change is after − before, and attainment is actual / expected.
While the window is still open the outcome is *measuring* (the numbers are preliminary);
afterwards attainment ≥ 100 % is *met*, ≥ 50 % *partly*, less *missed*. Without a measurement
before shipping there is nothing to compare with (*no baseline*); without one after, *pending*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tandem.core.metric_health import Point

EVALUATION_WINDOW_DAYS = 90.0
MET_AT = 1.0
PARTLY_AT = 0.5


class Outcome(StrEnum):
    NO_BASELINE = "no_baseline"
    PENDING = "pending"
    MEASURING = "measuring"
    MET = "met"
    PARTLY = "partly"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class ImpactComparison:
    """Expected against measured change of one metric after one item shipped."""

    expected: float
    outcome: Outcome
    before: Point | None = None
    after: Point | None = None

    @property
    def actual(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after.value - self.before.value

    @property
    def attainment(self) -> float | None:
        """Actual / expected (1.0 = exactly as predicted; negative = moved the wrong way)."""
        actual = self.actual
        return None if actual is None else actual / self.expected


def compare(
    expected: float,
    points: Sequence[Point],
    shipped: float,
    as_of: float,
    window: float = EVALUATION_WINDOW_DAYS,
) -> ImpactComparison:
    """Compare an expected change (non-zero, in the metric's unit) with the measured one."""
    if expected == 0:
        raise ValueError("an expected change of zero cannot be attained or missed")
    known = sorted((p for p in points if p.day <= as_of), key=lambda p: p.day)
    before = next((p for p in reversed(known) if p.day <= shipped), None)
    if before is None:
        return ImpactComparison(expected, Outcome.NO_BASELINE)
    after = next((p for p in reversed(known) if shipped < p.day <= shipped + window), None)
    if after is None:
        return ImpactComparison(expected, Outcome.PENDING, before)
    result = ImpactComparison(expected, Outcome.MEASURING, before, after)
    if as_of < shipped + window:
        return result
    attainment = result.attainment
    assert attainment is not None  # both points exist
    if attainment >= MET_AT:
        outcome = Outcome.MET
    elif attainment >= PARTLY_AT:
        outcome = Outcome.PARTLY
    else:
        outcome = Outcome.MISSED
    return ImpactComparison(expected, outcome, before, after)
