"""REST endpoints of the products app: products, their lifecycle, comments and the portfolio.

Goals, metrics and measurements are in api_metrics; the roadmap, releases and teams in
api_roadmap. Both are mounted on this router.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.core.lifecycle import Stage
from tandem.errors import NotFound
from tandem.products import queries, services, services_lifecycle
from tandem.products.api_metrics import router as metrics_router
from tandem.products.api_roadmap import router as roadmap_router
from tandem.products.delivery import delivery_by_product
from tandem.products.gates import GateItem, evaluate
from tandem.products.models import Comment, Product, RetirementPlan, StageCriterion
from tandem.products.schemas import (
    CommentIn,
    CommentOut,
    CriterionIn,
    CriterionOut,
    CriterionPatch,
    PortfolioOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    RetirementPlanIn,
    RetirementPlanOut,
    RetirementPlanPatch,
    StageMoveIn,
    TransitionOut,
)
from tandem.web.http import actor, apply_ordering, if_match_version, set_etag

router = Router(tags=["products"])

PRODUCT_ORDERING = {
    "name": "name",
    "key": "key",
    "stage": "stage",
    "created_at": "created_at",
    "stage_changed_at": "stage_changed_at",
}


@router.get(
    "/organisations/{organisation_id}/products",
    response=list[ProductOut],
    summary="Products; filter by stage or owner, search the name, order by name, key, stage, "
    "created_at or stage_changed_at",
)
@paginate(LimitOffsetPagination)
def list_products(
    request: HttpRequest,
    organisation_id: int,
    stage: Stage | None = None,
    owner_id: int | None = None,
    q: str | None = None,
    ordering: str | None = None,
) -> Any:
    products = queries.list_products(actor(request), organisation_id).prefetch_related(
        "stakeholders", "teams"
    )
    if stage:
        products = products.filter(stage=stage)
    if owner_id is not None:
        products = products.filter(owner_id=owner_id)
    if q:
        products = products.filter(name__icontains=q)
    return apply_ordering(products, ordering, PRODUCT_ORDERING)


@router.post(
    "/organisations/{organisation_id}/products",
    response={201: ProductOut},
    summary="Create a product (it starts in planning)",
)
def create_product(
    request: HttpRequest, organisation_id: int, payload: ProductIn
) -> Status[Product]:
    return Status(201, services.create_product(actor(request), organisation_id, **payload.dict()))


@router.get("/products/{product_id}", response=ProductOut)
def get_product(request: HttpRequest, response: HttpResponse, product_id: int) -> Product:
    product = queries.get_product(actor(request), product_id)
    set_etag(response, product)
    return product


@router.patch(
    "/products/{product_id}",
    response=ProductOut,
    summary="Change a product's description, owner, stakeholders or teams (If-Match required)",
)
def update_product(
    request: HttpRequest, response: HttpResponse, product_id: int, payload: ProductPatch
) -> Product:
    product = services.update_product(
        actor(request),
        product_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, product)
    return product


@router.delete(
    "/products/{product_id}",
    response={204: None},
    summary="Delete a product still in planning (later ones are retired instead)",
)
def delete_product(request: HttpRequest, product_id: int) -> Status[None]:
    services.delete_product(actor(request), product_id)
    return Status(204, None)


# -- lifecycle ---------------------------------------------------------------------------------


@router.post(
    "/products/{product_id}/stage",
    response=ProductOut,
    summary="Move the product to the next stage (or retire it) through the stage gate "
    "(If-Match required)",
)
def advance_stage(
    request: HttpRequest, response: HttpResponse, product_id: int, payload: StageMoveIn
) -> Product:
    product = services_lifecycle.advance_stage(
        actor(request), product_id, version=if_match_version(request), **payload.dict()
    )
    set_etag(response, product)
    return product


@router.get(
    "/products/{product_id}/stage-history",
    response=list[TransitionOut],
    summary="Every move between stages: who, when, why, and overridden gates",
)
@paginate(LimitOffsetPagination)
def stage_history(request: HttpRequest, product_id: int) -> Any:
    return queries.stage_history(actor(request), product_id)


def _criterion_out(item: GateItem) -> dict[str, Any]:
    criterion = item.row
    fields = ("id", "product_id", "stage", "description", "done", "metric_id", "comparison")
    return {
        **{f: getattr(criterion, f) for f in fields},
        "threshold": criterion.threshold,
        "position": criterion.position,
        "version": criterion.version,
        "met": item.met,
    }


def _evaluated(criterion: StageCriterion) -> dict[str, Any]:
    return _criterion_out(evaluate([criterion], timezone.now())[0])


@router.get(
    "/products/{product_id}/criteria",
    response=list[CriterionOut],
    summary="Exit criteria of every stage, or of one (?stage=), with whether each is met",
)
@paginate(LimitOffsetPagination)
def list_criteria(request: HttpRequest, product_id: int, stage: Stage | None = None) -> Any:
    criteria = queries.list_criteria(actor(request), product_id)
    if stage:
        criteria = criteria.filter(stage=stage)
    return [_criterion_out(item) for item in evaluate(criteria, timezone.now())]


@router.post("/products/{product_id}/criteria", response={201: CriterionOut})
def add_criterion(
    request: HttpRequest, product_id: int, payload: CriterionIn
) -> Status[dict[str, Any]]:
    criterion = services_lifecycle.add_stage_criterion(actor(request), product_id, **payload.dict())
    return Status(201, _evaluated(criterion))


@router.get("/criteria/{criterion_id}", response=CriterionOut)
def get_criterion(
    request: HttpRequest, response: HttpResponse, criterion_id: int
) -> dict[str, Any]:
    criterion = queries.get_criterion(actor(request), criterion_id)
    set_etag(response, criterion)
    return _evaluated(criterion)


@router.patch(
    "/criteria/{criterion_id}",
    response=CriterionOut,
    summary="Tick a criterion or change it (If-Match required)",
)
def update_criterion(
    request: HttpRequest, response: HttpResponse, criterion_id: int, payload: CriterionPatch
) -> dict[str, Any]:
    criterion = services_lifecycle.update_stage_criterion(
        actor(request),
        criterion_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, criterion)
    return _evaluated(criterion)


@router.delete("/criteria/{criterion_id}", response={204: None})
def delete_criterion(request: HttpRequest, criterion_id: int) -> Status[None]:
    services_lifecycle.delete_stage_criterion(actor(request), criterion_id)
    return Status(204, None)


@router.get(
    "/products/{product_id}/retirement-plan",
    response=RetirementPlanOut,
    summary="The product's retirement plan (404 while it has none)",
)
def get_retirement_plan(
    request: HttpRequest, response: HttpResponse, product_id: int
) -> RetirementPlan:
    plan = queries.find_retirement_plan(actor(request), product_id)
    if plan is None:
        raise NotFound("This product has no retirement plan.", code="retirement_plan.not_found")
    set_etag(response, plan)
    return plan


@router.post("/products/{product_id}/retirement-plan", response={201: RetirementPlanOut})
def plan_retirement(
    request: HttpRequest, product_id: int, payload: RetirementPlanIn
) -> Status[RetirementPlan]:
    plan = services_lifecycle.plan_retirement(actor(request), product_id, **payload.dict())
    return Status(201, plan)


@router.patch(
    "/retirement-plans/{plan_id}",
    response=RetirementPlanOut,
    summary="Change a retirement plan (If-Match required)",
)
def update_retirement_plan(
    request: HttpRequest, response: HttpResponse, plan_id: int, payload: RetirementPlanPatch
) -> RetirementPlan:
    plan = services_lifecycle.update_retirement_plan(
        actor(request),
        plan_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, plan)
    return plan


@router.delete("/retirement-plans/{plan_id}", response={204: None})
def cancel_retirement_plan(request: HttpRequest, plan_id: int) -> Status[None]:
    services_lifecycle.cancel_retirement_plan(actor(request), plan_id)
    return Status(204, None)


# -- comments and portfolio --------------------------------------------------------------------


@router.get("/products/{product_id}/comments", response=list[CommentOut])
@paginate(LimitOffsetPagination)
def list_comments(request: HttpRequest, product_id: int, item_id: int | None = None) -> Any:
    return queries.list_comments(actor(request), product_id, item_id)


@router.post(
    "/products/{product_id}/comments",
    response={201: CommentOut},
    summary="Comment on a product or one of its roadmap items (members and up)",
)
def add_comment(request: HttpRequest, product_id: int, payload: CommentIn) -> Status[Comment]:
    return Status(201, services.add_comment(actor(request), product_id, **payload.dict()))


@router.delete("/comments/{comment_id}", response={204: None})
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    services.delete_comment(actor(request), comment_id)
    return Status(204, None)


@router.get(
    "/organisations/{organisation_id}/portfolio",
    response=list[PortfolioOut],
    summary="Every product with its stage, metric health and roadmap progress",
)
@paginate(LimitOffsetPagination)
def portfolio(request: HttpRequest, organisation_id: int) -> Any:
    delivery = delivery_by_product(actor(request), organisation_id)
    rows = []
    for row in queries.portfolio(actor(request), organisation_id):
        forecast = delivery.get(row.product.pk)
        rows.append(
            {
                "product_id": row.product.pk,
                "name": row.product.name,
                "key": row.product.key,
                "stage": row.product.stage,
                "owner": row.product.owner,
                "health": row.health,
                "worst_health": row.worst_health,
                "open_items": row.open_items,
                "in_progress": row.in_progress,
                "shipped": row.shipped,
                "progress": row.progress,
                "retire_on": row.retire_on,
                "projects": forecast.count if forecast else 0,
                "forecast_finish": forecast.finish if forecast else None,
                "late_by_days": forecast.late_by_days if forecast else None,
            }
        )
    return rows


router.add_router("", metrics_router)
router.add_router("", roadmap_router)
