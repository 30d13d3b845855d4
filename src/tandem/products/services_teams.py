"""Writes of teams: who is in which team (teams own roadmap items, and later projects)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor
from tandem.accounts.models import Organisation
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Conflict
from tandem.products.access import access_row
from tandem.products.inputs import clean_members, clean_text, other_than, refuse_unknown
from tandem.products.models import Team
from tandem.versioning import bump, expect_version


def _unique_name(organisation: Organisation, name: Any, exclude: int | None) -> str:
    name = clean_text(name, "name", 120)
    clash = other_than(Team.objects.filter(organisation=organisation, name__iexact=name), exclude)
    if clash.exists():
        raise Conflict(
            f"{organisation.name} already has a team called {name}.",
            code="team.name_taken",
            field="name",
        )
    return name


@transaction.atomic
def create_team(
    actor: Actor,
    organisation_id: int,
    *,
    name: str,
    description: str = "",
    member_ids: Iterable[int] = (),
) -> Team:
    """A new team with these members."""
    access = access_organisation(actor, organisation_id, Permission.MANAGE_TEAMS)
    organisation = access.organisation
    team = Team.objects.create(
        organisation=organisation,
        name=_unique_name(organisation, name, None),
        description=clean_text(description, "description", 2000, required=False),
    )
    team.members.set(clean_members(organisation, member_ids, "member_ids"))
    record_activity(
        actor,
        organisation,
        action="products.team.created",
        target=team,
        summary=f"created the team {team.name}",
    )
    return team


@transaction.atomic
def update_team(actor: Actor, team_id: int, *, version: int | None, **changes: Any) -> Team:
    """Rename a team, change its description or its members."""
    access, team = access_row(actor, Team, team_id, Permission.MANAGE_TEAMS, lock=True)
    refuse_unknown(changes, ("name", "description", "member_ids"))
    expect_version(team, version)
    if "name" in changes:
        team.name = _unique_name(access.organisation, changes["name"], team.pk)
    if "description" in changes:
        team.description = clean_text(changes["description"], "description", 2000, required=False)
    if "member_ids" in changes:
        team.members.set(
            clean_members(access.organisation, changes["member_ids"] or (), "member_ids")
        )
    bump(team)
    team.save()
    record_activity(
        actor,
        access.organisation,
        action="products.team.updated",
        target=team,
        summary=f"updated the team {team.name}",
        data={"fields": sorted(changes)},
    )
    return team


@transaction.atomic
def delete_team(actor: Actor, team_id: int) -> None:
    """Remove a team; the roadmap items it owned become unowned."""
    access, team = access_row(actor, Team, team_id, Permission.MANAGE_TEAMS, lock=True)
    record_activity(
        actor,
        access.organisation,
        action="products.team.deleted",
        target=team,
        summary=f"removed the team {team.name}",
    )
    team.delete()
