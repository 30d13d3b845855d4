"""Pages through Django's test client: sign-in, access, forms, and the security headers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tandem.accounts import services
from tandem.accounts.models import ApiToken, Invitation, Membership, Organisation, User
from tests.conftest import PASSWORD, owner_of

Counts = Callable[[], dict[str, int]]
MakeClient = Callable[[User], Client]
pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/o/acme/",
    "/o/acme/members/",
    "/o/acme/settings/",
    "/o/acme/activity/",
    "/account/",
    "/account/tokens/",
    "/organisations/new/",
]


def csrf_token(client: Client, page: str = "/login/") -> str:
    """The CSRF token a browser would send, after loading a page that has a form."""
    client.get(page)
    return client.cookies["csrftoken"].value


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sign_in_form(client: Client, email: str, password: str) -> Any:
    token = csrf_token(client)
    return client.post(
        "/login/", {"email": email, "password": password, "csrfmiddlewaretoken": token}
    )


def membership(user: User, organisation: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


# -- signed out ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_sends_a_signed_out_visitor_to_sign_in(org: Organisation, page: str) -> None:
    response = Client().get(page)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={page}"


def test_the_sign_in_page_and_health_are_open(db: None) -> None:
    client = Client()
    assert client.get("/login/").status_code == 200
    health = client.get("/health")
    assert (health.status_code, health.json()["status"]) == (200, "ok")


# -- signing in and out --------------------------------------------------------------------------


def test_signing_in_leads_to_the_dashboard_with_a_safe_session_cookie(org: Organisation) -> None:
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client)
    response = client.post(
        "/login/",
        {"email": owner_of(org).email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1] == ("/o/acme/", 302)
    assert b"Acme" in response.content
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert signed_in(client)


def test_signing_in_follows_a_local_next_but_not_a_foreign_one(org: Organisation) -> None:
    email = owner_of(org).email
    local = Client()
    response = local.post(
        "/login/", {"email": email, "password": PASSWORD, "next": "/o/acme/members/"}
    )
    assert response["Location"] == "/o/acme/members/"
    foreign = Client()
    response = foreign.post(
        "/login/", {"email": email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_wrong_password_shows_the_form_again_without_a_session(org: Organisation) -> None:
    client = Client(enforce_csrf_checks=True)
    response = sign_in_form(client, owner_of(org).email, "not the password")
    assert response.status_code == 422
    assert b"Wrong email or password" in response.content
    assert not signed_in(client)


def test_too_many_failures_answer_429_with_retry_after(org: Organisation, settings: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    email = owner_of(org).email
    for _ in range(settings.LOGIN_FREE_FAILURES):
        assert sign_in_form(client, email, "not the password").status_code == 422
    response = sign_in_form(client, email, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many failed sign-ins" in response.content
    assert not signed_in(client)


def test_signing_in_without_the_csrf_token_is_refused(org: Organisation) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"email": owner_of(org).email, "password": PASSWORD})
    assert response.status_code == 403
    assert b"did not come from tandem" in response.content
    assert not signed_in(client)


def test_signing_out_needs_a_post(org: Organisation, browser_client: MakeClient) -> None:
    client = browser_client(owner_of(org))
    assert client.get("/logout/").status_code == 405
    assert signed_in(client)
    token = csrf_token(client, "/account/")
    response = client.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response["Location"] == "/login/"
    assert not signed_in(client)


# -- organisation pages --------------------------------------------------------------------------


def test_another_organisations_page_is_404(
    org: Organisation, make_organisation: Callable[..., Organisation], browser_client: MakeClient
) -> None:
    other = make_organisation(slug="globex")
    client = browser_client(owner_of(org))
    assert client.get("/o/globex/").status_code == 404
    assert client.get("/o/globex/members/").status_code == 404
    assert client.get("/o/no-such-org/").status_code == 404
    assert browser_client(owner_of(other)).get("/o/globex/").status_code == 200


def test_a_viewer_may_not_open_the_settings(
    org: Organisation, make_member: Callable[..., User], browser_client: MakeClient
) -> None:
    client = browser_client(make_member(org, "viewer"))
    response = client.get("/o/acme/settings/")
    assert response.status_code == 403
    assert b"Not allowed" in response.content
    assert client.get("/o/acme/").status_code == 200


def test_the_settings_form_saves_with_the_loaded_version(
    org: Organisation, browser_client: MakeClient
) -> None:
    client = browser_client(owner_of(org))
    token = csrf_token(client, "/o/acme/settings/")
    response = client.post(
        "/o/acme/settings/",
        {
            "name": "Acme Ltd",
            "time_zone": "Europe/Berlin",
            "currency": "EUR",
            "version": "1",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response["Location"] == "/o/acme/settings/"
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.version) == ("Acme Ltd", "Europe/Berlin", 2)


def test_the_settings_form_shows_why_a_stale_version_was_refused(
    org: Organisation, browser_client: MakeClient, row_counts: Counts
) -> None:
    owner = owner_of(org)
    services.update_organisation(owner, org.pk, version=1, name="Acme Ltd")
    client = browser_client(owner)
    token = csrf_token(client, "/o/acme/settings/")
    before = row_counts()
    response = client.post(
        "/o/acme/settings/",
        {
            "name": "Acme Inc",
            "time_zone": "UTC",
            "currency": "EUR",
            "version": "1",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 412
    org.refresh_from_db()
    assert (org.name, org.version) == ("Acme Ltd", 2)
    assert row_counts() == before
    assert b"changed since you loaded it" in response.content


# -- members -------------------------------------------------------------------------------------


def test_an_admin_invites_through_the_form_and_sees_the_link_once(
    org: Organisation, make_member: Callable[..., User], browser_client: MakeClient
) -> None:
    client = browser_client(make_member(org, "admin"))
    token = csrf_token(client, "/o/acme/members/")
    response = client.post(
        "/o/acme/members/",
        {"email": "new@example.com", "role": "member", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    links = re.findall(rb'value="(http[^"]*/invite/[^"]+)"', response.content)
    assert len(links) == 1
    secret = links[0].decode().rsplit("/invite/", 1)[1].strip("/")
    assert services.find_open_invitation(secret) == Invitation.objects.get(email="new@example.com")
    again = client.get("/o/acme/members/")
    assert b"new@example.com" in again.content  # listed among the open invitations
    assert secret.encode() not in again.content


def test_an_admin_sees_a_refusal_on_the_invite_form(
    org: Organisation, make_member: Callable[..., User], browser_client: MakeClient
) -> None:
    client = browser_client(make_member(org, "admin"))
    token = csrf_token(client, "/o/acme/members/")
    response = client.post(
        "/o/acme/members/",
        {"email": "boss@example.com", "role": "owner", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 403
    assert b"may not make someone an owner" in response.content
    assert not Invitation.objects.exists()


def test_someone_who_cannot_manage_members_sees_no_invite_form(
    org: Organisation, make_member: Callable[..., User], browser_client: MakeClient
) -> None:
    response = browser_client(make_member(org, "member")).get("/o/acme/members/")
    assert response.status_code == 200
    assert owner_of(org).email.encode() in response.content
    assert b"Invite someone" not in response.content
    assert b'name="email"' not in response.content


def test_a_role_change_with_a_stale_version_shows_an_error_and_changes_nothing(
    org: Organisation,
    make_member: Callable[..., User],
    browser_client: MakeClient,
    row_counts: Counts,
) -> None:
    admin, member = make_member(org, "admin"), make_member(org, "member")
    target = membership(member, org)
    services.change_role(admin, target.pk, role="viewer", version=1)
    client = browser_client(admin)
    token = csrf_token(client, "/o/acme/members/")
    before = row_counts()
    response = client.post(
        f"/o/acme/members/{target.pk}/role/",
        {"role": "project_manager", "version": "1", "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert response.redirect_chain == [("/o/acme/members/", 302)]
    assert b"changed since you loaded it" in response.content
    target.refresh_from_db()
    assert (target.role, target.version) == ("viewer", 2)
    assert row_counts() == before


def test_a_role_change_with_the_current_version_is_saved(
    org: Organisation, make_member: Callable[..., User], browser_client: MakeClient
) -> None:
    admin, member = make_member(org, "admin"), make_member(org, "member")
    target = membership(member, org)
    client = browser_client(admin)
    token = csrf_token(client, "/o/acme/members/")
    response = client.post(
        f"/o/acme/members/{target.pk}/role/",
        {"role": "project_manager", "version": "1", "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert b"Role changed." in response.content
    target.refresh_from_db()
    assert target.role == "project_manager"


# -- tokens --------------------------------------------------------------------------------------


def test_the_tokens_page_shows_a_new_secret_once_then_only_its_prefix(
    make_user: Callable[..., User], browser_client: MakeClient
) -> None:
    user = make_user()
    client = browser_client(user)
    token = csrf_token(client, "/account/tokens/")
    created = client.post(
        "/account/tokens/", {"name": "nightly export", "csrfmiddlewaretoken": token}
    )
    assert created.status_code == 200
    [secret] = re.findall(rb'value="(tdm_[^"]+)"', created.content)
    assert services.authenticate_token(secret.decode()) == user
    listed = client.get("/account/tokens/")
    assert secret not in listed.content
    prefix = ApiToken.objects.get(user=user).prefix
    assert f"{prefix}…".encode() in listed.content


# -- security headers ----------------------------------------------------------------------------


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (directive.split() for directive in policy.split(";") if directive.strip())
    return {name: sources for name, *sources in parts}


@pytest.mark.parametrize("page", ["/login/", "/o/acme/", "/o/acme/members/", "/account/tokens/"])
def test_pages_carry_a_strict_content_security_policy(
    org: Organisation, browser_client: MakeClient, page: str
) -> None:
    client = browser_client(owner_of(org)) if page != "/login/" else Client()
    response = client.get(page)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    directives = _directives(policy)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_contain_no_inline_scripts(org: Organisation, browser_client: MakeClient) -> None:
    content = browser_client(owner_of(org)).get("/o/acme/members/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", content)
    assert scripts
    assert all("src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+=", content)


# -- invitations ---------------------------------------------------------------------------------


def test_a_new_person_accepts_an_invitation_without_signing_in(org: Organisation) -> None:
    _, secret = services.invite_member(
        owner_of(org), org.pk, email="new@example.com", role="member"
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/invite/{secret}/")
    assert page.status_code == 200
    assert b"Join Acme" in page.content
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/invite/{secret}/",
        {"display_name": "Nora New", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response["Location"] == "/o/acme/"
    user = User.objects.get(email="new@example.com")
    assert membership(user, org).role == "member"
    assert signed_in(client)
    assert client.get("/o/acme/").status_code == 200


def test_a_used_invitation_link_shows_a_closed_page(org: Organisation) -> None:
    _, secret = services.invite_member(
        owner_of(org), org.pk, email="new@example.com", role="member"
    )
    services.accept_invitation(secret, display_name="Nora New", password=PASSWORD)
    response = Client().get(f"/invite/{secret}/")
    assert response.status_code == 404
    assert b"This invitation is closed" in response.content
