"""Organisations (workspaces), users, memberships with roles, invitations and API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from tandem.core.permissions import ROLE_LABELS, Role

ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively: store them trimmed and lower-cased."""
    return email.strip().lower()


class Organisation(models.Model):
    """A workspace: everything else belongs to exactly one organisation."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    # Validated against the IANA database by the service, not by choices: the zone list
    # changes with tzdata and must not churn migrations.
    time_zone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="EUR")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    """Creates users with normalised emails and hashed passwords."""

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=normalise_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))


class User(AbstractBaseUser):
    """A person who signs in with an email address; may belong to several organisations."""

    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        ordering: ClassVar = ["display_name", "email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def initials(self) -> str:
        parts = (self.display_name or self.email).replace(".", " ").split()
        return "".join(part[0] for part in parts[:2]).upper()


class Membership(models.Model):
    """A user's place in an organisation, with the role that says what they may do."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org"),
            models.CheckConstraint(
                condition=models.Q(role__in=[role.value for role in Role]),
                name="membership_role_known",
            ),
        ]
        ordering: ClassVar = ["organisation__name", "user__display_name"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} as {self.role}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class Invitation(models.Model):
    """An open invitation to join an organisation; the secret link is shown and mailed once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    def is_open(self, now: Any) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins for one email or one client address."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


FEED_KINDS = [
    ("project", "A project's milestones and deadlines"),
    ("product", "A product's releases"),
    ("my_work", "My assigned work"),
]


class CalendarFeed(models.Model):
    """A member's secret calendar subscription link (RFC 5545): a project's milestones and
    deadlines, a product's releases, or their own work. Only the secret's SHA-256 is stored.

    The feed shows what its member may see when a calendar fetches it, so leaving the
    organisation or losing the project silences it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    kind = models.CharField(max_length=10, choices=FEED_KINDS)
    # The project or product; none for "my work". Not a foreign key: accounts knows no other
    # app, and a feed whose target is gone simply answers 404.
    target_id = models.BigIntegerField(null=True, blank=True)
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} feed of {self.user} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
