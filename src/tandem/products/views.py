"""Pages for products: the portfolio, the list, a product's overview with its lifecycle,
exit criteria, retirement plan and comments.

Metrics, the roadmap, releases and teams have their own view modules.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_members
from tandem.core.lifecycle import ACTIVE_STAGES, Stage
from tandem.core.permissions import Permission, can
from tandem.errors import DomainError
from tandem.products import (
    queries,
    queries_forecast,
    queries_metrics,
    services,
    services_lifecycle,
)
from tandem.products.delivery import delivery_by_product
from tandem.products.forms import (
    CommentForm,
    CriterionForm,
    CriterionToggleForm,
    ProductForm,
    RetirementPlanForm,
    StageMoveForm,
)
from tandem.products.page_context import member, options, product_frame
from tandem.products.queries_metrics import product_metrics
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page


def _product_url(access: Access, product_id: int, name: str = "products:product") -> str:
    return reverse(name, kwargs={"org": access.organisation.slug, "product_id": product_id})


@require_GET
@organisation_page()
def portfolio(request: HttpRequest, access: Access) -> HttpResponse:
    """Every product with its stage, metric health and roadmap progress."""
    rows = queries.portfolio(member(request), access.organisation.pk)
    delivery = delivery_by_product(member(request), access.organisation.pk)
    return render(
        request,
        "products/portfolio.html",
        {
            "rows": [{"row": row, "delivery": delivery.get(row.product.pk)} for row in rows],
            "outlook": queries_forecast.roadmap_outlook(member(request), access.organisation.pk),
            "stages": list(ACTIVE_STAGES),
            "can_edit": access.can(Permission.EDIT_PRODUCT),
        },
    )


@require_GET
@organisation_page()
def product_list(request: HttpRequest, access: Access) -> HttpResponse:
    """The organisation's products as cards, grouped by stage."""
    products = list(
        queries.list_products(member(request), access.organisation.pk).prefetch_related("teams")
    )
    return render(
        request,
        "products/product_list.html",
        {"products": products, "can_edit": access.can(Permission.EDIT_PRODUCT)},
    )


