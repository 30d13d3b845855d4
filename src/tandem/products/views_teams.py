"""Pages for teams: who is in which team, and which roadmap items each owns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tandem.accounts.access import Access
from tandem.accounts.queries import list_members
from tandem.core.permissions import Permission
from tandem.errors import DomainError
from tandem.products import queries, services_teams
from tandem.products.forms import TeamForm
from tandem.products.models import OPEN_ITEM_STATUSES
from tandem.products.page_context import member, options
from tandem.web.forms import show_refusal
from tandem.web.pages import organisation_page


def _teams_url(access: Access) -> str:
    return reverse("products:teams", kwargs={"org": access.organisation.slug})


def _team_form(request: HttpRequest, access: Access, **kwargs: Any) -> TeamForm:
    form = TeamForm(request.POST or None, **kwargs)
    form.fields["member_ids"].choices = options(  # type: ignore[attr-defined]
        [m.user for m in list_members(member(request), access.organisation.pk)],
        "display_name",
        blank=None,
    )
    return form


@require_http_methods(["GET", "POST"])
@organisation_page()
def teams(request: HttpRequest, access: Access) -> HttpResponse:
    """Every team with its members and the open roadmap items it owns; create a team."""
    can_manage = access.can(Permission.MANAGE_TEAMS)
    if request.method == "POST":
        access.require(Permission.MANAGE_TEAMS)
    form = _team_form(request, access)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            team = services_teams.create_team(member(request), access.organisation.pk, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, f"Team {team.name} created.")
            return redirect(_teams_url(access))
    elif request.method == "POST":
        status = 422
    rows = [
        {
            "team": team,
            "members": list(team.members.all()),
            "items": list(
                team.roadmap_items.filter(status__in=OPEN_ITEM_STATUSES).select_related("product")
            ),
        }
        for team in queries.list_teams(member(request), access.organisation.pk)
    ]
    return render(
        request,
        "products/teams.html",
        {"rows": rows, "form": form, "can_manage": can_manage},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@organisation_page(Permission.MANAGE_TEAMS)
def edit_team(request: HttpRequest, access: Access, team_id: int) -> HttpResponse:
    """Rename a team or change who is in it."""
    team = queries.get_team(member(request), team_id)
    initial = {
        "name": team.name,
        "description": team.description,
        "member_ids": [u.pk for u in team.members.all()],
        "version": team.version,
    }
    form = _team_form(request, access, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services_teams.update_team(member(request), team.pk, version=version, **data)
        except DomainError as error:
            status = show_refusal(form, error)
        else:
            messages.success(request, "Team saved.")
            return redirect(_teams_url(access))
    elif request.method == "POST":
        status = 422
    return render(request, "products/team_form.html", {"form": form, "team": team}, status=status)


@require_POST
@organisation_page(Permission.MANAGE_TEAMS)
def delete_team(request: HttpRequest, access: Access, team_id: int) -> HttpResponse:
    """Remove a team; its roadmap items become unowned."""
    try:
        services_teams.delete_team(member(request), team_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Team removed.")
    return redirect(_teams_url(access))
