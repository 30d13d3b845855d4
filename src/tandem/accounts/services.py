"""Writes of the accounts app: organisations, members, invitations, tokens and sign-in.

Every function checks access first and runs in one transaction with its journal entry.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.access import access_organisation
from tandem.accounts.actors import Actor, Operator, user_of
from tandem.accounts.models import (
    ApiToken,
    Invitation,
    LoginThrottle,
    Membership,
    Organisation,
    User,
    normalise_email,
)
from tandem.accounts.tokens import TOKEN_PREFIX, digest, new_secret
from tandem.collab.services import record_activity
from tandem.core.permissions import ROLE_LABELS, Permission, Role, can_assign_role
from tandem.core.throttle import retry_delay
from tandem.errors import Conflict, Forbidden, Invalid, NotFound, Throttled
from tandem.versioning import bump, expect_version

INVITATION_LIFETIME = timedelta(days=14)
RESERVED_SLUGS = frozenset(
    {"api", "static", "login", "logout", "account", "invite", "health", "new"}
)
CURRENCY = re.compile(r"^[A-Z]{3}$")


# -- validation helpers ----------------------------------------------------------------------


def _clean_email(email: str, field: str = "email") -> str:
    email = normalise_email(email or "")
    try:
        validate_email(email)
    except ValidationError:
        raise Invalid(f"'{email}' is not an email address.", field=field) from None
    return email


def _clean_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise Invalid(f"Unknown role '{role}'; use one of {known}.", field="role") from None


def _clean_name(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(f"The {field.replace('_', ' ')} must not be empty.", field=field)
    if len(value) > limit:
        raise Invalid(
            f"The {field.replace('_', ' ')} is longer than {limit} characters.", field=field
        )
    return value


def _clean_time_zone(name: str) -> str:
    try:
        # A folder name such as "Europe" is not a zone but may open as a directory.
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            f"'{name}' is not an IANA time zone (for example Europe/Berlin).", field="time_zone"
        ) from None
    return name


def _clean_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if not CURRENCY.match(code):
        raise Invalid(f"'{code}' is not a three-letter ISO 4217 currency code.", field="currency")
    return code


def _clean_password(password: str, user: User | None = None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), field="password") from None
    return password


def _require_user(actor: Actor) -> User:
    user = user_of(actor)
    if user is None:
        raise Invalid("This action needs a signed-in user, not the operator.", code="user_required")
    return user


# -- sign-in ---------------------------------------------------------------------------------


def _throttle_keys(email: str, client_ip: str | None) -> list[str]:
    keys = [f"email:{email}"]
    if client_ip:
        keys.append(f"ip:{client_ip}")
    return keys


def sign_in(*, email: str, password: str, client_ip: str | None = None) -> User:
    """The user with these credentials, or Invalid; Throttled while a back-off is running.

    Failures are counted per email and per client address; after the free ones each attempt
    must wait twice as long as the last, whether or not the password would have been right.
    """
    email = normalise_email(email or "")
    keys = _throttle_keys(email, client_ip)
    now = timezone.now()
    window_start = now - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for throttle in LoginThrottle.objects.filter(key__in=keys):
        if throttle.blocked_until and throttle.blocked_until > now:
            wait = int((throttle.blocked_until - now).total_seconds()) + 1
            raise Throttled(
                f"Too many failed sign-ins. Try again in {wait} seconds.",
                retry_after=wait,
                code="auth.throttled",
            )
    user = authenticate(None, username=email, password=password)
    if isinstance(user, User):
        LoginThrottle.objects.filter(key=f"email:{email}").delete()
        return user
    with transaction.atomic():
        for key in keys:
            throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"last_failure_at": now}
            )
            # Failures older than the window are forgiven: start counting again.
            failures = 1 if throttle.last_failure_at < window_start else throttle.failures + 1
            delay = retry_delay(failures, settings.LOGIN_FREE_FAILURES)
            throttle.failures = failures
            throttle.last_failure_at = now
            throttle.blocked_until = now + timedelta(seconds=delay) if delay else None
            throttle.save()
    raise Invalid("Wrong email or password.", code="auth.invalid_credentials", field="password")


# -- organisations ---------------------------------------------------------------------------


def _unique_slug(name: str, wanted: str | None) -> str:
    if wanted:
        slug = slugify(wanted)
        if not slug or slug != wanted.strip().lower():
            raise Invalid(
                f"'{wanted}' is not a valid slug: use lower-case letters, digits and hyphens.",
                field="slug",
            )
        if slug in RESERVED_SLUGS:
            raise Invalid(f"'{slug}' is reserved; choose another slug.", field="slug")
        if Organisation.objects.filter(slug=slug).exists():
            raise Conflict(
                f"The slug '{slug}' is taken.", field="slug", code="organisation.slug_taken"
            )
        return slug
    base = slugify(name)[:50] or "workspace"
    if base in RESERVED_SLUGS:
        base = f"{base}-team"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _register(email: str, display_name: str | None, password: str | None) -> User:
    """A new account (the operator's path; everyone else joins by invitation)."""
    name = _clean_name(display_name or email.split("@")[0], "display_name", 120)
    candidate = User(email=email, display_name=name)
    return User.objects.create_user(
        email,
        password=_clean_password(password, candidate) if password else None,
        display_name=name,
    )


@transaction.atomic
def create_organisation(
    actor: Actor,
    *,
    name: str,
    slug: str | None = None,
    time_zone: str = "UTC",
    currency: str = "EUR",
    owner_email: str | None = None,
    owner_name: str | None = None,
    owner_password: str | None = None,
) -> Organisation:
    """A new organisation whose owner is the acting user.

    The operator names the owner by email instead, creating the account when it does not exist.
    """
    name = _clean_name(name, "name", 120)
    first_owner = user_of(actor)
    if owner_email is not None:
        if not isinstance(actor, Operator):
            raise Forbidden("Only the operator creates organisations for other people.")
        email = _clean_email(owner_email, "owner_email")
        first_owner = User.objects.filter(email=email).first() or _register(
            email, owner_name, owner_password
        )
    if first_owner is None:
        raise Invalid("A new organisation needs an owner.", field="owner_email")
    organisation = Organisation.objects.create(
        name=name,
        slug=_unique_slug(name, slug),
        time_zone=_clean_time_zone(time_zone),
        currency=_clean_currency(currency),
    )
    Membership.objects.create(organisation=organisation, user=first_owner, role=Role.OWNER)
    record_activity(
        actor,
        organisation,
        action="accounts.organisation.created",
        target=organisation,
        summary=f"created the organisation {organisation.name}",
    )
    return organisation


@transaction.atomic
def update_organisation(
    actor: Actor,
    organisation_id: int,
    *,
    version: int | None,
    name: str | None = None,
    time_zone: str | None = None,
    currency: str | None = None,
) -> Organisation:
    """Rename the organisation or change its time zone or currency."""
    access_organisation(actor, organisation_id, Permission.MANAGE_ORGANISATION)
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    expect_version(organisation, version)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = _clean_name(name, "name", 120)
    if time_zone is not None:
        changes["time_zone"] = _clean_time_zone(time_zone)
    if currency is not None:
        changes["currency"] = _clean_currency(currency)
    for field, value in changes.items():
        setattr(organisation, field, value)
    bump(organisation)
    organisation.save()
    record_activity(
        actor,
        organisation,
        action="accounts.organisation.updated",
        target=organisation,
        summary="changed the organisation's " + ", ".join(changes).replace("_", " "),
        data=changes,
    )
    return organisation


# -- members ---------------------------------------------------------------------------------


def _check_assign(actor_role: Role, current: Role | None, new: Role) -> None:
    if not can_assign_role(actor_role, current, new):
        raise Forbidden(
            f"A {ROLE_LABELS[actor_role].lower()} may not make someone "
            f"{'an' if new in (Role.OWNER, Role.ADMIN) else 'a'} {ROLE_LABELS[new].lower()}.",
            code="role.not_assignable",
        )


@transaction.atomic
def add_member(
    actor: Actor,
    organisation_id: int,
    *,
    email: str,
    role: str,
    display_name: str | None = None,
    password: str | None = None,
) -> Membership:
    """Add a person to the organisation, creating their account when it does not exist yet.

    For the operator's `tandem user add` and for admins adding people who already have an
    account; everyone else is invited by link (``invite_member``).
    """
    access = access_organisation(actor, organisation_id, Permission.MANAGE_MEMBERS)
    email = _clean_email(email)
    new_role = _clean_role(role)
    _check_assign(access.role, None, new_role)
    user = User.objects.filter(email=email).first()
    if user is None:
        if not isinstance(actor, Operator):
            raise NotFound(
                f"No account for {email} yet; send an invitation instead.",
                code="user.not_found",
                field="email",
            )
        user = _register(email, display_name, password)
    elif password and isinstance(actor, Operator):
        user.set_password(_clean_password(password, user))
        user.save(update_fields=["password"])
    if Membership.objects.filter(organisation=access.organisation, user=user).exists():
        raise Conflict(
            f"{email} is already a member of {access.organisation.name}.",
            code="member.exists",
            field="email",
        )
    membership = Membership.objects.create(
        organisation=access.organisation, user=user, role=new_role
    )
    record_activity(
        actor,
        access.organisation,
        action="accounts.member.added",
        target=membership,
        summary=f"added {user.display_name} as {ROLE_LABELS[new_role].lower()}",
        data={"email": email, "role": new_role.value},
    )
    return membership


def _membership_in(
    actor: Actor, membership_id: int, permission: Permission
) -> tuple[Membership, Role]:
    """The membership (locked) and the actor's role, checking access to its organisation."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise NotFound("No such member.", code="member.not_found")
    try:
        access = access_organisation(actor, membership.organisation_id, permission)
    except NotFound:
        raise NotFound("No such member.", code="member.not_found") from None
    return membership, access.role


def _other_owners(membership: Membership) -> int:
    return (
        Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def change_role(actor: Actor, membership_id: int, *, role: str, version: int | None) -> Membership:
    """Give a member another role; an organisation always keeps at least one owner."""
    membership, actor_role = _membership_in(actor, membership_id, Permission.MANAGE_MEMBERS)
    expect_version(membership, version)
    new_role = _clean_role(role)
    old_role = Role(membership.role)
    _check_assign(actor_role, old_role, new_role)
    if old_role is Role.OWNER and new_role is not Role.OWNER and _other_owners(membership) == 0:
        raise Conflict(
            f"{membership.user.display_name} is the only owner; make someone else owner first.",
            code="member.last_owner",
            field="role",
        )
    membership.role = new_role
    bump(membership)
    membership.save()
    record_activity(
        actor,
        membership.organisation,
        action="accounts.member.role_changed",
        target=membership,
        summary=f"made {membership.user.display_name} {ROLE_LABELS[new_role].lower()} "
        f"(was {ROLE_LABELS[old_role].lower()})",
        data={"from": old_role.value, "to": new_role.value},
    )
    return membership


@transaction.atomic
def remove_member(actor: Actor, membership_id: int) -> None:
    """Remove someone from the organisation (or leave it yourself); never the last owner."""
    membership = (
        Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    )
    leaving = membership is not None and membership.user_id == getattr(actor, "pk", None)
    permission = Permission.VIEW if leaving else Permission.MANAGE_MEMBERS
    membership, actor_role = _membership_in(actor, membership_id, permission)
    target_role = Role(membership.role)
    if not leaving:
        _check_assign(actor_role, target_role, Role.VIEWER)
    if target_role is Role.OWNER and _other_owners(membership) == 0:
        raise Conflict(
            f"{membership.user.display_name} is the only owner; make someone else owner first.",
            code="member.last_owner",
        )
    organisation, name = membership.organisation, membership.user.display_name
    record_activity(
        actor,
        organisation,
        action="accounts.member.removed",
        target=membership,
        summary=f"{'left' if leaving else 'removed ' + name + ' from'} the organisation",
        data={"email": membership.user.email, "role": target_role.value},
    )
    membership.delete()


# -- invitations -----------------------------------------------------------------------------


def invitation_url(secret: str) -> str:
    """The link that lets the invitee accept."""
    return f"{settings.BASE_URL}/invite/{secret}/"


@transaction.atomic
def invite_member(
    actor: Actor, organisation_id: int, *, email: str, role: str
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its secret link's token (shown once).

    The email goes out only after the invitation is committed.
    """
    access = access_organisation(actor, organisation_id, Permission.MANAGE_MEMBERS)
    email = _clean_email(email)
    new_role = _clean_role(role)
    _check_assign(access.role, None, new_role)
    organisation = access.organisation
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise Conflict(
            f"{email} is already a member of {organisation.name}.",
            code="member.exists",
            field="email",
        )
    now = timezone.now()
    # A fresh invitation replaces any open one for the same address.
    Invitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, revoked_at=None
    ).update(revoked_at=now)
    secret = new_secret()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=new_role,
        invited_by=user_of(actor),
        token_hash=digest(secret),
        expires_at=now + INVITATION_LIFETIME,
    )
    record_activity(
        actor,
        organisation,
        action="accounts.member.invited",
        target=invitation,
        summary=f"invited {email} as {ROLE_LABELS[new_role].lower()}",
        data={"email": email, "role": new_role.value},
    )
    inviter = getattr(actor, "display_name", "Someone")
    link = invitation_url(secret)
    transaction.on_commit(
        lambda: send_mail(
            subject=f"{inviter} invited you to {organisation.name} on tandem",
            message=(
                f"{inviter} invited you to join {organisation.name} on tandem as "
                f"{ROLE_LABELS[new_role].lower()}.\n\nAccept within 14 days: {link}\n"
            ),
            from_email=None,
            recipient_list=[email],
            fail_silently=True,
        )
    )
    return invitation, secret


