"""Pages for releases: the list with what each shipped, a form to add or change one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.core.permissions import Permission
from tandem.errors import DomainError
from tandem.products import queries, queries_roadmap, services_releases
from tandem.products.access import not_found
from tandem.products.forms import ReleaseForm
from tandem.products.models import Release
from tandem.products.page_context import member, product_frame
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page


def _releases_url(access: Access, product_id: int) -> str:
    return reverse(
        "products:releases", kwargs={"org": access.organisation.slug, "product_id": product_id}
    )


def _release_form(
    request: HttpRequest, product_id: int, release: Release | None = None, **kwargs: Any
) -> ReleaseForm:
    form = ReleaseForm(request.POST or None, **kwargs)
    items = queries_roadmap.list_roadmap_items(member(request), product_id).exclude(status="closed")
    form.fields["item_ids"].choices = [  # type: ignore[attr-defined]
        (item.pk, item.title)
        for item in items
        if item.release_id in (None, release.pk if release else None)
    ]
    return form


@require_http_methods(["GET", "POST"])
@organisation_page()
def releases(request: HttpRequest, access: Access, product_id: int) -> HttpResponse:
    """The product's releases with the items each carries; product managers add new ones."""
    product, context = product_frame(request, access, product_id, "releases")
    if request.method == "POST":
        access.require(Permission.EDIT_PRODUCT)
    form = _release_form(request, product.pk, initial={"status": "planned"})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            release = services_releases.create_release(member(request), product.pk, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"Release {release.label} added.")
            return redirect(_releases_url(access, product.pk))
    elif request.method == "POST":
        status = 422
    context.update(
        {"releases": list(queries.list_releases(member(request), product.pk)), "form": form}
    )
    return render(request, "products/releases.html", context, status=status)


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.EDIT_PRODUCT)
def edit_release(
    request: HttpRequest, access: Access, product_id: int, release_id: int
) -> HttpResponse:
    """Change a release; marking it released ships its items on its actual date."""
    product, context = product_frame(request, access, product_id, "releases")
    release = queries.get_release(member(request), release_id)
    if release.product_id != product.pk:
        raise not_found(Release)
    fields = ("label", "title", "status", "planned_date", "actual_date", "notes", "version")
    initial = {f: getattr(release, f) for f in fields}
    initial["item_ids"] = [i.pk for i in release.items.all()]
    form = _release_form(request, product.pk, release, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services_releases.update_release(member(request), release.pk, version=version, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"Release {data['label']} saved.")
            return redirect(_releases_url(access, product.pk))
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "products/release_form.html",
        {**context, "form": form, "release": release},
        status=status,
    )


@require_POST
@organisation_page(Permission.EDIT_PRODUCT)
def delete_release(
    request: HttpRequest, access: Access, product_id: int, release_id: int
) -> HttpResponse:
    """Remove a release that has not shipped."""
    try:
        services_releases.delete_release(member(request), release_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Release removed.")
    return redirect(_releases_url(access, product_id))
