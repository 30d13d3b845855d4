"""Pages for the roadmap: the now/next/later board (drag to move), the ranking with RICE and
WSJF inputs, the timeline, an item with predicted against actual, and the organisation's
board across products.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError, Invalid
from tandem.products import (
    queries,
    queries_forecast,
    queries_metrics,
    queries_roadmap,
    services_roadmap,
)
from tandem.products.access import not_found
from tandem.products.delivery import delivery_of_item
from tandem.products.forms import CommentForm, ImpactForm, MoveForm, RoadmapItemForm
from tandem.products.models import RoadmapItem
from tandem.products.page_context import member, options, product_frame
from tandem.products.queries_roadmap import RANKINGS
from tandem.web.errors import status_for
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page

ITEM_INPUTS = (
    "title",
    "kind",
    "status",
    "description",
    "owner_team_id",
    "horizon",
    "target_quarter",
    "start_date",
    "end_date",
    "reach",
    "reach_metric_id",
    "reach_share",
    "impact",
    "confidence",
    "effort",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "job_size",
    "release_id",
)


def _ranking(request: HttpRequest) -> str:
    wanted = request.GET.get("by") or request.POST.get("by") or "rice"
    return wanted if wanted in RANKINGS else "rice"


def _url(access: Access, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org": access.organisation.slug, **kwargs})


def _item_of(request: HttpRequest, product_id: int, item_id: int) -> RoadmapItem:
    item = queries_roadmap.get_roadmap_item(member(request), item_id)
    if item.product_id != product_id:
        raise not_found(RoadmapItem)
    return item


def _board_context(
    request: HttpRequest, access: Access, product_id: int, error: DomainError | None = None
) -> dict[str, Any]:
    ranking = _ranking(request)
    product, context = product_frame(request, access, product_id, "roadmap")
    scored = queries_roadmap.ranked_roadmap(member(request), product.pk, ranking)
    context.update(
        {
            "ranking": ranking,
            "columns": queries_roadmap.board_columns(scored, ranking),
            "view": "board",
            "board_error": error,
            "show_product": False,
        }
    )
    return context


@require_GET
@organisation_page()
def board(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Now, next and later: open items ranked by RICE or WSJF; drag a card to move it."""
    return render(request, "products/board.html", _board_context(request, access, product_id))


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def move_item(request: HttpRequest, access: Access, product_id: int, item_id: int) -> HttpResponse:
    """Move a card between columns; the board's script gets the board back, a form a redirect."""
    form = MoveForm(request.POST)
    error: DomainError | None = None
    status = 200
    _item_of(request, product_id, item_id)
    if form.is_valid():
        try:
            services_roadmap.move_roadmap_item(
                member(request),
                item_id,
                version=form.cleaned_data["version"],
                horizon=form.cleaned_data["horizon"],
            )
        except DomainError as refusal:
            error, status = refusal, status_for(refusal)
    else:
        error = Invalid("Choose now, next or later.", field="horizon")
        status = status_for(error)
    if request.headers.get("X-Board") == "1":
        # The board re-renders its columns in place (see static/products/board.js).
        context = (
            _org_board_context(request, access, error)
            if request.POST.get("scope") == "organisation"
            else _board_context(request, access, product_id, error)
        )
        return render(request, "products/_board.html", context, status=status)
    if error is not None:
        messages.error(request, error.message)
    return redirect(_url(access, "products:board", product_id=product_id))


