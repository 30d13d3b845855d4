"""Prioritisation scores: RICE and WSJF, and ranking items by a score.

RICE = reach × impact × confidence / effort (Intercom): reach in people per period, impact on
the scale 0.25 (minimal) to 3 (massive), confidence as a fraction 0–1, effort in person-months.

WSJF = cost of delay / job size (SAFe), where cost of delay = user-business value + time
criticality + risk reduction or opportunity enablement, each a relative number ≥ 0, and the job
size a relative number > 0.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

IMPACT_SCALE: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0)
IMPACT_LABELS: dict[float, str] = {
    0.25: "minimal",
    0.5: "low",
    1.0: "medium",
    2.0: "high",
    3.0: "massive",
}

K = TypeVar("K", bound=Hashable)


class ScoreInputError(ValueError):
    """An input of a score is out of its range; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _finite(field: str, value: float) -> float:
    if not math.isfinite(value):
        raise ScoreInputError(field, f"The {field.replace('_', ' ')} must be a finite number.")
    return float(value)


@dataclass(frozen=True)
class RiceInputs:
    """The four inputs of a RICE score; confidence is a fraction between 0 and 1."""

    reach: float
    impact: float
    confidence: float
    effort: float

    def validate(self) -> RiceInputs:
        """Return self, or raise ScoreInputError naming the first input out of range."""
        if _finite("reach", self.reach) < 0:
            raise ScoreInputError("reach", "Reach cannot be negative.")
        if _finite("impact", self.impact) not in IMPACT_SCALE:
            raise ScoreInputError(
                "impact", "Impact is one of 0.25, 0.5, 1, 2 or 3 (minimal to massive)."
            )
        if not 0 <= _finite("confidence", self.confidence) <= 1:
            raise ScoreInputError("confidence", "Confidence lies between 0% and 100%.")
        if _finite("effort", self.effort) <= 0:
            raise ScoreInputError("effort", "Effort must be more than zero person-months.")
        return self


@dataclass(frozen=True)
class WsjfInputs:
    """The inputs of a WSJF score: the three parts of the cost of delay and the job size."""

    business_value: float
    time_criticality: float
    risk_reduction: float
    job_size: float

    @property
    def cost_of_delay(self) -> float:
        return self.business_value + self.time_criticality + self.risk_reduction

    def validate(self) -> WsjfInputs:
        """Return self, or raise ScoreInputError naming the first input out of range."""
        for field in ("business_value", "time_criticality", "risk_reduction"):
            if _finite(field, getattr(self, field)) < 0:
                raise ScoreInputError(field, f"The {field.replace('_', ' ')} cannot be negative.")
        if _finite("job_size", self.job_size) <= 0:
            raise ScoreInputError("job_size", "The job size must be more than zero.")
        return self


def rice(inputs: RiceInputs) -> float:
    """Reach × impact × confidence / effort."""
    inputs.validate()
    return inputs.reach * inputs.impact * inputs.confidence / inputs.effort


def wsjf(inputs: WsjfInputs) -> float:
    """Cost of delay / job size."""
    inputs.validate()
    return inputs.cost_of_delay / inputs.job_size


def reach_from_metric(measured: float, share_percent: float) -> float:
    """The reach a measured metric feeds: ``share_percent`` of its latest value (never < 0)."""
    if not 0 < share_percent <= 100:
        raise ScoreInputError("reach_share", "The share of the metric lies above 0% up to 100%.")
    return max(0.0, measured) * share_percent / 100


def rank(scores: Sequence[tuple[K, float | None]]) -> list[tuple[K, float | None, int | None]]:
    """Rank keys by score, highest first; ties share a rank (1, 2, 2, 4), unscored come last.

    Equal scores keep their input order, so a caller controls tie-breaking by sorting first.
    Unscored keys (None) get no rank.
    """
    scored: list[tuple[K, float]] = [(key, score) for key, score in scores if score is not None]
    scored.sort(key=lambda pair: -pair[1])
    ranked: list[tuple[K, float | None, int | None]] = []
    previous: float | None = None
    position = 0
    for index, (key, score) in enumerate(scored, 1):
        if score != previous:
            position = index
        ranked.append((key, score, position))
        previous = score
    ranked.extend((key, None, None) for key, score in scores if score is None)
    return ranked
