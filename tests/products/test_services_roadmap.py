"""The roadmap through its services and queries: items, RICE and WSJF ranking, the board,
expected impact against the measured change, releases and teams.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.collab.models import JournalEntry
from tandem.core.impact import Outcome
from tandem.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from tandem.products import (
    queries_roadmap,
    services_metrics,
    services_releases,
    services_roadmap,
    services_teams,
)
from tandem.products.models import Metric, Product, RoadmapItem
from tests.products.conftest import at

Counts = Callable[[], dict[str, int]]
MakeItem = Callable[..., RoadmapItem]
pytestmark = pytest.mark.django_db

RICE = {"impact": 2, "confidence": 80, "effort": 2}
WSJF = {"business_value": 8, "time_criticality": 5, "risk_reduction": 3}


def titles(scored: list[queries_roadmap.ScoredItem]) -> list[str]:
    return [s.item.title for s in scored]


# -- items -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"impact": 1.5}, "impact"),
        ({"confidence": 120}, "confidence"),
        ({"effort": 0}, "effort"),
        ({"reach": -3}, "reach"),
        ({"job_size": 0}, "job_size"),
        ({"business_value": -1}, "business_value"),
        ({"reach_share": 0}, "reach_share"),
        ({"kind": "epic"}, "kind"),
        ({"horizon": "someday"}, "horizon"),
        ({"target_quarter": "Q3"}, "target_quarter"),
        ({"start_date": date(2026, 5, 1), "end_date": date(2026, 4, 1)}, "end_date"),
        ({"title": ""}, "title"),
    ],
)
def test_an_item_with_an_input_out_of_range_is_refused_and_writes_nothing(
    pm: User, product: Product, row_counts: Counts, fields: dict[str, Any], field: str
) -> None:
    values = {"title": "Item", **fields}
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_roadmap.create_roadmap_item(pm, product.pk, **values)
    assert refusal.value.field == field
    assert row_counts() == before


def test_reach_is_typed_or_taken_from_a_metric_never_both(
    pm: User, product: Product, make_metric: Callable[..., Metric]
) -> None:
    metric = make_metric(product)
    with pytest.raises(Invalid) as refusal:
        services_roadmap.create_roadmap_item(
            pm, product.pk, title="X", reach=5, reach_metric_id=metric.pk
        )
    assert refusal.value.code == "roadmap_item.reach_twice"


def test_goals_teams_and_metrics_must_belong_to_the_product_or_organisation(
    pm: User,
    product: Product,
    make_product: Callable[..., Product],
    make_metric: Callable[..., Metric],
    outsider: User,
    row_counts: Counts,
) -> None:
    other = make_product()
    foreign_goal = services_metrics.create_goal(pm, other.pk, title="Theirs")
    foreign_metric = make_metric(other)
    from tandem.accounts.models import Membership

    elsewhere = Membership.objects.get(user=outsider).organisation
    foreign_team = services_teams.create_team(outsider, elsewhere.pk, name="Not ours")
    before = row_counts()
    for fields, field in (
        ({"goal_ids": [foreign_goal.pk]}, "goal_ids"),
        ({"reach_metric_id": foreign_metric.pk}, "reach_metric_id"),
        ({"owner_team_id": foreign_team.pk}, "owner_team_id"),
    ):
        with pytest.raises(Invalid) as refusal:
            services_roadmap.create_roadmap_item(pm, product.pk, title="X", **fields)
        assert refusal.value.field == field
    assert row_counts() == before


def test_an_item_set_shipped_gets_todays_date_and_loses_it_when_reopened(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    item = make_item(product)
    shipped = services_roadmap.update_roadmap_item(pm, item.pk, version=1, status="shipped")
    assert shipped.shipped_on == timezone.localdate()
    reopened = services_roadmap.update_roadmap_item(pm, item.pk, version=2, status="in_progress")
    assert reopened.shipped_on is None


# -- scores and ranking ------------------------------------------------------------------------


def test_items_rank_by_rice_with_their_inputs(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    make_item(product, title="Small", reach=100, **RICE)  # 100 × 2 × 0.8 / 2 = 80
    make_item(product, title="Big", reach=500, **RICE)  # 400
    make_item(product, title="Cheap", reach=100, impact=3, confidence=100, effort=0.5)  # 600
    make_item(product, title="Unsized", reach=900)
    ranked = queries_roadmap.ranked_roadmap(pm, product.pk, "rice")
    assert titles(ranked) == ["Cheap", "Big", "Small", "Unsized"]
    assert [s.rice for s in ranked] == [600, 400, pytest.approx(80), None]
    assert [s.rank_rice for s in ranked] == [1, 2, 3, None]
    assert ranked[-1].rice_missing == ["impact", "confidence", "effort"]


def test_items_rank_by_wsjf_cost_of_delay_over_job_size(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    make_item(product, title="Large", job_size=8, **WSJF)  # 16 / 8 = 2
    make_item(product, title="Small", job_size=2, **WSJF)  # 8
    make_item(
        product, title="Urgent", business_value=3, time_criticality=13, risk_reduction=0, job_size=4
    )  # 4
    ranked = queries_roadmap.ranked_roadmap(pm, product.pk, "wsjf")
    assert titles(ranked) == ["Small", "Urgent", "Large"]
    assert [s.wsjf for s in ranked] == [8, 4, 2]
    assert ranked[0].cost_of_delay == 16


def test_equal_scores_share_a_rank_and_keep_their_order(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    for title in ("First", "Second", "Third"):
        make_item(product, title=title, reach=100 if title != "Third" else 50, **RICE)
    ranked = queries_roadmap.ranked_roadmap(pm, product.pk)
    assert [(s.item.title, s.rank_rice) for s in ranked] == [
        ("First", 1),
        ("Second", 1),
        ("Third", 3),
    ]


def test_reach_fed_by_a_metric_uses_its_latest_measured_value(
    pm: User,
    product: Product,
    make_item: MakeItem,
    make_metric: Callable[..., Metric],
    measure: Callable[..., Any],
) -> None:
    wau = make_metric(product, name="WAU", baseline=0, target=5000)
    fed = make_item(product, title="Fed", reach_metric_id=wau.pk, reach_share=25, **RICE)
    make_item(product, title="Typed", reach=400, **RICE)
    # No measurement yet: the reach is unknown, so the item has no score.
    unmeasured = queries_roadmap.scored_item(pm, fed.pk)
    assert (unmeasured.reach, unmeasured.rice, unmeasured.rice_missing) == (None, None, ["reach"])
    measure(wau, [1000, 2000])
    ranked = queries_roadmap.ranked_roadmap(pm, product.pk)
    assert titles(ranked) == ["Fed", "Typed"]
    assert (ranked[0].reach, ranked[0].reach_source, ranked[0].rice) == (500, "metric", 400)
    measure(wau, [1200], last_days_ago=0)
    assert titles(queries_roadmap.ranked_roadmap(pm, product.pk)) == ["Typed", "Fed"]


def test_shipped_and_closed_items_leave_the_ranking(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    make_item(product, title="Open", reach=10, **RICE)
    make_item(product, title="Done", reach=999, status="shipped", **RICE)
    make_item(product, title="Dropped", reach=999, status="closed", **RICE)
    assert titles(queries_roadmap.ranked_roadmap(pm, product.pk)) == ["Open"]


# -- the board ---------------------------------------------------------------------------------


def test_moving_an_item_changes_its_column_and_journals(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    item = make_item(product, horizon="later", reach=10, **RICE)
    moved = services_roadmap.move_roadmap_item(pm, item.pk, version=1, horizon="now")
    assert (moved.horizon, moved.version) == ("now", 2)
    entry = JournalEntry.objects.get(action="products.roadmap_item.moved")
    assert entry.data == {"from": "later", "to": "now"}
    columns = queries_roadmap.board_columns(queries_roadmap.ranked_roadmap(pm, product.pk), "rice")
    assert [(c["horizon"], len(c["cards"])) for c in columns] == [
        ("now", 1),
        ("next", 0),
        ("later", 0),
    ]


@pytest.mark.parametrize(
    ("status", "horizon", "version", "error"),
    [
        ("shipped", "now", 1, Conflict),
        ("planned", "someday", 1, Invalid),
        ("planned", "", 1, Invalid),
        ("planned", "now", 3, StaleVersion),
    ],
)
def test_refused_moves_write_nothing(
    pm: User,
    product: Product,
    make_item: MakeItem,
    row_counts: Counts,
    status: str,
    horizon: str,
    version: int,
    error: type[Exception],
) -> None:
    item = make_item(product, status=status, horizon="next")
    before = row_counts()
    with pytest.raises(error):
        services_roadmap.move_roadmap_item(pm, item.pk, version=version, horizon=horizon)
    assert row_counts() == before


def test_members_and_viewers_may_not_move_items_and_outsiders_do_not_see_them(
    product: Product, make_item: MakeItem, member: User, outsider: User
) -> None:
    item = make_item(product, horizon="next")
    with pytest.raises(Forbidden):
        services_roadmap.move_roadmap_item(member, item.pk, version=1, horizon="now")
    with pytest.raises(NotFound) as refusal:
        services_roadmap.move_roadmap_item(outsider, item.pk, version=1, horizon="now")
    assert refusal.value.code == "roadmap_item.not_found"


# -- expected impact and predicted vs actual ---------------------------------------------------


def test_an_expected_impact_must_be_a_non_zero_change_of_one_of_the_products_metrics(
    pm: User,
    product: Product,
    make_item: MakeItem,
    make_metric: Callable[..., Metric],
    make_product: Callable[..., Product],
    row_counts: Counts,
) -> None:
    item = make_item(product)
    mine, theirs = make_metric(product), make_metric(make_product())
    services_roadmap.add_expected_impact(pm, item.pk, metric_id=mine.pk, change=50)
    before = row_counts()
    with pytest.raises(Invalid):
        services_roadmap.add_expected_impact(pm, item.pk, metric_id=mine.pk, change=0)
    with pytest.raises(Conflict) as duplicate:
        services_roadmap.add_expected_impact(pm, item.pk, metric_id=mine.pk, change=10)
    with pytest.raises(Invalid):
        services_roadmap.add_expected_impact(pm, item.pk, metric_id=theirs.pk, change=10)
    assert duplicate.value.code == "impact.duplicate"
    assert row_counts() == before


def test_after_shipping_expected_impact_is_compared_with_the_measured_change(
    pm: User,
    product: Product,
    make_item: MakeItem,
    make_metric: Callable[..., Metric],
    measure: Callable[..., Any],
) -> None:
    wau = make_metric(product, name="WAU", baseline=0, target=2000)
    churn = make_metric(product, name="Churn", direction="lower", baseline=5, target=2)
    item = make_item(product)
    services_roadmap.add_expected_impact(pm, item.pk, metric_id=wau.pk, change=300)
    services_roadmap.add_expected_impact(pm, item.pk, metric_id=churn.pk, change=-1)
    # Weekly measurements, the first 127 days ago, the last one a day ago.
    measure(wau, [1000] * 5 + [1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900] + [2000] * 5)
    measure(churn, [5.0] * 5 + [4.9] * 14)
    # Before shipping there is nothing to compare.
    assert [v.comparison for v in queries_roadmap.item_impacts(pm, item.pk)] == [None, None]
    # Shipped 100 days ago: before is the measurement of 106 days ago, after the last one
    # within the 90 days that followed (10 days ago or earlier: 15 days ago).
    shipped_on = at(100).date()
    services_roadmap.update_roadmap_item(
        pm, item.pk, version=1, status="shipped", shipped_on=shipped_on
    )
    by_metric = {
        v.impact.metric.name: v.comparison for v in queries_roadmap.item_impacts(pm, item.pk)
    }
    wau_result, churn_result = by_metric["WAU"], by_metric["Churn"]
    assert wau_result is not None and churn_result is not None
    assert (wau_result.before, wau_result.after) != (None, None)
    assert (wau_result.actual, wau_result.attainment) == (1000, pytest.approx(1000 / 300))
    assert wau_result.outcome is Outcome.MET
    # Churn fell by 0.1 of an expected 1.0: missed.
    assert churn_result.actual == pytest.approx(-0.1)
    assert churn_result.outcome is Outcome.MISSED


def test_a_recently_shipped_item_is_still_measuring(
    pm: User,
    product: Product,
    make_item: MakeItem,
    make_metric: Callable[..., Metric],
    measure: Callable[..., Any],
) -> None:
    wau = make_metric(product, baseline=0, target=2000)
    item = make_item(product)
    services_roadmap.add_expected_impact(pm, item.pk, metric_id=wau.pk, change=100)
    measure(wau, [1000, 1000, 1050, 1100])
    services_roadmap.update_roadmap_item(
        pm, item.pk, version=1, status="shipped", shipped_on=at(10).date()
    )
    [view] = queries_roadmap.item_impacts(pm, item.pk)
    assert view.comparison is not None
    assert (view.comparison.outcome, view.comparison.actual) == (Outcome.MEASURING, 100)


# -- releases ----------------------------------------------------------------------------------


def test_releasing_ships_its_items_on_the_actual_date(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    one, two = make_item(product, status="in_progress"), make_item(product)
    release = services_releases.create_release(
        pm, product.pk, label="1.0", planned_date=date(2026, 3, 1), item_ids=[one.pk, two.pk]
    )
    assert {i.status for i in release.items.all()} == {"in_progress", "proposed"}
    shipped_on = timezone.localdate() - timedelta(days=2)
    services_releases.update_release(
        pm, release.pk, version=1, status="released", actual_date=shipped_on
    )
    for item in (one, two):
        item.refresh_from_db()
        assert (item.status, item.shipped_on, item.release_id) == (
            "shipped",
            shipped_on,
            release.pk,
        )
    assert JournalEntry.objects.filter(action="products.release.released").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "released", "actual_date": date.today() + timedelta(days=5)}, "actual_date"),
        ({"status": "planned", "actual_date": date(2026, 1, 1)}, "actual_date"),
        ({"status": "gone"}, "status"),
        ({"label": " "}, "label"),
    ],
)
def test_release_dates_and_status_must_agree(
    pm: User, product: Product, row_counts: Counts, fields: dict[str, Any], field: str
) -> None:
    values = {"label": "2.0", **fields}
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_releases.create_release(pm, product.pk, **values)
    assert refusal.value.field == field
    assert row_counts() == before


def test_a_shipped_release_is_history_and_cannot_be_deleted(
    pm: User, product: Product, row_counts: Counts
) -> None:
    release = services_releases.create_release(
        pm, product.pk, label="0.9", status="released", actual_date=date(2026, 1, 2)
    )
    before = row_counts()
    with pytest.raises(Conflict):
        services_releases.delete_release(pm, release.pk)
    with pytest.raises(Conflict) as taken:
        services_releases.create_release(pm, product.pk, label="0.9")
    assert taken.value.code == "release.label_taken"
    assert row_counts() == before


# -- teams -------------------------------------------------------------------------------------


def test_teams_own_items_and_the_cross_team_view_shows_who_works_on_what(
    org: Organisation, pm: User, member: User, product: Product, make_item: MakeItem
) -> None:
    team = services_teams.create_team(pm, org.pk, name="Core", member_ids=[member.pk, pm.pk])
    owned = make_item(product, owner_team_id=team.pk, horizon="now")
    loose = make_item(product)
    make_item(product, owner_team_id=team.pk, status="shipped")
    rows = queries_roadmap.cross_team(pm, product.pk)
    assert [(r["team"], set(r["members"]), r["items"]) for r in rows] == [
        (team, {member, pm}, [owned]),
        (None, set(), [loose]),
    ]


def test_team_names_are_unique_and_members_must_belong(
    org: Organisation, pm: User, outsider: User, row_counts: Counts
) -> None:
    services_teams.create_team(pm, org.pk, name="Core")
    before = row_counts()
    with pytest.raises(Conflict):
        services_teams.create_team(pm, org.pk, name="core")
    with pytest.raises(Invalid) as refusal:
        services_teams.create_team(pm, org.pk, name="Other", member_ids=[outsider.pk])
    assert refusal.value.field == "member_ids"
    assert row_counts() == before


def test_members_may_not_manage_teams(org: Organisation, member: User, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services_teams.create_team(member, org.pk, name="Rebels")
    assert row_counts() == before


def test_deleting_a_team_leaves_its_items_unowned(
    org: Organisation, pm: User, product: Product, make_item: MakeItem
) -> None:
    team = services_teams.create_team(pm, org.pk, name="Core")
    item = make_item(product, owner_team_id=team.pk)
    services_teams.delete_team(pm, team.pk)
    item.refresh_from_db()
    assert item.owner_team_id is None


# -- the timeline ------------------------------------------------------------------------------


def test_the_timeline_places_items_by_dates_quarter_or_horizon(
    pm: User, product: Product, make_item: MakeItem
) -> None:
    today = date(2026, 5, 14)
    make_item(product, title="Dated", start_date=date(2026, 8, 3), end_date=date(2026, 11, 20))
    make_item(product, title="Quarter", target_quarter="2026-q3")
    make_item(product, title="Now", horizon="now")
    make_item(product, title="Untimed")
    make_item(product, title="Far", target_quarter="2030-Q1")
    scored = queries_roadmap.ranked_roadmap(pm, product.pk)
    quarters, rows, untimed = queries_roadmap.timeline(scored, today)
    assert [str(q) for q in quarters] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
        "2027-Q1",
        "2027-Q2",
    ]
    placed = {r.scored.item.title: (r.first_column, r.last_column, r.span.basis) for r in rows}
    assert placed == {
        "Now": (2, 3, "horizon"),
        "Quarter": (3, 4, "quarter"),
        "Dated": (3, 5, "dates"),
    }
    assert sorted(s.item.title for s in untimed) == ["Far", "Untimed"]
