"""The operator's `tandem` commands, run in-process the way the console entry point runs them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import Membership, Organisation, User
from tandem.accounts.services import authenticate_token
from tandem.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS
from tests.cli.conftest import Result
from tests.conftest import PASSWORD, owner_of

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db


# -- user add ------------------------------------------------------------------------------------


def test_user_add_creates_the_account_and_membership_and_prints_the_password(
    org: Organisation, tandem: Callable[..., Result]
) -> None:
    result = tandem("user", "add", "Nora@Example.com", "--org", "acme", "--role", "admin")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0] == "nora@example.com is admin in Acme."
    assert lines[1].startswith("Password: ")
    password = lines[1].removeprefix("Password: ")
    user = User.objects.get(email="nora@example.com")
    assert user.check_password(password)
    assert Membership.objects.get(user=user, organisation=org).role == "admin"


def test_user_add_accepts_the_organisation_id_and_a_chosen_password(
    org: Organisation, tandem: Callable[..., Result]
) -> None:
    result = tandem("user", "add", "nora@example.com", "--org", str(org.pk), "--password", PASSWORD)
    assert result.code == 0
    assert "Password:" not in result.out
    user = User.objects.get(email="nora@example.com")
    assert user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).role == "member"


def test_user_add_for_an_existing_account_adds_only_the_membership(
    org: Organisation, make_user: Callable[..., User], tandem: Callable[..., Result]
) -> None:
    existing = make_user(email="known@example.com")
    result = tandem("user", "add", "known@example.com", "--org", "acme", "--role", "viewer")
    assert result.code == 0
    assert "Password:" not in result.out
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    assert Membership.objects.get(user=existing, organisation=org).role == "viewer"


def test_user_add_with_a_bad_role_exits_2_with_one_line_and_writes_nothing(
    org: Organisation, tandem: Callable[..., Result], row_counts: Counts
) -> None:
    before = row_counts()
    result = tandem("user", "add", "nora@example.com", "--org", "acme", "--role", "emperor")
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("tandem: Unknown role 'emperor'")
    assert row_counts() == before


def test_user_add_to_an_unknown_organisation_exits_2(
    org: Organisation, tandem: Callable[..., Result], row_counts: Counts
) -> None:
    before = row_counts()
    result = tandem("user", "add", "nora@example.com", "--org", "nowhere")
    assert result.code == 2
    assert result.err == "tandem: No organisation with slug or id 'nowhere'.\n"
    assert row_counts() == before


def test_user_add_for_an_existing_member_exits_2(
    org: Organisation, tandem: Callable[..., Result], row_counts: Counts
) -> None:
    before = row_counts()
    result = tandem("user", "add", owner_of(org).email, "--org", "acme")
    assert result.code == 2
    assert "already a member" in result.err
    assert row_counts() == before


def test_a_missing_required_option_is_a_usage_error(
    db: None, tandem: Callable[..., Result], row_counts: Counts
) -> None:
    before = row_counts()
    result = tandem("user", "add", "nora@example.com")
    assert result.code == 2
    assert "--org" in result.err
    assert row_counts() == before


# -- token create --------------------------------------------------------------------------------


def test_token_create_prints_a_secret_that_authenticates(
    make_user: Callable[..., User], tandem: Callable[..., Result]
) -> None:
    user = make_user(email="ada@example.com")
    result = tandem("token", "create", "ADA@example.com", "--name", "backup job")
    assert result.code == 0
    secret = result.out.strip()
    assert secret.startswith("tdm_")
    assert authenticate_token(secret) == user
    assert user.api_tokens.get().name == "backup job"


def test_token_create_for_an_unknown_email_exits_2(
    db: None, tandem: Callable[..., Result], row_counts: Counts
) -> None:
    before = row_counts()
    result = tandem("token", "create", "nobody@example.com")
    assert (result.code, result.out) == (2, "")
    assert result.err == "tandem: No account for nobody@example.com.\n"
    assert row_counts() == before


# -- org create ----------------------------------------------------------------------------------


def test_org_create_makes_the_organisation_and_its_new_owner(
    db: None, tandem: Callable[..., Result]
) -> None:
    result = tandem(
        "org",
        "create",
        "Northwind Traders",
        "--owner",
        "Boss@Example.com",
        "--time-zone",
        "Europe/Berlin",
    )
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Created Northwind Traders (northwind-traders), owned by boss@example.com."
    organisation = Organisation.objects.get(slug="northwind-traders")
    assert organisation.time_zone == "Europe/Berlin"
    owner = owner_of(organisation)
    assert owner.email == "boss@example.com"
    assert owner.check_password(lines[1].removeprefix("Password: "))


def test_org_create_for_an_existing_owner_keeps_their_password(
    make_user: Callable[..., User], tandem: Callable[..., Result]
) -> None:
    boss = make_user(email="boss@example.com")
    result = tandem("org", "create", "Globex", "--owner", "boss@example.com", "--slug", "globex")
    assert result.code == 0
    assert "Password:" not in result.out
    assert owner_of(Organisation.objects.get(slug="globex")) == boss
    boss.refresh_from_db()
    assert boss.check_password(PASSWORD)


def test_org_create_with_a_bad_time_zone_exits_2_and_writes_nothing(
    db: None, tandem: Callable[..., Result], row_counts: Counts
) -> None:
    before = row_counts()
    result = tandem("org", "create", "Globex", "--owner", "b@example.com", "--time-zone", "Mars")
    assert result.code == 2
    assert result.err.startswith("tandem: 'Mars' is not an IANA time zone")
    assert row_counts() == before


# -- demo ----------------------------------------------------------------------------------------


def test_demo_loads_the_demo_organisation(db: None, tandem: Callable[..., Result]) -> None:
    result = tandem("demo")
    assert result.code == 0
    organisation = Organisation.objects.get(slug=DEMO_SLUG)
    members = Membership.objects.filter(organisation=organisation)
    assert members.count() == len(DEMO_USERS) == 9
    assert {(m.user.email, m.role) for m in members} == {
        (person.email, person.role.value) for person in DEMO_USERS
    }
    assert all(m.user.check_password(DEMO_PASSWORD) for m in members)
    assert "olivia@lumen.example" in result.err


def test_running_demo_twice_leaves_exactly_one_demo_organisation(
    db: None, tandem: Callable[..., Result]
) -> None:
    assert tandem("demo").code == 0
    first = Organisation.objects.get(slug=DEMO_SLUG).pk
    assert tandem("demo").code == 0
    assert Organisation.objects.filter(slug=DEMO_SLUG).count() == 1
    assert Organisation.objects.get(slug=DEMO_SLUG).pk != first
    assert User.objects.filter(email__endswith="@lumen.example").count() == len(DEMO_USERS)
    assert Membership.objects.filter(organisation__slug=DEMO_SLUG).count() == len(DEMO_USERS)


def test_demo_if_missing_keeps_an_existing_demo(db: None, tandem: Callable[..., Result]) -> None:
    assert tandem("demo").code == 0
    first = Organisation.objects.get(slug=DEMO_SLUG).pk
    result = tandem("demo", "--if-missing")
    assert result.code == 0
    assert "already loaded" in result.err
    assert Organisation.objects.get(slug=DEMO_SLUG).pk == first
