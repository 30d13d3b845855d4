"""Rules of the product services: who may change products, versions, keys, deletion, comments.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import Organisation, User
from tandem.collab.models import JournalEntry
from tandem.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion, VersionRequired
from tandem.products import services
from tandem.products.models import Comment, Product, StageTransition
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
MakeProduct = Callable[..., Product]
pytestmark = pytest.mark.django_db


def test_a_new_product_starts_in_planning_owned_by_its_creator_with_a_first_history_entry(
    org: Organisation, pm: User
) -> None:
    product = services.create_product(pm, org.pk, name="Beam", purpose="Light for all")
    assert (product.stage, product.owner, product.key, product.version) == (
        "planning",
        pm,
        "beam",
        1,
    )
    [entry] = StageTransition.objects.filter(product=product)
    assert (entry.from_stage, entry.to_stage, entry.actor) == ("", "planning", pm)
    journal = JournalEntry.objects.get(action="products.product.created")
    assert (journal.actor, journal.target_id) == (pm, product.pk)


@pytest.mark.parametrize("role", ["owner", "admin", "product_manager"])
def test_owners_admins_and_product_managers_create_products(
    org: Organisation, make_member: Callable[..., User], role: str
) -> None:
    user = make_member(org, role=role)
    assert services.create_product(user, org.pk, name=f"By {role}").owner == user


@pytest.mark.parametrize("role", ["project_manager", "member", "viewer"])
def test_other_roles_may_not_create_products_and_nothing_is_written(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts, role: str
) -> None:
    user = make_member(org, role=role)
    before = row_counts()
    with pytest.raises(Forbidden):
        services.create_product(user, org.pk, name="Sneaky")
    assert row_counts() == before


def test_another_organisations_product_is_not_found_not_forbidden(
    product: Product, outsider: User, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services.update_product(outsider, product.pk, version=1, name="Mine")
    assert refusal.value.code == "product.not_found"
    with pytest.raises(NotFound):
        services.delete_product(outsider, product.pk)
    assert row_counts() == before


def test_the_key_is_derived_from_the_name_and_numbered_when_taken(
    org: Organisation, pm: User, make_product: MakeProduct
) -> None:
    assert make_product(name="Lumen Insights").key == "lumen-insights"
    second = services.create_product(pm, org.pk, name="Lumen Insights!")
    assert second.key == "lumen-insights-2"


def test_a_taken_name_or_key_is_a_conflict_and_writes_nothing(
    org: Organisation, pm: User, product: Product, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Conflict) as by_name:
        services.create_product(pm, org.pk, name="BEAM")
    with pytest.raises(Conflict) as by_key:
        services.create_product(pm, org.pk, name="Other", key="beam")
    assert (by_name.value.code, by_key.value.code) == ("product.name_taken", "product.key_taken")
    assert row_counts() == before


@pytest.mark.parametrize("key", ["Has Space", "-dash", "ünï", "x" * 41])
def test_a_malformed_key_is_refused(org: Organisation, pm: User, key: str) -> None:
    with pytest.raises(Invalid) as refusal:
        services.create_product(pm, org.pk, name="Fine", key=key)
    assert refusal.value.field == "key"


def test_the_owner_must_be_a_member_who_may_edit_products(
    org: Organisation, pm: User, member: User, outsider: User, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as not_a_manager:
        services.create_product(pm, org.pk, name="X", owner_id=member.pk)
    with pytest.raises(Invalid) as foreign:
        services.create_product(pm, org.pk, name="Y", owner_id=outsider.pk)
    assert not_a_manager.value.field == foreign.value.field == "owner_id"
    assert row_counts() == before


def test_update_changes_fields_bumps_the_version_and_journals(
    product: Product, pm: User, member: User
) -> None:
    updated = services.update_product(
        pm,
        product.pk,
        version=1,
        vision="Everyone sees",
        strategy="# Win",
        stakeholder_ids=[member.pk],
    )
    assert (updated.vision, updated.version) == ("Everyone sees", 2)
    assert list(updated.stakeholders.all()) == [member]
    assert JournalEntry.objects.filter(action="products.product.updated").count() == 1


def test_an_update_needs_the_current_version(
    product: Product, pm: User, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(VersionRequired):
        services.update_product(pm, product.pk, version=None, name="New")
    with pytest.raises(StaleVersion):
        services.update_product(pm, product.pk, version=7, name="New")
    assert row_counts() == before
    product.refresh_from_db()
    assert (product.name, product.version) == ("Beam", 1)


def test_the_stage_cannot_be_changed_by_an_update(product: Product, pm: User) -> None:
    with pytest.raises(Invalid) as refusal:
        services.update_product(pm, product.pk, version=1, stage="retired")
    assert refusal.value.code == "product.stage_via_lifecycle"


def test_an_unknown_field_is_refused_rather_than_ignored(product: Product, pm: User) -> None:
    with pytest.raises(Invalid) as refusal:
        services.update_product(pm, product.pk, version=1, colour="red")
    assert refusal.value.field == "colour"


def test_a_product_in_planning_may_be_deleted(product: Product, pm: User) -> None:
    services.delete_product(pm, product.pk)
    assert not Product.objects.filter(pk=product.pk).exists()
    assert JournalEntry.objects.filter(action="products.product.deleted").exists()


def test_a_product_that_left_planning_is_retired_not_deleted(
    product: Product, pm: User, row_counts: Counts
) -> None:
    from tandem.products.services_lifecycle import advance_stage

    advance_stage(pm, product.pk, version=1, to_stage="development")
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services.delete_product(pm, product.pk)
    assert refusal.value.code == "product.delete_not_allowed"
    assert row_counts() == before


# -- comments ----------------------------------------------------------------------------------


def test_members_comment_and_viewers_may_not(
    product: Product, member: User, viewer: User, row_counts: Counts
) -> None:
    comment = services.add_comment(member, product.pk, body="Looks good")
    assert (comment.author, comment.body) == (member, "Looks good")
    before = row_counts()
    with pytest.raises(Forbidden):
        services.add_comment(viewer, product.pk, body="Me too")
    assert row_counts() == before


def test_an_empty_comment_is_refused(product: Product, member: User) -> None:
    with pytest.raises(Invalid) as refusal:
        services.add_comment(member, product.pk, body="   ")
    assert refusal.value.field == "body"


def test_a_comment_is_removed_by_its_author_or_a_product_manager_only(
    product: Product, pm: User, member: User, org: Organisation, make_member: Callable[..., User]
) -> None:
    mine = services.add_comment(member, product.pk, body="One")
    theirs = services.add_comment(member, product.pk, body="Two")
    other = make_member(org, role="member")
    with pytest.raises(Forbidden):
        services.delete_comment(other, mine.pk)
    services.delete_comment(member, mine.pk)
    services.delete_comment(pm, theirs.pk)
    assert Comment.objects.count() == 0


def test_the_organisations_owner_changes_products_too(org: Organisation, product: Product) -> None:
    owner = owner_of(org)
    assert services.update_product(owner, product.pk, version=1, name="Beam 2").name == "Beam 2"