def _product_form(
    request: HttpRequest, access: Access, data: Any = None, initial: Any = None
) -> ProductForm:
    form = ProductForm(data, initial=initial)
    user = member(request)
    members = list(list_members(user, access.organisation.pk))
    managers = [m.user for m in members if can(m.role, Permission.EDIT_PRODUCT)]
    form.fields["owner_id"].choices = options(managers, "display_name")  # type: ignore[attr-defined]
    form.fields["stakeholder_ids"].choices = options(  # type: ignore[attr-defined]
        [m.user for m in members], "display_name", blank=None
    )
    form.fields["team_ids"].choices = options(  # type: ignore[attr-defined]
        queries.list_teams(user, access.organisation.pk), blank=None
    )
    return form


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def new_product(request: HttpRequest, access: Access) -> HttpResponse:
    """Create a product; it starts in planning."""
    form = _product_form(request, access, request.POST or None, {"owner_id": request.user.pk})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            product = services.create_product(member(request), access.organisation.pk, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"{product.name} created — it starts in planning.")
            return redirect(_product_url(access, product.pk))
    elif request.method == "POST":
        status = 422
    return render(request, "products/product_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def edit_product(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Change a product's description, owner, stakeholders and teams."""
    product, context = product_frame(request, access, product_id, "overview")
    initial = {
        "name": product.name,
        "key": product.key,
        "purpose": product.purpose,
        "vision": product.vision,
        "target_customers": product.target_customers,
        "strategy": product.strategy,
        "owner_id": product.owner_id,
        "stakeholder_ids": [u.pk for u in product.stakeholders.all()],
        "team_ids": [t.pk for t in product.teams.all()],
        "version": product.version,
    }
    form = _product_form(request, access, request.POST or None, initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_product(member(request), product.pk, version=version, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Product saved.")
            return redirect(_product_url(access, product.pk))
    elif request.method == "POST":
        status = 422
    return render(request, "products/product_form.html", {**context, "form": form}, status=status)


def _overview(
    request: HttpRequest,
    access: Access,
    product_id: int,
    *,
    move_form: StageMoveForm | None = None,
    criterion_form: CriterionForm | None = None,
    comment_form: CommentForm | None = None,
) -> tuple[dict[str, Any], Any]:
    user = member(request)
    product, context = product_frame(request, access, product_id, "overview")
    state = queries.lifecycle(user, product.pk)
    metrics = product_metrics(user, product.pk)
    if move_form is None:
        target = state.next_stage.value if state.next_stage else ""
        move_form = StageMoveForm(initial={"to_stage": target, "version": product.version})
    move_form.fields["to_stage"].choices = [  # type: ignore[attr-defined]
        (s.value, s.label)
        for s in Stage
        if s.order > product.stage_enum.order and (s is state.next_stage or s is Stage.RETIRED)
    ]
    if criterion_form is None:
        criterion_form = CriterionForm(initial={"stage": product.stage})
    criterion_form.fields["metric_id"].choices = options(  # type: ignore[attr-defined]
        [v.metric for v in metrics]
    )
    criterion_form.fields["stage"].choices = [  # type: ignore[attr-defined]
        (s.value, s.label) for s in ACTIVE_STAGES if s.order >= product.stage_enum.order
    ]
    context.update(
        {
            "lifecycle": state,
            "metrics": metrics,
            "goals": list(queries_metrics.list_goals(user, product.pk)),
            "plan": queries.find_retirement_plan(user, product.pk),
            "move_form": move_form,
            "criterion_form": criterion_form,
            "comment_form": comment_form or CommentForm(),
            "comments": list(queries.list_comments(user, product.pk).filter(item=None)),
            "stakeholders": list(product.stakeholders.all()),
            "teams": list(product.teams.all()),
            "criteria_by_stage": _criteria_by_stage(user, product),
            "outlook": queries_forecast.roadmap_outlook(
                user, access.organisation.pk, product_id=product.pk
            ),
        }
    )
    return context, product


def _criteria_by_stage(user: Any, product: Any) -> list[dict[str, Any]]:
    """Exit criteria of the stages after the current one, for planning ahead."""
    rows = list(queries.list_criteria(user, product.pk))
    return [
        {"stage": stage, "criteria": [r for r in rows if r.stage == stage]}
        for stage in ACTIVE_STAGES
        if stage.order > product.stage_enum.order and any(r.stage == stage for r in rows)
    ]


@require_GET
@organisation_page()
def product_page(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """A product: purpose and strategy, lifecycle with its gate, goals and metrics, comments."""
    context, _ = _overview(request, access, product_id)
    return render(request, "products/product.html", context)


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def move_stage(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Move the product through its stage gate (or show why it may not move)."""
    form = StageMoveForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            product = services_lifecycle.advance_stage(
                member(request),
                product_id,
                version=data["version"],
                to_stage=data["to_stage"],
                reason=data["reason"],
                override=data["override"],
            )
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"{product.name} is now in {product.stage}.")
            return redirect(_product_url(access, product.pk))
    context, _ = _overview(request, access, product_id, move_form=form)
    return render(request, "products/product.html", context, status=status)


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def add_criterion(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Add an exit criterion to a stage."""
    form = CriterionForm(request.POST)
    context, product = _overview(request, access, product_id, criterion_form=form)
    status = 422
    if form.is_valid():
        try:
            services_lifecycle.add_stage_criterion(member(request), product.pk, **form.cleaned_data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Exit criterion added.")
            return redirect(_product_url(access, product.pk) + "#lifecycle")
    return render(request, "products/product.html", context, status=status)


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def toggle_criterion(
    request: HttpRequest, access: Access, product_id: int, criterion_id: int
) -> HttpResponse:
    """Tick or untick a checklist criterion."""
    form = CriterionToggleForm(request.POST)
    if form.is_valid():
        try:
            services_lifecycle.update_stage_criterion(
                member(request),
                criterion_id,
                version=form.cleaned_data["version"],
                done=form.cleaned_data["done"],
            )
        except DomainError as error:
            messages.error(request, error.message)
    return redirect(_product_url(access, product_id) + "#lifecycle")


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def delete_criterion(
    request: HttpRequest, access: Access, product_id: int, criterion_id: int
) -> HttpResponse:
    """Remove an exit criterion."""
    try:
        services_lifecycle.delete_stage_criterion(member(request), criterion_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Exit criterion removed.")
    return redirect(_product_url(access, product_id) + "#lifecycle")


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def retirement_plan(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Write or change the product's retirement plan."""
    user = member(request)
    product, context = product_frame(request, access, product_id, "overview")
    plan = queries.find_retirement_plan(user, product.pk)
    initial = (
        {
            "retire_on": plan.retire_on,
            "replacement_id": plan.replacement_id,
            "communication": plan.communication,
            "data_handling": plan.data_handling,
            "open_items": plan.open_items,
            "version": plan.version,
        }
        if plan
        else {"open_items": "close"}
    )
    form = RetirementPlanForm(request.POST or None, initial=initial)
    others = queries.list_products(user, access.organisation.pk).exclude(pk=product.pk)
    form.fields["replacement_id"].choices = options(  # type: ignore[attr-defined]
        [p for p in others if not p.is_retired], blank="None"
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            if plan is None:
                services_lifecycle.plan_retirement(user, product.pk, **data)
            else:
                services_lifecycle.update_retirement_plan(user, plan.pk, version=version, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Retirement plan saved.")
            return redirect(_product_url(access, product.pk))
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "products/retirement_plan.html",
        {**context, "form": form, "plan": plan},
        status=status,
    )


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def cancel_retirement(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Drop the retirement plan."""
    plan = queries.find_retirement_plan(member(request), product_id)
    if plan is not None:
        try:
            services_lifecycle.cancel_retirement_plan(member(request), plan.pk)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Retirement plan cancelled.")
    return redirect(_product_url(access, product_id))


@require_POST
@organisation_page(Permission.COMMENT)
def add_comment(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """Comment on the product or one of its roadmap items."""
    form = CommentForm(request.POST)
    item_id = request.POST.get("item_id") or None
    back = (
        reverse(
            "products:item",
            kwargs={"org": access.organisation.slug, "product_id": product_id, "item_id": item_id},
        )
        if item_id and item_id.isdigit()
        else _product_url(access, product_id)
    )
    if form.is_valid():
        try:
            services.add_comment(
                member(request),
                product_id,
                body=form.cleaned_data["body"],
                item_id=form.cleaned_data["item_id"],
            )
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Write something to comment.")
    return redirect(back + "#comments")


@require_POST
@organisation_page(Permission.COMMENT)
def delete_comment(
    request: HttpRequest, access: Access, product_id: int, comment_id: int
) -> HttpResponse:
    """Remove a comment (its author, or a product manager)."""
    try:
        services.delete_comment(member(request), comment_id)
    except DomainError as error:
        messages.error(request, error.message)
    back = request.POST.get("next", "")
    # Only back to a page of this organisation: never an address someone slipped in.
    if not back.startswith(f"/o/{access.organisation.slug}/"):
        back = _product_url(access, product_id)
    return redirect(back + "#comments")
