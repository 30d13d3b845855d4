"""REST endpoints for the roadmap (items with RICE and WSJF, expected impacts with predicted
against actual), releases and teams.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.errors import Invalid
from tandem.products import (
    queries,
    queries_roadmap,
    services_releases,
    services_roadmap,
    services_teams,
)
from tandem.products.models import Release, Team
from tandem.products.queries_roadmap import ImpactView, ScoredItem
from tandem.products.schemas import (
    ImpactIn,
    ImpactOut,
    ImpactPatch,
    MoveIn,
    ReleaseIn,
    ReleaseOut,
    ReleasePatch,
    RoadmapItemIn,
    RoadmapItemOut,
    RoadmapItemPatch,
    TeamIn,
    TeamOut,
    TeamPatch,
)
from tandem.web.http import actor, apply_ordering, if_match_version, set_etag

router = Router(tags=["roadmap"])

ITEM_FIELDS = (
    "id",
    "product_id",
    "title",
    "kind",
    "description",
    "status",
    "owner_team_id",
    "horizon",
    "target_quarter",
    "start_date",
    "end_date",
    "release_id",
    "shipped_on",
    "created_at",
    "version",
)
ITEM_ORDERING = ("rice", "wsjf", "title", "created_at", "status", "horizon")
RELEASE_ORDERING = {
    "label": "label",
    "planned_date": "planned_date",
    "actual_date": "actual_date",
    "created_at": "created_at",
}
TEAM_ORDERING = {"name": "name", "created_at": "created_at"}


def _item_out(scored: ScoredItem) -> dict[str, Any]:
    item = scored.item
    return {
        **{field: getattr(item, field) for field in ITEM_FIELDS},
        "goal_ids": [goal.pk for goal in item.goals.all()],
        "rice": {
            "score": scored.rice,
            "rank": scored.rank_rice,
            "reach": scored.reach,
            "reach_source": scored.reach_source,
            "reach_metric_id": item.reach_metric_id,
            "reach_share": item.reach_share,
            "impact": item.impact,
            "confidence": item.confidence,
            "effort": item.effort,
            "missing": scored.rice_missing,
        },
        "wsjf": {
            "score": scored.wsjf,
            "rank": scored.rank_wsjf,
            "business_value": item.business_value,
            "time_criticality": item.time_criticality,
            "risk_reduction": item.risk_reduction,
            "cost_of_delay": scored.cost_of_delay,
            "job_size": item.job_size,
            "missing": scored.wsjf_missing,
        },
    }


def _sort_items(scored: list[ScoredItem], ordering: str | None) -> list[ScoredItem]:
    if not ordering:
        return scored
    for part in reversed([p.strip() for p in ordering.split(",")]):
        key = part.lstrip("-")
        if key not in ITEM_ORDERING:
            raise Invalid(
                f"Cannot order by '{key}'; use one of {', '.join(sorted(ITEM_ORDERING))}.",
                field="ordering",
            )
        descending = part.startswith("-")
        if key in ("rice", "wsjf"):
            # Rank order first; "-rice" puts the lowest score first. Unscored always last.
            ranked = queries_roadmap.sort_by_rank(scored, key)
            scored_part = [s for s in ranked if s.rank_by(key) is not None]
            rest = [s for s in ranked if s.rank_by(key) is None]
            scored = (scored_part[::-1] if descending else scored_part) + rest
        else:
            scored = sorted(
                scored,
                key=lambda s, k=key: str(getattr(s.item, k)),  # type: ignore[misc]
                reverse=descending,
            )
    return scored


@router.get(
    "/products/{product_id}/roadmap-items",
    response=list[RoadmapItemOut],
    summary="Roadmap items with RICE and WSJF (inputs, score, rank among open items); filter by "
    "status, horizon, kind, team, goal, quarter or text; order by rice, wsjf, title, "
    "created_at, status or horizon",
)
@paginate(LimitOffsetPagination)
def list_items(
    request: HttpRequest,
    product_id: int,
    status: str | None = None,
    horizon: str | None = None,
    kind: str | None = None,
    team_id: int | None = None,
    goal_id: int | None = None,
    quarter: str | None = None,
    q: str | None = None,
    ordering: str | None = None,
) -> Any:
    items = queries_roadmap.list_roadmap_items(actor(request), product_id)
    open_ranked = {
        s.item.pk: s
        for s in queries_roadmap.score_items(
            items.filter(status__in=["proposed", "planned", "in_progress"])
        )
    }
    filters = {
        "status": status,
        "horizon": horizon,
        "kind": kind,
        "owner_team_id": team_id,
        "goals": goal_id,
        "target_quarter": quarter.upper() if quarter else None,
    }
    items = items.filter(**{k: v for k, v in filters.items() if v is not None})
    if q:
        items = items.filter(title__icontains=q)
    scored = [open_ranked.get(item.pk) or queries_roadmap.score_items([item])[0] for item in items]
    return [_item_out(s) for s in _sort_items(scored, ordering)]


@router.post("/products/{product_id}/roadmap-items", response={201: RoadmapItemOut})
def create_item(
    request: HttpRequest, product_id: int, payload: RoadmapItemIn
) -> Status[dict[str, Any]]:
    item = services_roadmap.create_roadmap_item(actor(request), product_id, **payload.dict())
    return Status(201, _item_out(queries_roadmap.scored_item(actor(request), item.pk)))


@router.get("/roadmap-items/{item_id}", response=RoadmapItemOut)
def get_item(request: HttpRequest, response: HttpResponse, item_id: int) -> dict[str, Any]:
    scored = queries_roadmap.scored_item(actor(request), item_id)
    set_etag(response, scored.item)
    return _item_out(scored)


@router.patch(
    "/roadmap-items/{item_id}",
    response=RoadmapItemOut,
    summary="Change a roadmap item (If-Match required)",
)
def update_item(
    request: HttpRequest, response: HttpResponse, item_id: int, payload: RoadmapItemPatch
) -> dict[str, Any]:
    item = services_roadmap.update_roadmap_item(
        actor(request),
        item_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, item)
    return _item_out(queries_roadmap.scored_item(actor(request), item.pk))


@router.post(
    "/roadmap-items/{item_id}/move",
    response=RoadmapItemOut,
    summary="Move an open item to now, next or later, as the board does (If-Match required)",
)
def move_item(
    request: HttpRequest, response: HttpResponse, item_id: int, payload: MoveIn
) -> dict[str, Any]:
    item = services_roadmap.move_roadmap_item(
        actor(request), item_id, version=if_match_version(request), horizon=payload.horizon
    )
    set_etag(response, item)
    return _item_out(queries_roadmap.scored_item(actor(request), item.pk))


@router.delete("/roadmap-items/{item_id}", response={204: None})
def delete_item(request: HttpRequest, item_id: int) -> Status[None]:
    services_roadmap.delete_roadmap_item(actor(request), item_id)
    return Status(204, None)


# -- expected impact ---------------------------------------------------------------------------


def _impact_out(view: ImpactView) -> dict[str, Any]:
    impact, comparison = view.impact, view.comparison
    return {
        "id": impact.pk,
        "item_id": impact.item_id,
        "metric_id": impact.metric_id,
        "change": impact.change,
        "note": impact.note,
        "version": impact.version,
        "outcome": comparison.outcome.value if comparison else None,
        "before": comparison.before.value if comparison and comparison.before else None,
        "after": comparison.after.value if comparison and comparison.after else None,
        "actual": comparison.actual if comparison else None,
        "attainment": comparison.attainment if comparison else None,
    }


def _impact(request: HttpRequest, item_id: int, impact_id: int) -> dict[str, Any]:
    views = queries_roadmap.item_impacts(actor(request), item_id)
    return _impact_out(next(v for v in views if v.impact.pk == impact_id))


@router.get(
    "/roadmap-items/{item_id}/impacts",
    response=list[ImpactOut],
    summary="Expected impact on metrics, and once shipped the measured change (predicted vs "
    "actual)",
)
@paginate(LimitOffsetPagination)
def list_impacts(request: HttpRequest, item_id: int) -> Any:
    return [_impact_out(v) for v in queries_roadmap.item_impacts(actor(request), item_id)]


@router.post("/roadmap-items/{item_id}/impacts", response={201: ImpactOut})
def add_impact(request: HttpRequest, item_id: int, payload: ImpactIn) -> Status[dict[str, Any]]:
    impact = services_roadmap.add_expected_impact(actor(request), item_id, **payload.dict())
    return Status(201, _impact(request, item_id, impact.pk))


@router.patch(
    "/impacts/{impact_id}", response=ImpactOut, summary="Change an expected impact (If-Match)"
)
def update_impact(
    request: HttpRequest, response: HttpResponse, impact_id: int, payload: ImpactPatch
) -> dict[str, Any]:
    impact = services_roadmap.update_expected_impact(
        actor(request),
        impact_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, impact)
    return _impact(request, impact.item_id, impact.pk)


@router.delete("/impacts/{impact_id}", response={204: None})
def delete_impact(request: HttpRequest, impact_id: int) -> Status[None]:
    services_roadmap.delete_expected_impact(actor(request), impact_id)
    return Status(204, None)


# -- releases ----------------------------------------------------------------------------------


@router.get(
    "/products/{product_id}/releases",
    response=list[ReleaseOut],
    tags=["releases"],
    summary="Releases; filter by status, order by label, planned_date, actual_date, created_at",
)
@paginate(LimitOffsetPagination)
def list_releases(
    request: HttpRequest, product_id: int, status: str | None = None, ordering: str | None = None
) -> Any:
    releases = queries.list_releases(actor(request), product_id)
    if status:
        releases = releases.filter(status=status)
    return apply_ordering(releases, ordering, RELEASE_ORDERING)


@router.post("/products/{product_id}/releases", response={201: ReleaseOut}, tags=["releases"])
def create_release(request: HttpRequest, product_id: int, payload: ReleaseIn) -> Status[Release]:
    release = services_releases.create_release(actor(request), product_id, **payload.dict())
    return Status(201, release)


@router.get("/releases/{release_id}", response=ReleaseOut, tags=["releases"])
def get_release(request: HttpRequest, response: HttpResponse, release_id: int) -> Release:
    release = queries.get_release(actor(request), release_id)
    set_etag(response, release)
    return release


@router.patch(
    "/releases/{release_id}",
    response=ReleaseOut,
    tags=["releases"],
    summary="Change a release; status released ships its items (If-Match required)",
)
def update_release(
    request: HttpRequest, response: HttpResponse, release_id: int, payload: ReleasePatch
) -> Release:
    release = services_releases.update_release(
        actor(request),
        release_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, release)
    return release


@router.delete("/releases/{release_id}", response={204: None}, tags=["releases"])
def delete_release(request: HttpRequest, release_id: int) -> Status[None]:
    services_releases.delete_release(actor(request), release_id)
    return Status(204, None)


# -- teams -------------------------------------------------------------------------------------


@router.get(
    "/organisations/{organisation_id}/teams",
    response=list[TeamOut],
    tags=["teams"],
    summary="Teams with their members; search the name, order by name or created_at",
)
@paginate(LimitOffsetPagination)
def list_teams(
    request: HttpRequest, organisation_id: int, q: str | None = None, ordering: str | None = None
) -> Any:
    teams = queries.list_teams(actor(request), organisation_id)
    if q:
        teams = teams.filter(name__icontains=q)
    return apply_ordering(teams, ordering, TEAM_ORDERING)


@router.post("/organisations/{organisation_id}/teams", response={201: TeamOut}, tags=["teams"])
def create_team(request: HttpRequest, organisation_id: int, payload: TeamIn) -> Status[Team]:
    return Status(
        201, services_teams.create_team(actor(request), organisation_id, **payload.dict())
    )


@router.get("/teams/{team_id}", response=TeamOut, tags=["teams"])
def get_team(request: HttpRequest, response: HttpResponse, team_id: int) -> Team:
    team = queries.get_team(actor(request), team_id)
    set_etag(response, team)
    return team


@router.patch("/teams/{team_id}", response=TeamOut, tags=["teams"], summary="Change a team")
def update_team(
    request: HttpRequest, response: HttpResponse, team_id: int, payload: TeamPatch
) -> Team:
    team = services_teams.update_team(
        actor(request),
        team_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, team)
    return team


@router.delete("/teams/{team_id}", response={204: None}, tags=["teams"])
def delete_team(request: HttpRequest, team_id: int) -> Status[None]:
    services_teams.delete_team(actor(request), team_id)
    return Status(204, None)
