"""Reads of the roadmap: scores and ranking, the board, the timeline, predicted against actual,
and who works on what across teams.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from tandem.accounts.actors import Actor
from tandem.core.impact import ImpactComparison, compare
from tandem.core.roadmap import Quarter, Span, quarter_of, span_of
from tandem.core.scoring import (
    IMPACT_LABELS,
    RiceInputs,
    ScoreInputError,
    WsjfInputs,
    rank,
    reach_from_metric,
    rice,
    wsjf,
)
from tandem.products.access import access_row
from tandem.products.gates import latest_values
from tandem.products.models import (
    HORIZONS,
    OPEN_ITEM_STATUSES,
    ExpectedImpact,
    Product,
    RoadmapItem,
    Team,
)
from tandem.products.queries_metrics import day_of, day_of_date, points_of

RANKINGS = ("rice", "wsjf")


@dataclass
class ScoredItem:
    """A roadmap item with both scores, the inputs they used and its ranks."""

    item: RoadmapItem
    reach: float | None = None
    reach_source: str | None = None  # "metric", "typed" or None
    rice: float | None = None
    wsjf: float | None = None
    rice_missing: list[str] = field(default_factory=list)
    wsjf_missing: list[str] = field(default_factory=list)
    rank_rice: int | None = None
    rank_wsjf: int | None = None

    @property
    def cost_of_delay(self) -> float | None:
        i = self.item
        parts = (i.business_value, i.time_criticality, i.risk_reduction)
        return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]

    @property
    def impact_label(self) -> str:
        return IMPACT_LABELS.get(self.item.impact or 0.0, "")

    def rank_by(self, ranking: str) -> int | None:
        return self.rank_rice if ranking == "rice" else self.rank_wsjf

    def score_by(self, ranking: str) -> float | None:
        return self.rice if ranking == "rice" else self.wsjf


def _score(item: RoadmapItem, reach_values: dict[int, float]) -> ScoredItem:
    scored = ScoredItem(item)
    if item.reach_metric_id is not None:
        measured = reach_values.get(item.reach_metric_id)
        if measured is not None:
            scored.reach = reach_from_metric(measured, item.reach_share)
            scored.reach_source = "metric"
    elif item.reach is not None:
        scored.reach, scored.reach_source = item.reach, "typed"
    rice_inputs = {
        "reach": scored.reach,
        "impact": item.impact,
        "confidence": item.confidence,
        "effort": item.effort,
    }
    scored.rice_missing = [name for name, value in rice_inputs.items() if value is None]
    if not scored.rice_missing:
        try:
            scored.rice = rice(
                RiceInputs(
                    scored.reach,  # type: ignore[arg-type]
                    item.impact,  # type: ignore[arg-type]
                    item.confidence / 100,  # type: ignore[operator]
                    item.effort,  # type: ignore[arg-type]
                )
            )
        except ScoreInputError as error:
            scored.rice_missing = [error.field]
    wsjf_inputs = {
        "business_value": item.business_value,
        "time_criticality": item.time_criticality,
        "risk_reduction": item.risk_reduction,
        "job_size": item.job_size,
    }
    scored.wsjf_missing = [name for name, value in wsjf_inputs.items() if value is None]
    if not scored.wsjf_missing:
        try:
            scored.wsjf = wsjf(WsjfInputs(**wsjf_inputs))  # type: ignore[arg-type]
        except ScoreInputError as error:
            scored.wsjf_missing = [error.field]
    return scored


def score_items(items: Iterable[RoadmapItem], as_of: datetime | None = None) -> list[ScoredItem]:
    """Score and rank these items among themselves (callers have checked access).

    Reach taken from a metric is its latest measurement at ``as_of`` (now). Ties keep the
    items' order, which is oldest first.
    """
    items = list(items)
    values = latest_values(
        (i.reach_metric_id for i in items if i.reach_metric_id), as_of or timezone.now()
    )
    scored = [_score(item, values) for item in items]
    for ranking in RANKINGS:
        ranked = rank([(index, s.score_by(ranking)) for index, s in enumerate(scored)])
        for index, _, position in ranked:
            setattr(scored[index], f"rank_{ranking}", position)
    return scored


def sort_by_rank(scored: Sequence[ScoredItem], ranking: str) -> list[ScoredItem]:
    """Best rank first; unscored items last, oldest first."""
    return sorted(
        scored,
        key=lambda s: (s.rank_by(ranking) is None, s.rank_by(ranking) or 0, s.item.pk),
    )


def _items(product: Product) -> QuerySet[RoadmapItem]:
    return (
        RoadmapItem.objects.filter(product=product)
        .select_related("product", "owner_team", "reach_metric", "release")
        .prefetch_related("goals")
        .order_by("id")
    )


def list_roadmap_items(actor: Actor, product_id: int) -> QuerySet[RoadmapItem]:
    """A product's roadmap items, oldest first."""
    _, product = access_row(actor, Product, product_id)
    return _items(product)


def get_roadmap_item(actor: Actor, item_id: int) -> RoadmapItem:
    """One roadmap item of a product the actor can see."""
    return access_row(actor, RoadmapItem, item_id)[1]