@require_GET
@organisation_page()
def ranking(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Every open item ranked, with the RICE and WSJF inputs that made its scores."""
    by = _ranking(request)
    product, context = product_frame(request, access, product_id, "roadmap")
    scored = queries_roadmap.ranked_roadmap(member(request), product.pk, by)
    context.update({"ranking": by, "rows": scored, "view": "ranking"})
    return render(request, "products/ranking.html", context)


@require_GET
@organisation_page()
def timeline(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """The roadmap over six quarters, from dates, target quarters or now/next/later."""
    product, context = product_frame(request, access, product_id, "roadmap")
    scored = queries_roadmap.ranked_roadmap(member(request), product.pk, open_only=False)
    quarters, rows, untimed = queries_roadmap.timeline(scored, timezone.localdate())
    today = timezone.localdate()
    context.update(
        {
            "quarters": quarters,
            "rows": rows,
            "untimed": [s for s in untimed if s.item.is_open],
            "current_quarter": next(q for q in quarters if q.first_day <= today <= q.last_day),
            "view": "timeline",
            "ranking": _ranking(request),
        }
    )
    return render(request, "products/timeline.html", context)


def _org_board_context(
    request: HttpRequest, access: Access, error: DomainError | None = None
) -> dict[str, Any]:
    ranking = _ranking(request)
    user = member(request)
    products = [p for p in queries.list_products(user, access.organisation.pk) if not p.is_retired]
    chosen = request.GET.get("product") or request.POST.get("product") or ""
    if chosen.isdigit():
        products = [p for p in products if p.pk == int(chosen)]
    scored = []
    for product in products:
        scored.extend(queries_roadmap.ranked_roadmap(user, product.pk, ranking))
    return {
        "ranking": ranking,
        "columns": queries_roadmap.board_columns(scored, ranking),
        "products": [
            p for p in queries.list_products(user, access.organisation.pk) if not p.is_retired
        ],
        "chosen": chosen,
        "board_error": error,
        "show_product": True,
        "scope": "organisation",
        "can_edit": access.can(Permission.EDIT_PRODUCT),
    }


@require_GET
@organisation_page()
def organisation_board(request: HttpRequest, access: Access) -> HttpResponse:
    """Now, next and later across every active product (ranks are per product)."""
    return render(request, "products/org_board.html", _org_board_context(request, access))


# -- items -------------------------------------------------------------------------------------


def _item_form(
    request: HttpRequest, access: Access, product_id: int, **kwargs: Any
) -> RoadmapItemForm:
    user = member(request)
    form = RoadmapItemForm(request.POST or None, **kwargs)
    form.fields["owner_team_id"].choices = options(  # type: ignore[attr-defined]
        queries.list_teams(user, access.organisation.pk)
    )
    form.fields["goal_ids"].choices = options(  # type: ignore[attr-defined]
        queries_metrics.list_goals(user, product_id), "title", blank=None
    )
    form.fields["reach_metric_id"].choices = options(  # type: ignore[attr-defined]
        queries_metrics.list_metrics(user, product_id)
    )
    form.fields["release_id"].choices = options(  # type: ignore[attr-defined]
        queries.list_releases(user, product_id), "label"
    )
    return form


def _item_values(form: RoadmapItemForm) -> dict[str, Any]:
    data = {field: form.cleaned_data[field] for field in ITEM_INPUTS}
    data["goal_ids"] = form.cleaned_data["goal_ids"]
    return data


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def new_item(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Add a roadmap item with its timing and score inputs."""
    product, context = product_frame(request, access, product_id, "roadmap")
    initial = {"kind": "feature", "status": "proposed", "reach_share": 100, "confidence": 80}
    initial.update({k: v for k, v in request.GET.items() if k in ("horizon", "kind")})
    form = _item_form(request, access, product.pk, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = _item_values(form)
        try:
            item = services_roadmap.create_roadmap_item(member(request), product.pk, **values)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"“{item.title}” added to the roadmap.")
            return redirect(_url(access, "products:board", product_id=product.pk))
    elif request.method == "POST":
        status = 422
    return render(request, "products/item_form.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def edit_item(request: HttpRequest, access: Access, product_id: int, item_id: int) -> HttpResponse:
    """Change a roadmap item."""
    product, context = product_frame(request, access, product_id, "roadmap")
    item = _item_of(request, product.pk, item_id)
    initial = {field: getattr(item, field) for field in ITEM_INPUTS}
    initial.update(goal_ids=[g.pk for g in item.goals.all()], version=item.version)
    form = _item_form(request, access, product.pk, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services_roadmap.update_roadmap_item(
                member(request), item.pk, version=form.cleaned_data["version"], **_item_values(form)
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Roadmap item saved.")
            return redirect(_url(access, "products:item", product_id=product.pk, item_id=item.pk))
    elif request.method == "POST":
        status = 422
    return render(
        request, "products/item_form.html", {**context, "form": form, "item": item}, status=status
    )


def _item_context(
    request: HttpRequest,
    access: Access,
    product_id: int,
    item_id: int,
    impact_form: ImpactForm | None = None,
) -> dict[str, Any]:
    user = member(request)
    product, context = product_frame(request, access, product_id, "roadmap")
    item = _item_of(request, product.pk, item_id)
    form: ImpactForm = impact_form or ImpactForm()
    form.fields["metric_id"].choices = options(  # type: ignore[attr-defined]
        queries_metrics.list_metrics(user, product.pk), blank=None
    )
    context.update(
        {
            "scored": queries_roadmap.scored_item(user, item.pk),
            "item": item,
            "impacts": queries_roadmap.item_impacts(user, item.pk),
            "impact_form": form,
            "comments": list(queries.list_comments(user, product.pk, item.pk)),
            "comment_form": CommentForm(initial={"item_id": item.pk}),
            "goals": list(item.goals.all()),
            "deliveries": delivery_of_item(user, item),
            "outlook": queries_forecast.item_outlook(user, item.pk),
        }
    )
    return context


@require_GET
@organisation_page()
def item_page(request: HttpRequest, access: Access, product_id: int, item_id: int) -> HttpResponse:
    """A roadmap item: why (goals, expected impact), scores with inputs, predicted vs actual."""
    return render(
        request, "products/item.html", _item_context(request, access, product_id, item_id)
    )


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def delete_item(
    request: HttpRequest, access: Access, product_id: int, item_id: int
) -> HttpResponse:
    """Remove a roadmap item."""
    _item_of(request, product_id, item_id)
    try:
        services_roadmap.delete_roadmap_item(member(request), item_id)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_url(access, "products:item", product_id=product_id, item_id=item_id))
    messages.success(request, "Roadmap item removed.")
    return redirect(_url(access, "products:board", product_id=product_id))


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def add_impact(request: HttpRequest, access: Access, product_id: int, item_id: int) -> HttpResponse:
    """Say how much the item should move one of the product's metrics."""
    form = ImpactForm(request.POST)
    context = _item_context(request, access, product_id, item_id, impact_form=form)
    status = 422
    if form.is_valid():
        try:
            services_roadmap.add_expected_impact(member(request), item_id, **form.cleaned_data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Expected impact added.")
            return redirect(_url(access, "products:item", product_id=product_id, item_id=item_id))
    return render(request, "products/item.html", context, status=status)


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def delete_impact(
    request: HttpRequest, access: Access, product_id: int, item_id: int, impact_id: int
) -> HttpResponse:
    """Drop an expected impact."""
    try:
        services_roadmap.delete_expected_impact(member(request), impact_id)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_url(access, "products:item", product_id=product_id, item_id=item_id))


@require_GET
@organisation_page()
def product_teams(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Who works on what: each team involved, its members and the open items it owns."""
    product, context = product_frame(request, access, product_id, "teams")
    context["rows"] = queries_roadmap.cross_team(member(request), product.pk)
    return render(request, "products/product_teams.html", context)