def find_open_invitation(secret: str) -> Invitation | None:
    """The open invitation behind a secret link, or None when unknown, used, revoked or expired."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=digest(secret)).first()
    )
    if invitation is None or not invitation.is_open(timezone.now()):
        return None
    return invitation


@transaction.atomic
def accept_invitation(
    secret: str,
    *,
    user: User | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> Membership:
    """Join the organisation of an open invitation, as ``user`` or as a new account."""
    invitation = find_open_invitation(secret)
    if invitation is None:
        raise NotFound(
            "This invitation link is unknown, used, revoked or expired; ask for a new one.",
            code="invitation.not_found",
        )
    # Lock the invitation and look again: two people accepting at once must not both join.
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not invitation.is_open(timezone.now()):
        raise NotFound(
            "This invitation link is unknown, used, revoked or expired; ask for a new one.",
            code="invitation.not_found",
        )
    if user is None:
        existing = User.objects.filter(email=invitation.email).first()
        if existing is not None:
            raise Conflict(
                f"{invitation.email} already has an account; sign in to accept.",
                code="invitation.sign_in_required",
            )
        name = _clean_name(display_name or "", "display_name", 120)
        candidate = User(email=invitation.email, display_name=name)
        user = User.objects.create_user(
            invitation.email, password=_clean_password(password or "", candidate), display_name=name
        )
    if Membership.objects.filter(organisation=invitation.organisation, user=user).exists():
        raise Conflict(
            f"You are already a member of {invitation.organisation.name}.", code="member.exists"
        )
    membership = Membership.objects.create(
        organisation=invitation.organisation, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_activity(
        user,
        invitation.organisation,
        action="accounts.member.joined",
        target=membership,
        summary=f"joined as {ROLE_LABELS[Role(invitation.role)].lower()}",
        data={"email": user.email, "role": invitation.role},
    )
    return membership


@transaction.atomic
def revoke_invitation(actor: Actor, invitation_id: int) -> Invitation:
    """Withdraw an open invitation so its link stops working."""
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("No such invitation.", code="invitation.not_found")
    try:
        access = access_organisation(actor, invitation.organisation_id, Permission.MANAGE_MEMBERS)
    except NotFound:
        raise NotFound("No such invitation.", code="invitation.not_found") from None
    if not invitation.is_open(timezone.now()):
        raise Conflict("This invitation is no longer open.", code="invitation.closed")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_activity(
        actor,
        access.organisation,
        action="accounts.member.invitation_revoked",
        target=invitation,
        summary=f"revoked the invitation of {invitation.email}",
    )
    return invitation


# -- profile and tokens ----------------------------------------------------------------------


@transaction.atomic
def update_profile(actor: Actor, *, version: int | None, display_name: str) -> User:
    """Change the acting user's display name."""
    user = _require_user(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    expect_version(user, version)
    user.display_name = _clean_name(display_name, "display_name", 120)
    bump(user)
    user.save(update_fields=["display_name", "version"])
    return user


@transaction.atomic
def change_password(actor: Actor, *, current_password: str, new_password: str) -> User:
    """Set a new password after checking the current one."""
    user = User.objects.select_for_update().get(pk=_require_user(actor).pk)
    if not user.check_password(current_password):
        raise Invalid("The current password is wrong.", field="current_password")
    user.set_password(_clean_password(new_password, user))
    bump(user)
    user.save(update_fields=["password", "version"])
    return user


@transaction.atomic
def create_token(
    actor: Actor,
    *,
    name: str,
    user: User | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A personal API token for the acting user (the operator may name any user).

    Returns the row and the secret; only the secret's hash is kept, so it is shown once.
    """
    owner = user or _require_user(actor)
    if not isinstance(actor, Operator) and owner.pk != getattr(actor, "pk", None):
        raise Forbidden("You can create tokens only for yourself.")
    name = _clean_name(name, "name", 80)
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at, UTC)  # an expiry without a zone is UTC
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid("The expiry must lie in the future.", field="expires_at")
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken.objects.create(
        user=owner,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=digest(secret),
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the acting user's tokens; it stops working at once."""
    owner = user_of(actor)
    tokens = ApiToken.objects.select_for_update().filter(pk=token_id)
    if owner is not None:
        tokens = tokens.filter(user=owner)
    token = tokens.first()
    if token is None:
        raise NotFound("No such token.", code="token.not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(secret: str) -> User | None:
    """The active user behind an API token secret, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=digest(secret)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute: a busy script must not turn every read into a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