def ranked_roadmap(
    actor: Actor, product_id: int, ranking: str = "rice", *, open_only: bool = True
) -> list[ScoredItem]:
    """A product's roadmap ranked by RICE or WSJF (open items only, unless asked otherwise)."""
    _, product = access_row(actor, Product, product_id)
    items = _items(product)
    if open_only:
        items = items.filter(status__in=OPEN_ITEM_STATUSES)
    return sort_by_rank(score_items(items), ranking)


def scored_item(actor: Actor, item_id: int) -> ScoredItem:
    """One item with its scores, ranked among its product's open items."""
    item = get_roadmap_item(actor, item_id)
    peers = _items(item.product).filter(status__in=OPEN_ITEM_STATUSES)
    if not item.is_open:
        # Shipped and closed items keep their scores but no longer compete for a rank.
        scored = score_items([item])[0]
        scored.rank_rice = scored.rank_wsjf = None
        return scored
    return next(s for s in score_items(peers) if s.item.pk == item.pk)


def board_columns(scored: Sequence[ScoredItem], ranking: str) -> list[dict[str, Any]]:
    """Now, next and later columns of open items, each ranked (unplaced items in a fourth)."""
    columns = []
    for horizon in [*HORIZONS, ""]:
        cards = [s for s in scored if s.item.horizon == horizon and s.item.is_open]
        if horizon or cards:
            columns.append(
                {
                    "horizon": horizon,
                    "label": horizon.capitalize() if horizon else "Not placed",
                    "cards": sort_by_rank(cards, ranking),
                }
            )
    return columns


# -- predicted against actual ------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactView:
    impact: ExpectedImpact
    comparison: ImpactComparison | None  # None until the item ships


def item_impacts(actor: Actor, item_id: int, as_of: datetime | None = None) -> list[ImpactView]:
    """Each expected impact of an item, compared with the measured change once it shipped."""
    access, item = access_row(actor, RoadmapItem, item_id)
    return impacts_of([item], access.organisation.time_zone, as_of).get(item.pk, [])


def impacts_of(
    items: Iterable[RoadmapItem], time_zone: str, as_of: datetime | None = None
) -> dict[int, list[ImpactView]]:
    """Expected against measured change for these items (callers have checked access)."""
    items = list(items)
    impacts = list(ExpectedImpact.objects.filter(item__in=items).select_related("metric", "item"))
    points = points_of({i.metric_id for i in impacts})
    moment = day_of(as_of or timezone.now())
    views: dict[int, list[ImpactView]] = {}
    for impact in impacts:
        shipped = impact.item.shipped_on if impact.item.status == "shipped" else None
        comparison = (
            compare(
                impact.change,
                points.get(impact.metric_id, []),
                # Shipped at the end of the ship day: that day's measurement is "before".
                day_of_date(shipped, time_zone) + 1,
                moment,
            )
            if shipped
            else None
        )
        views.setdefault(impact.item_id, []).append(ImpactView(impact, comparison))
    return views


# -- timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    scored: ScoredItem
    span: Span
    first_column: int  # 1-based grid columns over the quarters shown
    last_column: int
    clipped_start: bool
    clipped_end: bool


def timeline(
    scored: Sequence[ScoredItem], today: date, quarters: int = 6
) -> tuple[list[Quarter], list[TimelineRow], list[ScoredItem]]:
    """The quarters shown (last quarter to four ahead), the timed rows and the untimed items."""
    first = quarter_of(today).shifted(-1)
    shown = [first.shifted(n) for n in range(quarters)]
    rows, untimed = [], []
    for s in scored:
        i = s.item
        span = span_of(
            today=today,
            horizon=i.horizon,
            quarter=i.target_quarter,
            start=i.start_date,
            end=i.end_date or i.shipped_on,
        )
        if span is None or span.end < shown[0].first_day or span.start > shown[-1].last_day:
            untimed.append(s)
            continue
        start_q = max(quarter_of(span.start), shown[0])
        end_q = min(quarter_of(span.end), shown[-1])
        rows.append(
            TimelineRow(
                s,
                span,
                shown.index(start_q) + 1,
                shown.index(end_q) + 2,
                span.start < shown[0].first_day,
                span.end > shown[-1].last_day,
            )
        )
    rows.sort(key=lambda r: (r.span.start, r.span.end, r.scored.item.pk))
    return shown, rows, untimed


# -- teams across a product --------------------------------------------------------------------


def cross_team(actor: Actor, product_id: int) -> list[dict[str, Any]]:
    """Per team involved in a product: its members and the open items it owns."""
    _, product = access_row(actor, Product, product_id)
    items = list(
        RoadmapItem.objects.filter(product=product, status__in=OPEN_ITEM_STATUSES).order_by(
            "horizon", "id"
        )
    )
    team_ids = {i.owner_team_id for i in items if i.owner_team_id}
    team_ids |= set(product.teams.values_list("pk", flat=True))
    teams = Team.objects.filter(pk__in=team_ids).prefetch_related(
        Prefetch("members", to_attr="people")
    )
    rows = [
        {
            "team": team,
            "members": list(team.people),
            "items": [i for i in items if i.owner_team_id == team.pk],
        }
        for team in teams
    ]
    unowned = [i for i in items if i.owner_team_id is None]
    if unowned:
        rows.append({"team": None, "members": [], "items": unowned})
    return rows
