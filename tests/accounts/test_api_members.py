"""Members and invitations in the REST API: filters, ordering, roles with If-Match, links."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.accounts import services
from tandem.accounts.models import Invitation, Membership, Organisation, User
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
MakeClient = Callable[[User], Client]
pytestmark = pytest.mark.django_db
JSON = "application/json"


def patch(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.patch(url, json.dumps(body), content_type=JSON, headers=headers)


def post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type=JSON, headers=headers)


def membership_id(user: User, organisation: Organisation) -> int:
    return Membership.objects.get(user=user, organisation=organisation).pk


# -- members -------------------------------------------------------------------------------------


@pytest.fixture
def team(org: Organisation, make_member: Callable[..., User]) -> dict[str, User]:
    return {
        "owner": owner_of(org),
        "ann": make_member(org, "admin", email="ann@example.com", display_name="Ann Admin"),
        "bob": make_member(org, "member", email="bob@example.com", display_name="Bob Builder"),
        "cy": make_member(org, "member", email="cy@example.com", display_name="Cy Young"),
        "vic": make_member(org, "viewer", email="vic@other.test", display_name="Vic Viewer"),
    }


def test_members_can_be_filtered_by_role(
    org: Organisation, team: dict[str, User], api_client: MakeClient
) -> None:
    body = api_client(team["ann"]).get(f"/api/v1/organisations/{org.pk}/members?role=member")
    assert body.json()["count"] == 2
    assert {m["user"]["email"] for m in body.json()["items"]} == {
        "bob@example.com",
        "cy@example.com",
    }


def test_members_can_be_searched_by_name_or_email(
    org: Organisation, team: dict[str, User], api_client: MakeClient
) -> None:
    client = api_client(team["vic"])
    by_name = client.get(f"/api/v1/organisations/{org.pk}/members?q=builder").json()
    by_email = client.get(f"/api/v1/organisations/{org.pk}/members?q=other.test").json()
    assert [m["user"]["display_name"] for m in by_name["items"]] == ["Bob Builder"]
    assert [m["user"]["display_name"] for m in by_email["items"]] == ["Vic Viewer"]


def test_members_can_be_ordered_by_email_descending(
    org: Organisation, team: dict[str, User], api_client: MakeClient
) -> None:
    body = api_client(team["bob"]).get(f"/api/v1/organisations/{org.pk}/members?ordering=-email")
    emails = [m["user"]["email"] for m in body.json()["items"]]
    assert emails == sorted((u.email for u in team.values()), reverse=True)


def test_an_unknown_ordering_is_422_naming_the_field(
    org: Organisation, team: dict[str, User], api_client: MakeClient
) -> None:
    response = api_client(team["bob"]).get(
        f"/api/v1/organisations/{org.pk}/members?ordering=password"
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "ordering")


def test_adding_someone_without_an_account_is_404_and_writes_nothing(
    org: Organisation, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(
        client,
        f"/api/v1/organisations/{org.pk}/members",
        {"email": "stranger@example.com", "role": "member"},
    )
    assert response.status_code == 404
    assert (response.json()["code"], response.json()["field"]) == ("user.not_found", "email")
    assert row_counts() == before


def test_adding_someone_with_an_account_is_201(
    org: Organisation, make_user: Callable[..., User], api_client: MakeClient
) -> None:
    newcomer = make_user(email="new@example.com")
    response = post(
        api_client(owner_of(org)),
        f"/api/v1/organisations/{org.pk}/members",
        {"email": "new@example.com", "role": "viewer"},
    )
    assert response.status_code == 201
    assert (response.json()["user"]["id"], response.json()["role"]) == (newcomer.pk, "viewer")


def test_an_invalid_role_is_422_naming_the_field(
    org: Organisation, make_user: Callable[..., User], api_client: MakeClient, row_counts: Counts
) -> None:
    make_user(email="new@example.com")
    client = api_client(owner_of(org))
    before = row_counts()
    response = post(
        client,
        f"/api/v1/organisations/{org.pk}/members",
        {"email": "new@example.com", "role": "emperor"},
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("invalid", "role")
    assert row_counts() == before


def test_changing_a_role_needs_the_memberships_etag(
    org: Organisation, team: dict[str, User], api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(team["ann"])
    url = f"/api/v1/memberships/{membership_id(team['bob'], org)}"
    before = row_counts()
    assert patch(client, url, {"role": "viewer"}).status_code == 428
    assert row_counts() == before
    etag = client.get(url)["ETag"]
    response = patch(client, url, {"role": "project_manager"}, **{"If-Match": etag})
    assert response.status_code == 200
    assert (response.json()["role"], response["ETag"]) == ("project_manager", '"2"')
    assert Membership.objects.get(user=team["bob"]).role == "project_manager"


def test_removing_a_member_is_204(
    org: Organisation, team: dict[str, User], api_client: MakeClient
) -> None:
    response = api_client(team["ann"]).delete(
        f"/api/v1/memberships/{membership_id(team['cy'], org)}"
    )
    assert response.status_code == 204
    assert response.content == b""
    assert not Membership.objects.filter(user=team["cy"]).exists()


def test_a_member_may_not_remove_someone_else(
    org: Organisation, team: dict[str, User], api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(team["bob"])
    before = row_counts()
    response = client.delete(f"/api/v1/memberships/{membership_id(team['cy'], org)}")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert row_counts() == before


# -- invitations ---------------------------------------------------------------------------------


def test_an_invitation_returns_its_link_once(org: Organisation, api_client: MakeClient) -> None:
    client = api_client(owner_of(org))
    created = post(
        client,
        f"/api/v1/organisations/{org.pk}/invitations",
        {"email": "New@Example.com", "role": "member"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["email"] == "new@example.com"
    secret = body["url"].rsplit("/invite/", 1)[1].strip("/")
    assert services.find_open_invitation(secret) == Invitation.objects.get(pk=body["id"])
    listed = client.get(f"/api/v1/organisations/{org.pk}/invitations")
    assert [i["id"] for i in listed.json()["items"]] == [body["id"]]
    assert "url" not in listed.json()["items"][0]
    assert secret not in listed.content.decode()


def test_revoking_an_invitation_is_204(org: Organisation, api_client: MakeClient) -> None:
    invitation, secret = services.invite_member(
        owner_of(org), org.pk, email="n@example.com", role="viewer"
    )
    response = api_client(owner_of(org)).delete(f"/api/v1/invitations/{invitation.pk}")
    assert response.status_code == 204
    assert services.find_open_invitation(secret) is None
