"""Calendar feeds: the subscription address calendar apps fetch (no sign-in: the secret in the
link is the credential), and the page where members make, copy, revoke and regenerate them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.accounts.access import Access
from tandem.errors import DomainError, NotFound
from tandem.interop import feeds, ical
from tandem.interop.forms import FeedForm
from tandem.products.queries import list_products
from tandem.projects.queries import list_projects
from tandem.web.forms import set_choices, show_refusal
from tandem.web.pages import organisation_page, signed_in


@login_not_required
@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed's iCalendar document; 404 for an unknown or revoked link, or when its member
    may no longer see what it follows."""
    found = feeds.find_feed(secret)
    if found is None:
        return HttpResponse("No such calendar feed.\n", status=404, content_type="text/plain")
    try:
        body = ical.feed_document(found)
    except NotFound:
        return HttpResponse("No such calendar feed.\n", status=404, content_type="text/plain")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    # The link is a credential: no shared cache may keep the document.
    response["Cache-Control"] = "private, max-age=300"
    return response


def _choices(request: HttpRequest, access: Access) -> list[tuple[str, Any]]:
    user = signed_in(request)
    projects = [
        (f"project:{p.pk}", f"{p.name}: milestones and deadlines")
        for p in list_projects(user, access.organisation.pk)
    ]
    products = [
        (f"product:{p.pk}", f"{p.name}: releases")
        for p in list_products(user, access.organisation.pk)
    ]
    choices: list[tuple[str, Any]] = [("my_work", "My work: tasks assigned to me")]
    if projects:
        choices.append(("Projects", projects))
    if products:
        choices.append(("Products", products))
    return choices


def _page(
    request: HttpRequest,
    access: Access,
    form: FeedForm | None = None,
    new_link: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    form = form or FeedForm()
    set_choices(form, "follow", _choices(request, access))
    return render(
        request,
        "interop/feeds.html",
        {
            "form": form,
            "feeds": feeds.list_feeds(signed_in(request), access.organisation.pk),
            "new_link": new_link,
        },
        status=status,
    )


def _link(request: HttpRequest, made: Any, secret: str) -> dict[str, str]:
    """The new link, shown once."""
    return {"title": feeds.feed_title(signed_in(request), made), "url": feeds.feed_url(secret)}


@require_http_methods(["GET", "POST"])
@organisation_page()
def feed_list(request: HttpRequest, access: Access) -> HttpResponse:
    """The member's calendar feeds in this organisation, and a form to make one."""
    if request.method == "GET":
        return _page(request, access)
    form = FeedForm(request.POST)
    set_choices(form, "follow", _choices(request, access))
    if not form.is_valid():
        return _page(request, access, form, status=422)
    kind, target_id = form.target()
    try:
        made, secret = feeds.create_feed(
            signed_in(request), access.organisation.pk, kind=kind, target_id=target_id
        )
    except DomainError as error:
        return _page(request, access, form, status=show_refusal(form, error))
    return _page(request, access, new_link=_link(request, made, secret))


@require_POST
@organisation_page()
def feed_revoke(request: HttpRequest, access: Access, feed_id: int) -> HttpResponse:
    """Stop a feed; calendars subscribed to it get 404 from now on."""
    feeds.revoke_feed(signed_in(request), feed_id)
    messages.success(request, "Feed revoked: its link no longer works.")
    return redirect(reverse("interop:feeds", kwargs={"org": access.organisation.slug}))


@require_POST
@organisation_page()
def feed_regenerate(request: HttpRequest, access: Access, feed_id: int) -> HttpResponse:
    """A new link for the same calendar; the old one stops working."""
    made, secret = feeds.regenerate_feed(signed_in(request), feed_id)
    return _page(request, access, new_link=_link(request, made, secret))
