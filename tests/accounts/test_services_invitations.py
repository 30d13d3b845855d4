"""Rules of the accounts services for invitations: invite, accept and revoke by secret link.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from tandem.accounts import services
from tandem.accounts.models import Invitation, Organisation, User
from tandem.collab.models import JournalEntry
from tandem.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import PASSWORD, owner_of

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db


# -- invite_member -------------------------------------------------------------------------------


def test_an_admin_invites_and_only_the_secrets_hash_is_stored(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    admin = make_member(org, "admin")
    invitation, secret = services.invite_member(
        admin, org.pk, email=" New.Person@Example.com ", role="member"
    )
    invitation.refresh_from_db()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.com",
        "member",
        admin,
    )
    assert len(secret) >= 40
    assert invitation.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = list(Invitation.objects.values_list()) + list(JournalEntry.objects.values_list())
    assert secret not in repr(stored)
    assert services.find_open_invitation(secret) == invitation


def test_the_invitation_email_goes_out_only_after_commit(
    org: Organisation,
    make_member: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[EmailMessage],
) -> None:
    admin = make_member(org, "admin", display_name="Ada Admin")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _, secret = services.invite_member(admin, org.pk, email="new@example.com", role="viewer")
        assert mailoutbox == []
    assert len(callbacks) == 1
    [mail] = mailoutbox
    assert mail.to == ["new@example.com"]
    assert mail.subject == "Ada Admin invited you to Acme on tandem"
    assert services.invitation_url(secret) in mail.body


def test_an_admin_may_not_invite_an_owner(
    org: Organisation,
    make_member: Callable[..., User],
    row_counts: Counts,
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = make_member(org, "admin")
    before = row_counts()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(Forbidden) as refusal,
    ):
        services.invite_member(admin, org.pk, email="new@example.com", role="owner")
    assert refusal.value.code == "role.not_assignable"
    assert callbacks == []
    assert row_counts() == before


def test_an_owner_may_invite_an_owner(org: Organisation) -> None:
    invitation, _ = services.invite_member(
        owner_of(org), org.pk, email="co-owner@example.com", role="owner"
    )
    assert invitation.role == "owner"


@pytest.mark.parametrize("role", ["product_manager", "project_manager", "member", "viewer"])
def test_only_those_who_manage_members_may_invite(
    org: Organisation, make_member: Callable[..., User], row_counts: Counts, role: str
) -> None:
    inviter = make_member(org, role)
    before = row_counts()
    with pytest.raises(Forbidden):
        services.invite_member(inviter, org.pk, email="new@example.com", role="viewer")
    assert row_counts() == before


def test_inviting_an_existing_member_is_a_conflict(
    org: Organisation,
    make_member: Callable[..., User],
    row_counts: Counts,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_member(org, "member", email="here@example.com")
    before = row_counts()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(Conflict) as refusal,
    ):
        services.invite_member(owner_of(org), org.pk, email="HERE@example.com", role="admin")
    assert (refusal.value.code, refusal.value.field) == ("member.exists", "email")
    assert callbacks == []
    assert row_counts() == before


def test_a_malformed_email_is_refused(org: Organisation, row_counts: Counts) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.invite_member(owner_of(org), org.pk, email="not-an-email", role="member")
    assert refusal.value.field == "email"
    assert row_counts() == before


def test_a_new_invitation_revokes_the_previous_open_one(org: Organisation) -> None:
    owner = owner_of(org)
    first, first_secret = services.invite_member(
        owner, org.pk, email="n@example.com", role="viewer"
    )
    second, second_secret = services.invite_member(
        owner, org.pk, email="n@example.com", role="admin"
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert services.find_open_invitation(first_secret) is None
    assert services.find_open_invitation(second_secret) == second
    assert Invitation.objects.filter(email="n@example.com", revoked_at=None).count() == 1


def test_inviting_to_another_organisation_is_not_found(
    org: Organisation, make_organisation: Callable[..., Organisation], row_counts: Counts
) -> None:
    outsider = owner_of(make_organisation())
    before = row_counts()
    with pytest.raises(NotFound):
        services.invite_member(outsider, org.pk, email="new@example.com", role="member")
    assert row_counts() == before


# -- accept_invitation ---------------------------------------------------------------------------


@pytest.fixture
def invitation(org: Organisation) -> tuple[Invitation, str]:
    """An open invitation to Acme for new@example.com as project manager, and its secret."""
    return services.invite_member(
        owner_of(org), org.pk, email="new@example.com", role="project_manager"
    )


def test_a_new_person_accepts_with_a_name_and_password(
    org: Organisation, invitation: tuple[Invitation, str]
) -> None:
    invite, secret = invitation
    joined = services.accept_invitation(secret, display_name="Nora New", password=PASSWORD)
    user = User.objects.get(email="new@example.com")
    assert user.display_name == "Nora New"
    assert user.check_password(PASSWORD)
    assert (joined.user, joined.organisation, joined.role) == (user, org, "project_manager")
    invite.refresh_from_db()
    assert invite.accepted_at is not None
    entry = JournalEntry.objects.get(action="accounts.member.joined")
    assert entry.actor == user


def test_a_used_link_is_refused(invitation: tuple[Invitation, str], row_counts: Counts) -> None:
    _, secret = invitation
    services.accept_invitation(secret, display_name="Nora New", password=PASSWORD)
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services.accept_invitation(secret, display_name="Nora Again", password=PASSWORD)
    assert refusal.value.code == "invitation.not_found"
    assert row_counts() == before


def test_an_existing_account_must_sign_in_to_accept(
    make_user: Callable[..., User], invitation: tuple[Invitation, str], row_counts: Counts
) -> None:
    invite, secret = invitation
    make_user(email="new@example.com")
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services.accept_invitation(secret, display_name="Someone", password=PASSWORD)
    assert refusal.value.code == "invitation.sign_in_required"
    invite.refresh_from_db()
    assert invite.accepted_at is None
    assert row_counts() == before


def test_a_signed_in_user_accepts_as_themselves(
    org: Organisation, make_user: Callable[..., User], invitation: tuple[Invitation, str]
) -> None:
    _, secret = invitation
    existing = make_user(email="new@example.com")
    joined = services.accept_invitation(secret, user=existing)
    assert (joined.user, joined.role) == (existing, "project_manager")
    assert services.find_open_invitation(secret) is None


def test_an_expired_link_is_not_found(
    invitation: tuple[Invitation, str], row_counts: Counts
) -> None:
    invite, secret = invitation
    Invitation.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = row_counts()
    with pytest.raises(NotFound):
        services.accept_invitation(secret, display_name="Nora New", password=PASSWORD)
    assert not User.objects.filter(email="new@example.com").exists()
    assert row_counts() == before


def test_a_revoked_link_is_not_found(
    org: Organisation, invitation: tuple[Invitation, str], row_counts: Counts
) -> None:
    invite, secret = invitation
    services.revoke_invitation(owner_of(org), invite.pk)
    before = row_counts()
    with pytest.raises(NotFound):
        services.accept_invitation(secret, display_name="Nora New", password=PASSWORD)
    assert row_counts() == before


def test_a_weak_password_creates_no_account(
    invitation: tuple[Invitation, str], row_counts: Counts
) -> None:
    invite, secret = invitation
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.accept_invitation(secret, display_name="Nora New", password="12345")
    assert refusal.value.field == "password"
    invite.refresh_from_db()
    assert invite.accepted_at is None
    assert row_counts() == before


# -- revoke_invitation ---------------------------------------------------------------------------


def test_an_admin_revokes_an_open_invitation(
    org: Organisation, make_member: Callable[..., User], invitation: tuple[Invitation, str]
) -> None:
    invite, secret = invitation
    services.revoke_invitation(make_member(org, "admin"), invite.pk)
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert services.find_open_invitation(secret) is None
    assert JournalEntry.objects.filter(action="accounts.member.invitation_revoked").count() == 1


def test_revoking_a_closed_invitation_is_a_conflict(
    org: Organisation, invitation: tuple[Invitation, str], row_counts: Counts
) -> None:
    invite, _ = invitation
    services.revoke_invitation(owner_of(org), invite.pk)
    before = row_counts()
    with pytest.raises(Conflict):
        services.revoke_invitation(owner_of(org), invite.pk)
    assert row_counts() == before


def test_a_member_may_not_revoke_an_invitation(
    org: Organisation,
    make_member: Callable[..., User],
    invitation: tuple[Invitation, str],
    row_counts: Counts,
) -> None:
    invite, secret = invitation
    member = make_member(org, "member")
    before = row_counts()
    with pytest.raises(Forbidden):
        services.revoke_invitation(member, invite.pk)
    assert services.find_open_invitation(secret) == invite
    assert row_counts() == before


def test_an_invitation_of_another_organisation_is_not_found(
    make_organisation: Callable[..., Organisation],
    invitation: tuple[Invitation, str],
    row_counts: Counts,
) -> None:
    invite, secret = invitation
    outsider = owner_of(make_organisation())
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services.revoke_invitation(outsider, invite.pk)
    assert refusal.value.code == "invitation.not_found"
    assert services.find_open_invitation(secret) == invite
    assert row_counts() == before
