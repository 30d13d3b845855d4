"""The accounts REST API under /api/v1, through Django's test client with real tokens."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.accounts import services
from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import ApiToken, Membership, Organisation, User
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


# -- authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer tdm_not-a-real-token", "Bearer rubbish", "Basic dXNlcjpwYXNz", "Bearer "],
)
def test_a_request_without_valid_credentials_is_401_json(
    db: None, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = Client(headers=headers).get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "auth.required"
    assert response["WWW-Authenticate"] == 'Bearer realm="tandem"'


def test_a_revoked_token_is_401_and_writes_nothing(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    user = make_user()
    token, secret = services.create_token(user, name="old")
    services.revoke_token(user, token.pk)
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    before = row_counts()
    response = post(client, "/api/v1/organisations", {"name": "Sneaky"})
    assert response.status_code == 401
    assert response.json()["code"] == "auth.required"
    assert row_counts() == before


def test_a_write_without_credentials_is_401_and_writes_nothing(row_counts: Counts) -> None:
    before = row_counts()
    response = post(Client(), "/api/v1/organisations", {"name": "Sneaky"})
    assert (response.status_code, response.json()["code"]) == (401, "auth.required")
    assert row_counts() == before


def test_a_script_with_a_revoked_token_is_told_401_not_a_csrf_failure(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    user = make_user()
    token, secret = services.create_token(user, name="old")
    services.revoke_token(user, token.pk)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    before = row_counts()
    response = post(client, "/api/v1/organisations", {"name": "Sneaky"})
    assert row_counts() == before
    assert (response.status_code, response.json().get("code")) == (401, "auth.required")


def test_me_shows_the_user_and_their_memberships(org: Organisation, api_client: MakeClient) -> None:
    owner = owner_of(org)
    response = api_client(owner).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": owner.pk,
        "email": owner.email,
        "display_name": owner.display_name,
    }
    [mine] = body["memberships"]
    assert (mine["role"], mine["organisation"]["slug"]) == ("owner", "acme")


# -- organisations -------------------------------------------------------------------------------


def test_the_organisation_list_is_paginated_and_shows_only_ones_own(
    make_user: Callable[..., User],
    make_organisation: Callable[..., Organisation],
    api_client: MakeClient,
) -> None:
    user = make_user()
    mine = [make_organisation(owner=user, name=name) for name in ("Beta", "Alpha", "Gamma")]
    make_organisation(name="Not mine")
    client = api_client(user)
    body = client.get("/api/v1/organisations").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 3
    assert [o["name"] for o in body["items"]] == ["Alpha", "Beta", "Gamma"]
    assert {o["id"] for o in body["items"]} == {o.pk for o in mine}
    page = client.get("/api/v1/organisations?limit=1&offset=1").json()
    assert (page["count"], [o["name"] for o in page["items"]]) == (3, ["Beta"])


def test_another_organisation_answers_404_like_a_missing_one(
    org: Organisation, make_organisation: Callable[..., Organisation], api_client: MakeClient
) -> None:
    client = api_client(owner_of(make_organisation()))
    foreign = client.get(f"/api/v1/organisations/{org.pk}")
    missing = client.get(f"/api/v1/organisations/{org.pk + 10_000}")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["code"] == "organisation.not_found"


def test_reading_an_organisation_gives_its_etag(org: Organisation, api_client: MakeClient) -> None:
    response = api_client(owner_of(org)).get(f"/api/v1/organisations/{org.pk}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_creating_returns_201_without_deprecated_tuples(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    client = api_client(make_user())
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = post(client, "/api/v1/tokens", {"name": "nightly"})
    assert response.status_code == 201


def test_creating_an_organisation_makes_the_caller_owner(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    user = make_user()
    response = post(api_client(user), "/api/v1/organisations", {"name": "Northwind"})
    assert response.status_code == 201
    assert response.json()["slug"] == "northwind"
    assert Membership.objects.get(user=user, organisation__slug="northwind").role == "owner"


def test_an_update_without_if_match_is_428_and_changes_nothing(
    org: Organisation, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(owner_of(org))
    before = row_counts()
    response = patch(client, f"/api/v1/organisations/{org.pk}", {"name": "Acme Ltd"})
    assert (response.status_code, response.json()["code"]) == (428, "version_required")
    org.refresh_from_db()
    assert (org.name, org.version) == ("Acme", 1)
    assert row_counts() == before


def test_an_update_with_a_stale_if_match_is_412_and_changes_nothing(
    org: Organisation, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(owner_of(org))
    url = f"/api/v1/organisations/{org.pk}"
    assert patch(client, url, {"name": "Acme Ltd"}, **{"If-Match": '"1"'}).status_code == 200
    before = row_counts()
    response = patch(client, url, {"name": "Acme Inc"}, **{"If-Match": '"1"'})
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    assert response.json()["current_version"] == 2
    org.refresh_from_db()
    assert (org.name, org.version) == ("Acme Ltd", 2)
    assert row_counts() == before


def test_an_update_with_the_current_etag_succeeds_and_returns_the_new_etag(
    org: Organisation, api_client: MakeClient
) -> None:
    client = api_client(owner_of(org))
    url = f"/api/v1/organisations/{org.pk}"
    etag = client.get(url)["ETag"]
    response = patch(client, url, {"time_zone": "Europe/Paris"}, **{"If-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert (response.json()["time_zone"], response.json()["name"]) == ("Europe/Paris", "Acme")


def test_a_malformed_if_match_is_422(
    org: Organisation, api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(owner_of(org))
    before = row_counts()
    response = patch(
        client, f"/api/v1/organisations/{org.pk}", {"name": "X"}, **{"If-Match": "yesterday"}
    )
    assert (response.status_code, response.json()["field"]) == (422, "If-Match")
    assert row_counts() == before


def test_a_viewer_may_not_update_the_organisation(
    org: Organisation, make_member: Callable[..., User], api_client: MakeClient, row_counts: Counts
) -> None:
    client = api_client(make_member(org, "viewer"))
    before = row_counts()
    response = patch(
        client, f"/api/v1/organisations/{org.pk}", {"name": "Mine"}, **{"If-Match": '"1"'}
    )
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    org.refresh_from_db()
    assert org.name == "Acme"
    assert row_counts() == before


# -- tokens --------------------------------------------------------------------------------------


def test_the_token_secret_appears_only_when_it_is_created(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    user = make_user()
    client = api_client(user)
    created = post(client, "/api/v1/tokens", {"name": "nightly export"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("tdm_")
    assert created.json()["prefix"] == secret[:10]
    listed = client.get("/api/v1/tokens")
    assert listed.json()["count"] == 2  # the client's own token and the new one
    assert all("token" not in t for t in listed.json()["items"])
    assert secret not in listed.content.decode()
    fresh = Client(headers={"Authorization": f"Bearer {secret}"})
    assert fresh.get("/api/v1/me").json()["user"]["id"] == user.pk


def test_a_token_expiry_without_a_time_zone_is_not_a_server_error(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    client = api_client(make_user())
    response = post(client, "/api/v1/tokens", {"name": "x", "expires_at": "2030-01-01T00:00:00"})
    assert response["Content-Type"].startswith(JSON)
    assert response.status_code == 201  # an expiry without a zone is read as UTC
    if response.status_code == 422:
        assert response.json()["field"] == "expires_at"


def test_a_deleted_token_stops_working_at_once(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    user = make_user()
    created = post(api_client(user), "/api/v1/tokens", {"name": "nightly"}).json()
    own = Client(headers={"Authorization": f"Bearer {created['token']}"})
    assert own.delete(f"/api/v1/tokens/{created['id']}").status_code == 204
    assert own.get("/api/v1/me").status_code == 401
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None


def test_another_users_token_cannot_be_deleted(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    victim = make_user()
    token, secret = services.create_token(OPERATOR, user=victim, name="victim's")
    response = api_client(make_user()).delete(f"/api/v1/tokens/{token.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "token.not_found")
    assert services.authenticate_token(secret) == victim


# -- activity, sessions, documents ---------------------------------------------------------------


def test_the_activity_journal_lists_entries_newest_first(
    org: Organisation, api_client: MakeClient
) -> None:
    owner = owner_of(org)
    services.update_organisation(owner, org.pk, version=1, name="Acme Ltd")
    services.invite_member(owner, org.pk, email="n@example.com", role="viewer")
    client = api_client(owner)
    body = client.get(f"/api/v1/organisations/{org.pk}/activity").json()
    assert [e["action"] for e in body["items"]] == [
        "accounts.member.invited",
        "accounts.organisation.updated",
    ]
    assert body["items"][0]["actor"] == {"id": owner.pk, "display_name": owner.display_name}
    only = client.get(f"/api/v1/organisations/{org.pk}/activity?action=accounts.organisation")
    assert only.json()["count"] == 1


def test_the_activity_of_another_organisation_is_404(
    org: Organisation, make_organisation: Callable[..., Organisation], api_client: MakeClient
) -> None:
    response = api_client(owner_of(make_organisation())).get(
        f"/api/v1/organisations/{org.pk}/activity"
    )
    assert response.status_code == 404


def test_a_session_write_without_csrf_token_is_refused_and_writes_nothing(
    make_user: Callable[..., User], browser_client: MakeClient, row_counts: Counts
) -> None:
    client = browser_client(make_user())
    assert client.get("/api/v1/me").status_code == 200
    before = row_counts()
    response = post(client, "/api/v1/organisations", {"name": "Forged"})
    assert response.status_code == 403
    assert row_counts() == before


def test_a_session_write_with_the_csrf_token_works(
    make_user: Callable[..., User], browser_client: MakeClient
) -> None:
    user = make_user()
    client = browser_client(user)
    assert client.get("/account/").status_code == 200
    token = client.cookies["csrftoken"].value
    response = post(client, "/api/v1/organisations", {"name": "Genuine"}, **{"X-CSRFToken": token})
    assert response.status_code == 201
    assert Membership.objects.get(organisation__name="Genuine").user == user


def test_the_openapi_document_needs_credentials(
    make_user: Callable[..., User], api_client: MakeClient
) -> None:
    anonymous = Client().get("/api/v1/openapi.json")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "auth.required")
    response = api_client(make_user()).get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/organisations/{organisation_id}", "/api/v1/tokens"} <= set(paths)


def test_an_unknown_api_path_is_json_404(make_user: Callable[..., User]) -> None:
    for client in (Client(), Client(headers={"Authorization": "Bearer tdm_x"})):
        response = client.get("/api/v1/whatever")
        assert response.status_code == 404
        assert response["Content-Type"].startswith(JSON)
        assert response.json()["code"] == "not_found"


def test_an_unknown_api_path_is_json_404_for_a_script_post_too(
    make_user: Callable[..., User],
) -> None:
    _, secret = services.create_token(OPERATOR, user=make_user(), name="script")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {secret}"})
    response = post(client, "/api/v1/whatever", {})
    assert response.status_code == 404
    assert response["Content-Type"].startswith(JSON)


def test_health_needs_no_credentials(db: None) -> None:
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
