"""Rules of sign-in with its back-off, personal API tokens and organisation access.

Every refusal also shows what was (not) written: a failed sign-in records only its throttle row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tandem.accounts import services
from tandem.accounts.access import access_organisation, access_organisation_by_slug
from tandem.accounts.actors import OPERATOR
from tandem.accounts.models import ApiToken, LoginThrottle, Organisation, User
from tandem.core.permissions import Permission, Role
from tandem.errors import Forbidden, Invalid, NotFound, Throttled
from tests.conftest import PASSWORD, owner_of

Counts = Callable[[], dict[str, int]]
pytestmark = pytest.mark.django_db
WRONG = "not the password"


def without_throttles(counts: dict[str, int]) -> dict[str, int]:
    return {label: n for label, n in counts.items() if label != "accounts.LoginThrottle"}


def fail(email: str, times: int, client_ip: str | None = None) -> None:
    for _ in range(times):
        with pytest.raises(Invalid):
            services.sign_in(email=email, password=WRONG, client_ip=client_ip)


# -- sign_in -------------------------------------------------------------------------------------


def test_the_right_password_returns_the_user(make_user: Callable[..., User]) -> None:
    user = make_user(email="ada@example.com")
    assert services.sign_in(email=" ADA@example.com ", password=PASSWORD) == user


def test_a_wrong_password_is_invalid_credentials_and_changes_no_account(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    user = make_user(email="ada@example.com")
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.sign_in(email="ada@example.com", password=WRONG)
    assert (refusal.value.code, refusal.value.message) == (
        "auth.invalid_credentials",
        "Wrong email or password.",
    )
    assert without_throttles(row_counts()) == without_throttles(before)
    reloaded = User.objects.get(pk=user.pk)
    assert (reloaded.password, reloaded.last_login) == (user.password, None)
    assert LoginThrottle.objects.get(key="email:ada@example.com").failures == 1


def test_an_unknown_email_gets_the_same_refusal_as_a_wrong_password(db: None) -> None:
    with pytest.raises(Invalid) as refusal:
        services.sign_in(email="nobody@example.com", password=WRONG)
    assert (refusal.value.code, refusal.value.message) == (
        "auth.invalid_credentials",
        "Wrong email or password.",
    )


def test_failures_below_the_limit_cost_nothing(
    make_user: Callable[..., User], settings: Any
) -> None:
    user = make_user(email="ada@example.com")
    fail("ada@example.com", settings.LOGIN_FREE_FAILURES - 1)
    assert services.sign_in(email="ada@example.com", password=PASSWORD) == user


def test_after_the_free_failures_even_the_right_password_must_wait(
    make_user: Callable[..., User], settings: Any, row_counts: Counts
) -> None:
    make_user(email="ada@example.com")
    fail("ada@example.com", settings.LOGIN_FREE_FAILURES)
    throttle = LoginThrottle.objects.get(key="email:ada@example.com")
    before = row_counts()
    with pytest.raises(Throttled) as refusal:
        services.sign_in(email="ada@example.com", password=PASSWORD)
    assert refusal.value.code == "auth.throttled"
    assert refusal.value.retry_after > 0
    assert refusal.value.as_dict()["retry_after"] == refusal.value.retry_after
    assert row_counts() == before
    throttle_after = LoginThrottle.objects.get(pk=throttle.pk)
    assert throttle_after.failures == throttle.failures == settings.LOGIN_FREE_FAILURES


def test_a_success_resets_the_email_counter(make_user: Callable[..., User], settings: Any) -> None:
    user = make_user(email="ada@example.com")
    fail("ada@example.com", settings.LOGIN_FREE_FAILURES - 1)
    services.sign_in(email="ada@example.com", password=PASSWORD)
    assert not LoginThrottle.objects.filter(key="email:ada@example.com").exists()
    # A fresh allowance: as many free failures again before any wait.
    fail("ada@example.com", settings.LOGIN_FREE_FAILURES - 1)
    assert services.sign_in(email="ada@example.com", password=PASSWORD) == user


def test_failures_are_also_counted_per_client_address(
    make_user: Callable[..., User], settings: Any
) -> None:
    make_user(email="ada@example.com")
    for n in range(settings.LOGIN_FREE_FAILURES):
        fail(f"guess{n}@example.com", 1, client_ip="203.0.113.9")
    with pytest.raises(Throttled):
        services.sign_in(email="ada@example.com", password=PASSWORD, client_ip="203.0.113.9")
    user = services.sign_in(email="ada@example.com", password=PASSWORD, client_ip="198.51.100.1")
    assert user.email == "ada@example.com"


def test_failures_older_than_the_window_are_forgiven(
    make_user: Callable[..., User], settings: Any
) -> None:
    make_user(email="ada@example.com")
    fail("ada@example.com", settings.LOGIN_FREE_FAILURES - 1)
    long_ago = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    LoginThrottle.objects.filter(key="email:ada@example.com").update(last_failure_at=long_ago)
    fail("ada@example.com", 1)
    throttle = LoginThrottle.objects.get(key="email:ada@example.com")
    assert (throttle.failures, throttle.blocked_until) == (1, None)


def test_an_inactive_user_cannot_sign_in(make_user: Callable[..., User]) -> None:
    make_user(email="ada@example.com", is_active=False)
    with pytest.raises(Invalid) as refusal:
        services.sign_in(email="ada@example.com", password=PASSWORD)
    assert refusal.value.code == "auth.invalid_credentials"


# -- tokens --------------------------------------------------------------------------------------


def test_a_new_token_shows_its_secret_once_and_stores_only_its_hash(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    token, secret = services.create_token(user, name="CI export")
    assert secret.startswith("tdm_")
    assert len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:10]
    assert secret not in repr(list(ApiToken.objects.values_list()))


def test_a_token_authenticates_its_user_and_records_the_use(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    token, secret = services.create_token(user, name="CI export")
    assert services.authenticate_token(secret) == user
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("secret", ["", "tdm_", "tdm_unknown", "no-prefix-at-all"])
def test_an_unknown_secret_authenticates_nobody(db: None, secret: str) -> None:
    assert services.authenticate_token(secret) is None


def test_a_revoked_token_authenticates_nobody(make_user: Callable[..., User]) -> None:
    user = make_user()
    token, secret = services.create_token(user, name="CI export")
    services.revoke_token(user, token.pk)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.authenticate_token(secret) is None


def test_an_expired_token_authenticates_nobody(make_user: Callable[..., User]) -> None:
    user = make_user()
    token, secret = services.create_token(
        user, name="CI export", expires_at=timezone.now() + timedelta(days=1)
    )
    assert services.authenticate_token(secret) == user
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.authenticate_token(secret) is None


def test_the_token_of_an_inactive_user_authenticates_nobody(
    make_user: Callable[..., User],
) -> None:
    user = make_user()
    _, secret = services.create_token(user, name="CI export")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert services.authenticate_token(secret) is None


def test_an_expiry_in_the_past_is_refused(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    user = make_user()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.create_token(user, name="old", expires_at=timezone.now() - timedelta(hours=1))
    assert refusal.value.field == "expires_at"
    assert row_counts() == before


def test_a_user_cannot_create_a_token_for_someone_else(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    user, other = make_user(), make_user()
    before = row_counts()
    with pytest.raises(Forbidden):
        services.create_token(user, user=other, name="sneaky")
    assert row_counts() == before


def test_a_user_cannot_revoke_another_users_token(
    make_user: Callable[..., User], row_counts: Counts
) -> None:
    owner, other = make_user(), make_user()
    token, secret = services.create_token(owner, name="CI export")
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services.revoke_token(other, token.pk)
    assert refusal.value.code == "token.not_found"
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.authenticate_token(secret) == owner
    assert row_counts() == before


def test_the_operator_may_revoke_anyones_token(make_user: Callable[..., User]) -> None:
    user = make_user()
    token, secret = services.create_token(user, name="CI export")
    services.revoke_token(OPERATOR, token.pk)
    assert services.authenticate_token(secret) is None


# -- access_organisation -------------------------------------------------------------------------


def test_another_organisation_is_not_found_rather_than_forbidden(
    org: Organisation, make_organisation: Callable[..., Organisation]
) -> None:
    outsider = owner_of(make_organisation())
    with pytest.raises(NotFound) as foreign:
        access_organisation(outsider, org.pk, Permission.VIEW)
    with pytest.raises(NotFound) as missing:
        access_organisation(outsider, org.pk + 10_000, Permission.VIEW)
    # A foreign id and a missing id must be indistinguishable.
    assert foreign.value.as_dict() == missing.value.as_dict()
    assert not isinstance(foreign.value, Forbidden)


def test_a_member_lacking_the_permission_is_forbidden(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    viewer = make_member(org, "viewer")
    assert access_organisation(viewer, org.pk).role is Role.VIEWER
    with pytest.raises(Forbidden) as refusal:
        access_organisation(viewer, org.pk, Permission.MANAGE_MEMBERS)
    assert refusal.value.code == "permission_denied"


def test_an_inactive_member_has_no_access(
    org: Organisation, make_member: Callable[..., User]
) -> None:
    member = make_member(org, "admin", is_active=False)
    with pytest.raises(NotFound):
        access_organisation_by_slug(member, "acme")


def test_the_operator_gets_owner_rights_in_every_organisation(org: Organisation) -> None:
    access = access_organisation(OPERATOR, org.pk, Permission.DELETE_ORGANISATION)
    assert (access.organisation, access.role, access.user) == (org, Role.OWNER, None)
    assert all(access.can(permission) for permission in Permission)


def test_the_operator_still_gets_not_found_for_a_missing_organisation(db: None) -> None:
    with pytest.raises(NotFound):
        access_organisation(OPERATOR, 987_654)
