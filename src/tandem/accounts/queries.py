"""Reads of the accounts app, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor, Operator
from tandem.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from tandem.core.permissions import Permission
from tandem.errors import NotFound


def list_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The organisations the actor belongs to (all of them, for the operator)."""
    if isinstance(actor, Operator):
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=actor).distinct()


def list_memberships_of(user: User) -> QuerySet[Membership]:
    """A user's own memberships, for the organisation switcher."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def get_organisation(actor: Actor, organisation_id: int) -> Organisation:
    """The organisation with this id, if the actor belongs to it."""
    return access_organisation(actor, organisation_id).organisation


def find_organisation_by_slug(slug: str) -> Organisation | None:
    """The organisation with this slug, without access checks: for the operator's CLI."""
    return Organisation.objects.filter(slug=slug).first()


def get_organisation_for_operator(key: str) -> Organisation:
    """The organisation named by slug or id on the command line."""
    organisation = Organisation.objects.filter(slug=key).first()
    if organisation is None and key.isdigit():
        organisation = Organisation.objects.filter(pk=int(key)).first()
    if organisation is None:
        raise NotFound(f"No organisation with slug or id '{key}'.", code="organisation.not_found")
    return organisation


def list_members(actor: Actor, organisation_id: int) -> QuerySet[Membership]:
    """The organisation's members with their roles."""
    organisation = access_organisation(actor, organisation_id).organisation
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


def get_membership(actor: Actor, membership_id: int) -> Membership:
    """One membership in an organisation the actor belongs to."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    if membership is None:
        raise NotFound("No such member.", code="member.not_found")
    try:
        access_organisation(actor, membership.organisation_id)
    except NotFound:
        raise NotFound("No such member.", code="member.not_found") from None
    return membership


def list_open_invitations(actor: Actor, organisation_id: int) -> QuerySet[Invitation]:
    """Invitations not yet accepted, revoked or expired; for those who manage members."""
    organisation = access_organisation(
        actor, organisation_id, Permission.MANAGE_MEMBERS
    ).organisation
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def list_tokens(user: User) -> QuerySet[ApiToken]:
    """The user's own API tokens, newest first (active and revoked)."""
    return ApiToken.objects.filter(user=user)


def user_exists(email: str) -> bool:
    """True when an account with this email exists (for the invitation page)."""
    return User.objects.filter(email=email).exists()


def is_own_membership(user: User, membership_id: int) -> bool:
    """True when the membership is the user's own (leaving rather than removing)."""
    return Membership.objects.filter(pk=membership_id, user=user).exists()
