"""Stage gates: the moves a product may make, the exit criteria and overrides."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.lifecycle import STAGES, Comparison, Criterion, Stage, check_move, next_stage

P, D, DEP, M, R = STAGES

TICKED = Criterion("Problem interviews done", done=True)
UNTICKED = Criterion("Pricing agreed", done=False)


def wau(latest: float | None, threshold: float = 500) -> Criterion:
    return Criterion(
        "Weekly active users ≥ 500",
        comparison=Comparison.AT_LEAST,
        threshold=threshold,
        latest_value=latest,
    )


def test_stages_run_from_planning_to_retired() -> None:
    assert [s.value for s in STAGES] == [
        "planning",
        "development",
        "deployment",
        "maintenance",
        "retired",
    ]
    assert next_stage(Stage.MAINTENANCE) is Stage.RETIRED
    assert next_stage(Stage.RETIRED) is None


def test_a_checklist_criterion_is_met_when_ticked() -> None:
    assert TICKED.met and not UNTICKED.met


@pytest.mark.parametrize(
    ("latest", "met"), [(499.0, False), (500.0, True), (812.0, True), (None, False)]
)
def test_a_metric_criterion_is_met_when_the_latest_value_passes_the_threshold(
    latest: float | None, met: bool
) -> None:
    assert wau(latest).met is met


def test_an_at_most_criterion_is_met_at_or_below_the_threshold() -> None:
    criterion = Criterion("p95 under 2 s", comparison=Comparison.AT_MOST, threshold=2.0)
    assert not criterion.met  # no measurement yet
    assert Criterion("p95", comparison=Comparison.AT_MOST, threshold=2.0, latest_value=1.8).met
    assert not Criterion("p95", comparison=Comparison.AT_MOST, threshold=2.0, latest_value=2.1).met


def test_moving_to_the_next_stage_with_every_criterion_met_needs_no_override() -> None:
    check = check_move(P, D, [TICKED, wau(600)])
    assert (check.allowed, check.needs_override, check.unmet) == (True, False, ())


def test_a_stage_without_criteria_opens_its_gate() -> None:
    assert check_move(D, DEP, []).allowed


def test_unmet_criteria_refuse_the_move_and_name_what_is_missing() -> None:
    check = check_move(P, D, [TICKED, UNTICKED, wau(120)])
    assert not check.allowed
    assert check.code == "product.stage_criteria_unmet"
    assert check.unmet == ("Pricing agreed", "Weekly active users ≥ 500")


def test_an_override_without_a_reason_is_refused() -> None:
    check = check_move(P, D, [UNTICKED], override=True, reason="   ")
    assert (check.allowed, check.code) == (False, "product.override_reason_required")


def test_an_override_with_a_reason_lets_the_product_through_and_records_what_was_unmet() -> None:
    check = check_move(P, D, [UNTICKED], override=True, reason="Pilot customer signed")
    assert (check.allowed, check.needs_override, check.unmet) == (True, True, ("Pricing agreed",))


@pytest.mark.parametrize(("current", "target"), [(D, P), (M, DEP), (DEP, DEP)])
def test_no_move_goes_backwards_even_with_an_override(current: Stage, target: Stage) -> None:
    check = check_move(current, target, [], override=True, reason="please")
    assert (check.allowed, check.code) == (False, "product.stage_backwards")


def test_skipping_a_stage_is_refused_even_with_an_override() -> None:
    check = check_move(P, DEP, [], override=True, reason="please")
    assert (check.allowed, check.code) == (False, "product.stage_skipped")


def test_retiring_early_skips_stages_and_so_always_needs_an_override() -> None:
    refused = check_move(D, R, [])
    assert (refused.allowed, refused.needs_override) == (False, True)
    allowed = check_move(D, R, [], override=True, reason="Market disappeared")
    assert (allowed.allowed, allowed.needs_override) == (True, True)


def test_retiring_from_maintenance_with_its_criteria_met_needs_no_override() -> None:
    assert check_move(M, R, [TICKED]) == check_move(M, R, [TICKED])
    assert check_move(M, R, [TICKED]).needs_override is False


def test_a_retired_product_stays_retired() -> None:
    for target in STAGES:
        check = check_move(R, target, [], override=True, reason="revive")
        assert (check.allowed, check.code) == (False, "product.stage_final")


@given(
    current=st.sampled_from(STAGES),
    target=st.sampled_from(STAGES),
    done=st.lists(st.booleans(), max_size=5),
    override=st.booleans(),
    reason=st.sampled_from(["", "because"]),
)
def test_a_move_is_allowed_exactly_when_the_rules_say(
    current: Stage, target: Stage, done: list[bool], override: bool, reason: str
) -> None:
    criteria = [Criterion(f"c{n}", done=d) for n, d in enumerate(done)]
    check = check_move(current, target, criteria, override=override, reason=reason)
    forward_one = target.order == current.order + 1
    early_retirement = target is Stage.RETIRED and target.order > current.order + 1
    legal = current is not Stage.RETIRED and (forward_one or early_retirement)
    needs_override = not all(done) or early_retirement
    expected = legal and (not needs_override or (override and bool(reason)))
    assert check.allowed is expected
