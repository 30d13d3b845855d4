"""A product's lifecycle: the stages in order, which moves are allowed, and stage gates.

Planning → development → deployment → maintenance → retired. A product moves forward one
stage at a time; moving out of a stage needs that stage's exit criteria met, or an explicit
override with a reason. Retiring early (from a stage before maintenance) skips stages and so
always needs an override. Retired is final, and nothing moves backwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """A lifecycle stage, in order."""

    PLANNING = "planning"
    DEVELOPMENT = "development"
    DEPLOYMENT = "deployment"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def order(self) -> int:
        return STAGES.index(self)


STAGES: tuple[Stage, ...] = tuple(Stage)
ACTIVE_STAGES: tuple[Stage, ...] = STAGES[:-1]


class Comparison(StrEnum):
    """How a metric criterion compares the latest measurement with its threshold."""

    AT_LEAST = ">="
    AT_MOST = "<="


@dataclass(frozen=True)
class Criterion:
    """One exit criterion as the gate sees it.

    A checklist item is met when ticked; one tied to a metric is met when the metric's latest
    measurement passes the threshold (and is unmet while the metric has no measurement).
    """

    description: str
    done: bool = False
    comparison: Comparison | None = None
    threshold: float | None = None
    latest_value: float | None = None

    @property
    def tied_to_metric(self) -> bool:
        return self.comparison is not None and self.threshold is not None

    @property
    def met(self) -> bool:
        if not self.tied_to_metric:
            return self.done
        if self.latest_value is None:
            return False
        assert self.threshold is not None  # tied_to_metric says so
        if self.comparison is Comparison.AT_LEAST:
            return self.latest_value >= self.threshold
        return self.latest_value <= self.threshold


@dataclass(frozen=True)
class GateCheck:
    """Whether a move is allowed, and whether it needs an override with a reason."""

    allowed: bool
    needs_override: bool
    unmet: tuple[str, ...]
    refusal: str | None = None
    code: str | None = None


def next_stage(stage: Stage) -> Stage | None:
    """The stage after ``stage``, or None for retired."""
    return None if stage is Stage.RETIRED else STAGES[stage.order + 1]


def check_move(
    current: Stage,
    target: Stage,
    criteria: Sequence[Criterion],
    *,
    override: bool = False,
    reason: str = "",
) -> GateCheck:
    """Decide a move from ``current`` to ``target`` given the current stage's exit criteria.

    A move that is not allowed at all (backwards, out of retired, skipping into a stage other
    than retired) is refused whatever the override. An allowed move whose criteria are unmet,
    or that retires early, needs ``override`` and a non-blank ``reason``.
    """
    unmet = tuple(c.description for c in criteria if not c.met)
    if current is Stage.RETIRED:
        return GateCheck(
            False, False, unmet, "A retired product stays retired.", "product.stage_final"
        )
    if target.order <= current.order:
        return GateCheck(
            False,
            False,
            unmet,
            f"A product cannot move from {current.value} back to {target.value}.",
            "product.stage_backwards",
        )
    skips = target.order > current.order + 1
    if skips and target is not Stage.RETIRED:
        return GateCheck(
            False,
            False,
            unmet,
            f"A product moves one stage at a time: from {current.value} the next stage is "
            f"{next_stage(current)}.",
            "product.stage_skipped",
        )
    needs_override = bool(unmet) or skips
    if needs_override and not override:
        if skips:
            message = (
                f"Retiring from {current.value} skips stages; override with a reason to do it."
            )
        else:
            message = f"Exit criteria of {current.value} are not met: " + "; ".join(unmet) + "."
        return GateCheck(False, True, unmet, message, "product.stage_criteria_unmet")
    if needs_override and not reason.strip():
        return GateCheck(
            False,
            True,
            unmet,
            "An override needs a reason.",
            "product.override_reason_required",
        )
    return GateCheck(True, needs_override, unmet)
