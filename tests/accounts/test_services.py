"""Rules of the accounts services for organisations and members, one test per rule.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts import services
from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import Membership, Organisation, User
from tandem.collab.models import JournalEntry
from tandem.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion, VersionRequired
from tests.conftest import PASSWORD, owner_of

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db


def membership(user: User, organisation: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


# -- create_organisation -------------------------------------------------------------------------


def test_the_creator_becomes_the_only_owner(make_user: Callable[..., User]) -> None:
    creator = make_user()
    organisation = services.create_organisation(creator, name="Northwind Traders")
    members = list(Membership.objects.filter(organisation=organisation))
    assert [(m.user, m.role) for m in members] == [(creator, "owner")]


def test_the_slug_is_derived_from_the_name(make_user: Callable[..., User]) -> None:
    organisation = services.create_organisation(make_user(), name="Northwind Traders GmbH")
    assert organisation.slug == "northwind-traders-gmbh"


def test_a_derived_slug_that_is_taken_gets_a_number(
    make_user: Callable[..., User], make_organisation: Callable[..., Organisation]
) -> None:
    make_organisation(slug="northwind")
    second = services.create_organisation(make_user(), name="Northwind")
    third = services.create_organisation(make_user(), name="Northwind")
    assert (second.slug, third.slug) == ("northwind-2", "northwind-3")


def test_a_name_that_slugifies_to_a_reserved_word_gets_a_suffix(
    make_user: Callable[..., User],
) -> None:
    assert services.create_organisation(make_user(), name="API").slug == "api-team"


@pytest.mark.parametrize("slug", ["api", "login", "static", "new"])
def test_a_reserved_slug_is_refused(
    make_user: Callable[..., User], row_counts: Counts, slug: str
) -> None:
    creator = make_user()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.create_organisation(creator, name="Anything", slug=slug)
    assert refusal.value.field == "slug"
    assert row_counts() == before


def test_a_chosen_slug_that_is_taken_is_a_conflict(
    make_user: Callable[..., User], org: Organisation, row_counts: Counts
) -> None:
    creator = make_user()
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services.create_organisation(creator, name="Another Acme", slug="acme")
    assert (refusal.value.code, refusal.value.field) == ("organisation.slug_taken", "slug")
    assert row_counts() == before


@pytest.mark.parametrize("time_zone", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused_naming_the_field(
    make_user: Callable[..., User], row_counts: Counts, time_zone: str
) -> None:
    creator = make_user()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.create_organisation(creator, name="Northwind", time_zone=time_zone)
    assert refusal.value.field == "time_zone"
    assert row_counts() == before


@pytest.mark.parametrize("currency", ["EURO", "E1R", "", "€"])
def test_a_malformed_currency_is_refused_naming_the_field(
    make_user: Callable[..., User], row_counts: Counts, currency: str
) -> None:
    creator = make_user()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.create_organisation(creator, name="Northwind", currency=currency)
    assert refusal.value.field == "currency"
    assert row_counts() == before


def test_time_zone_and_currency_are_kept(make_user: Callable[..., User]) -> None:
    organisation = services.create_organisation(
        make_user(), name="Northwind", time_zone="Europe/Berlin", currency="usd"
    )
    organisation.refresh_from_db()
    assert (organisation.time_zone, organisation.currency) == ("Europe/Berlin", "USD")


def test_creating_an_organisation_is_journalled(make_user: Callable[..., User]) -> None:
    creator = make_user()
    organisation = services.create_organisation(creator, name="Northwind")
    entry = JournalEntry.objects.get(organisation=organisation)
    assert (entry.action, entry.actor, entry.target_type, entry.target_id) == (
        "accounts.organisation.created",
        creator,
        "organisation",
        organisation.pk,
    )


def test_only_the_operator_names_another_owner(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    creator = make_user()
    before = row_counts()
    with pytest.raises(Forbidden):
        services.create_organisation(creator, name="Northwind", owner_email="boss@example.com")
    assert row_counts() == before


def test_the_operator_creates_the_owners_account_when_it_is_new(db: None) -> None:
    organisation = services.create_organisation(
        OPERATOR,
        name="Northwind",
        owner_email="Boss@Example.com",
        owner_name="The Boss",
        owner_password=PASSWORD,
    )
    owner = owner_of(organisation)
    assert (owner.email, owner.display_name) == ("boss@example.com", "The Boss")
    assert owner.check_password(PASSWORD)
    assert JournalEntry.objects.get(organisation=organisation).actor is None


# -- update_organisation -------------------------------------------------------------------------


def test_an_update_changes_the_fields_and_bumps_the_version(org: Organisation) -> None:
    updated = services.update_organisation(
        owner_of(org), org.pk, version=1, name="Acme Ltd", time_zone="Asia/Tokyo", currency="jpy"
    )
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.currency, org.version) == (
        "Acme Ltd",
        "Asia/Tokyo",
        "JPY",
        2,
    )
    assert updated.version == 2
    entry = JournalEntry.objects.get(organisation=org, action="accounts.organisation.updated")
    assert entry.data == {"name": "Acme Ltd", "time_zone": "Asia/Tokyo", "currency": "JPY"}


def test_an_update_without_a_version_is_refused(org: Organisation, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(VersionRequired):
        services.update_organisation(owner_of(org), org.pk, version=None, name="Acme Ltd")
    org.refresh_from_db()
    assert (org.name, org.version) == ("Acme", 1)
    assert row_counts() == before


def test_an_update_based_on_a_stale_version_changes_nothing(
    org: Organisation, row_counts: Counts
) -> None:
    owner = owner_of(org)
    services.update_organisation(owner, org.pk, version=1, name="Acme Ltd")
    before = row_counts()
    with pytest.raises(StaleVersion) as refusal:
        services.update_organisation(owner, org.pk, version=1, name="Acme Inc")
    assert refusal.value.details == {"current_version": 2}
    org.refresh_from_db()
    assert (org.name, org.version) == ("Acme Ltd", 2)
    assert row_counts() == before


def test_an_invalid_value_in_an_update_changes_nothing(
    org: Organisation, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.update_organisation(owner_of(org), org.pk, version=1, name="New", currency="XX")
    assert refusal.value.field == "currency"
    org.refresh_from_db()
    assert (org.name, org.currency, org.version) == ("Acme", "EUR", 1)
    assert row_counts() == before


@pytest.mark.parametrize("role", ["product_manager", "project_manager", "member", "viewer"])
def test_a_member_without_manage_organisation_may_not_update(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts, role: str
) -> None:
    member = make_member(org, role)
    before = row_counts()
    with pytest.raises(Forbidden):
        services.update_organisation(member, org.pk, version=1, name="Hijacked")
    org.refresh_from_db()
    assert (org.name, org.version) == ("Acme", 1)
    assert row_counts() == before


def test_an_admin_may_update(org: Organisation, make_member: Callable[..., User]) -> None:
    services.update_organisation(make_member(org, "admin"), org.pk, version=1, name="Acme Ltd")
    org.refresh_from_db()
    assert org.name == "Acme Ltd"


def test_another_organisation_is_not_found_when_updating(
    org: Organisation, make_organisation: Callable[..., Organisation], row_counts: Counts
) -> None:
    outsider = owner_of(make_organisation())
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services.update_organisation(outsider, org.pk, version=1, name="Hijacked")
    assert refusal.value.code == "organisation.not_found"
    org.refresh_from_db()
    assert org.name == "Acme"
    assert row_counts() == before


# -- change_role ---------------------------------------------------------------------------------


def test_an_admin_changes_a_members_role(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    admin, member = make_member(org, "admin"), make_member(org, "member")
    target = membership(member, org)
    changed = services.change_role(admin, target.pk, role="project_manager", version=1)
    target.refresh_from_db()
    assert (target.role, target.version, changed.version) == ("project_manager", 2, 2)
    entry = JournalEntry.objects.get(action="accounts.member.role_changed")
    assert (entry.actor, entry.data) == (admin, {"from": "member", "to": "project_manager"})


@pytest.mark.parametrize("new_role", ["admin", "member", "viewer"])
def test_an_admin_may_not_change_an_owners_role(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts, new_role: str
) -> None:
    admin = make_member(org, "admin")
    target = membership(owner_of(org), org)
    before = row_counts()
    with pytest.raises(Forbidden) as refusal:
        services.change_role(admin, target.pk, role=new_role, version=1)
    assert refusal.value.code == "role.not_assignable"
    target.refresh_from_db()
    assert (target.role, target.version) == ("owner", 1)
    assert row_counts() == before


def test_an_admin_may_not_make_someone_owner(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts
) -> None:
    admin, member = make_member(org, "admin"), make_member(org, "member")
    target = membership(member, org)
    before = row_counts()
    with pytest.raises(Forbidden):
        services.change_role(admin, target.pk, role="owner", version=1)
    target.refresh_from_db()
    assert target.role == "member"
    assert row_counts() == before


def test_the_last_owner_cannot_be_demoted(org: Organisation, row_counts: Counts) -> None:
    owner = owner_of(org)
    target = membership(owner, org)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services.change_role(owner, target.pk, role="admin", version=1)
    assert refusal.value.code == "member.last_owner"
    target.refresh_from_db()
    assert (target.role, target.version) == ("owner", 1)
    assert row_counts() == before


def test_an_owner_may_step_down_when_another_owner_remains(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    owner = owner_of(org)
    make_member(org, "owner")
    services.change_role(owner, membership(owner, org).pk, role="admin", version=1)
    assert membership(owner, org).role == "admin"


def test_a_role_change_based_on_a_stale_version_changes_nothing(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts
) -> None:
    admin, member = make_member(org, "admin"), make_member(org, "member")
    target = membership(member, org)
    services.change_role(admin, target.pk, role="viewer", version=1)
    before = row_counts()
    with pytest.raises(StaleVersion):
        services.change_role(admin, target.pk, role="admin", version=1)
    target.refresh_from_db()
    assert (target.role, target.version) == ("viewer", 2)
    assert row_counts() == before


def test_an_unknown_role_is_invalid(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts
) -> None:
    target = membership(make_member(org, "member"), org)
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.change_role(owner_of(org), target.pk, role="boss", version=1)
    assert refusal.value.field == "role"
    target.refresh_from_db()
    assert target.role == "member"
    assert row_counts() == before


def test_a_membership_of_another_organisation_is_not_found(
    org: Organisation, make_organisation: Callable[..., Organisation], row_counts: Counts
) -> None:
    outsider = owner_of(make_organisation())
    target = membership(owner_of(org), org)
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services.change_role(outsider, target.pk, role="viewer", version=1)
    assert refusal.value.code == "member.not_found"
    target.refresh_from_db()
    assert target.role == "owner"
    assert row_counts() == before


# -- remove_member -------------------------------------------------------------------------------


def test_the_last_owner_cannot_leave(org: Organisation, row_counts: Counts) -> None:
    owner = owner_of(org)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services.remove_member(owner, membership(owner, org).pk)
    assert refusal.value.code == "member.last_owner"
    assert row_counts() == before


def test_a_member_can_leave_by_themselves(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    viewer = make_member(org, "viewer")
    services.remove_member(viewer, membership(viewer, org).pk)
    assert not Membership.objects.filter(user=viewer).exists()
    entry = JournalEntry.objects.get(action="accounts.member.removed")
    assert (entry.actor, entry.summary) == (viewer, "left the organisation")


def test_a_viewer_cannot_remove_others(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts
) -> None:
    viewer, member = make_member(org, "viewer"), make_member(org, "member")
    before = row_counts()
    with pytest.raises(Forbidden):
        services.remove_member(viewer, membership(member, org).pk)
    assert membership(member, org).role == "member"
    assert row_counts() == before


def test_an_admin_removes_a_member(org: Organisation, make_member: Callable[..., User]) -> None:
    admin, member = make_member(org, "admin"), make_member(org, "member")
    services.remove_member(admin, membership(member, org).pk)
    assert not Membership.objects.filter(user=member).exists()
    assert User.objects.filter(pk=member.pk).exists()


def test_an_admin_cannot_remove_an_owner(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts
) -> None:
    admin = make_member(org, "admin")
    before = row_counts()
    with pytest.raises(Forbidden):
        services.remove_member(admin, membership(owner_of(org), org).pk)
    assert row_counts() == before


def test_removing_a_member_of_another_organisation_is_not_found(
    org: Organisation, make_organisation: Callable[..., Organisation], row_counts: Counts
) -> None:
    outsider = owner_of(make_organisation())
    before = row_counts()
    with pytest.raises(NotFound):
        services.remove_member(outsider, membership(owner_of(org), org).pk)
    assert row_counts() == before
