"""REST endpoints for organisations, members, invitations and personal API tokens."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tandem.accounts import queries, services
from tandem.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from tandem.core.permissions import Role
from tandem.web.http import actor, apply_ordering, if_match_version, set_etag

router = Router(tags=["accounts"])


class UserOut(Schema):
    id: int
    email: str
    display_name: str


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str
    currency: str
    created_at: datetime
    version: int


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    slug: str | None = Field(None, max_length=60)
    time_zone: str = "UTC"
    currency: str = "EUR"


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    time_zone: str | None = None
    currency: str | None = None


class MembershipOut(Schema):
    id: int
    organisation_id: int
    user: UserOut
    role: Role
    created_at: datetime
    version: int


class MyMembershipOut(Schema):
    id: int
    role: Role
    organisation: OrganisationOut


class MeOut(Schema):
    user: UserOut
    memberships: list[MyMembershipOut]


class MemberIn(Schema):
    email: str = Field(..., max_length=254)
    role: Role


class RolePatch(Schema):
    role: Role


class InvitationOut(Schema):
    id: int
    organisation_id: int
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime


class InvitationCreated(InvitationOut):
    url: str = Field(..., description="The secret link to accept; shown only in this response.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret; shown only in this response.")


MEMBER_ORDERING = {
    "display_name": "user__display_name",
    "email": "user__email",
    "role": "role",
    "created_at": "created_at",
}


@router.get("/me", response=MeOut, summary="The signed-in user and their organisations")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = actor(request)
    return {"user": user, "memberships": list(queries.list_memberships_of(user))}


@router.get("/organisations", response=list[OrganisationOut], summary="Your organisations")
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest) -> Any:
    return queries.list_organisations(actor(request)).order_by("name")


@router.post("/organisations", response={201: OrganisationOut}, summary="Create an organisation")
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[Organisation]:
    return Status(201, services.create_organisation(actor(request), **payload.dict()))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(
    request: HttpRequest, response: HttpResponse, organisation_id: int
) -> Organisation:
    organisation = queries.get_organisation(actor(request), organisation_id)
    set_etag(response, organisation)
    return organisation


@router.patch(
    "/organisations/{organisation_id}",
    response=OrganisationOut,
    summary="Rename an organisation or change its time zone or currency (If-Match required)",
)
def update_organisation(
    request: HttpRequest, response: HttpResponse, organisation_id: int, payload: OrganisationPatch
) -> Organisation:
    organisation = services.update_organisation(
        actor(request),
        organisation_id,
        version=if_match_version(request),
        **payload.dict(exclude_unset=True),
    )
    set_etag(response, organisation)
    return organisation


@router.get(
    "/organisations/{organisation_id}/members",
    response=list[MembershipOut],
    summary="Members with their roles; filter by role, search by name or email, order by "
    "display_name, email, role or created_at",
)
@paginate(LimitOffsetPagination)
def list_members(
    request: HttpRequest,
    organisation_id: int,
    role: Role | None = None,
    q: str | None = None,
    ordering: str | None = None,
) -> Any:
    members = queries.list_members(actor(request), organisation_id)
    if role:
        members = members.filter(role=role)
    if q:
        members = members.filter(user__display_name__icontains=q) | members.filter(
            user__email__icontains=q
        )
    return apply_ordering(members, ordering, MEMBER_ORDERING)


@router.post(
    "/organisations/{organisation_id}/members",
    response={201: MembershipOut},
    summary="Add someone who already has an account (others are invited)",
)
def add_member(request: HttpRequest, organisation_id: int, payload: MemberIn) -> Status[Membership]:
    membership = services.add_member(
        actor(request), organisation_id, email=payload.email, role=payload.role
    )
    return Status(201, membership)


@router.get("/memberships/{membership_id}", response=MembershipOut)
def get_membership(request: HttpRequest, response: HttpResponse, membership_id: int) -> Membership:
    membership = queries.get_membership(actor(request), membership_id)
    set_etag(response, membership)
    return membership


@router.patch(
    "/memberships/{membership_id}",
    response=MembershipOut,
    summary="Change a member's role (If-Match required)",
)
def change_role(
    request: HttpRequest, response: HttpResponse, membership_id: int, payload: RolePatch
) -> Membership:
    membership = services.change_role(
        actor(request),
        membership_id,
        role=payload.role,
        version=if_match_version(request),
    )
    set_etag(response, membership)
    return membership


@router.delete("/memberships/{membership_id}", response={204: None}, summary="Remove a member")
def remove_member(request: HttpRequest, membership_id: int) -> Status[None]:
    services.remove_member(actor(request), membership_id)
    return Status(204, None)


@router.get("/organisations/{organisation_id}/invitations", response=list[InvitationOut])
@paginate(LimitOffsetPagination)
def list_invitations(request: HttpRequest, organisation_id: int) -> Any:
    return queries.list_open_invitations(actor(request), organisation_id)


@router.post(
    "/organisations/{organisation_id}/invitations",
    response={201: InvitationCreated},
    summary="Invite someone by email; the response carries the secret link once",
)
def invite_member(
    request: HttpRequest, organisation_id: int, payload: MemberIn
) -> Status[dict[str, Any]]:
    invitation, secret = services.invite_member(
        actor(request), organisation_id, email=payload.email, role=payload.role
    )
    return Status(201, {**_invitation_dict(invitation), "url": services.invitation_url(secret)})


def _invitation_dict(invitation: Invitation) -> dict[str, Any]:
    return {
        field: getattr(invitation, field)
        for field in ("id", "organisation_id", "email", "role", "created_at", "expires_at")
    }


@router.delete("/invitations/{invitation_id}", response={204: None}, summary="Revoke an invitation")
def revoke_invitation(request: HttpRequest, invitation_id: int) -> Status[None]:
    services.revoke_invitation(actor(request), invitation_id)
    return Status(204, None)


@router.get("/tokens", response=list[TokenOut], summary="Your personal API tokens")
@paginate(LimitOffsetPagination)
def list_tokens(request: HttpRequest) -> Any:
    return queries.list_tokens(actor(request))


@router.post(
    "/tokens",
    response={201: TokenCreated},
    summary="Create a personal API token; the secret is in this response only",
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    token, secret = services.create_token(
        actor(request), name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**_token_dict(token), "token": secret})


def _token_dict(token: ApiToken) -> dict[str, Any]:
    return {
        field: getattr(token, field)
        for field in (
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        )
    }


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    services.revoke_token(actor(request), token_id)
    return Status(204, None)
