"""Calendar feeds: a member's secret subscription links — create, list, revoke, regenerate — and
finding the feed behind a link.

A secret is shown once, when it is made; only its SHA-256 is kept (accounts.tokens), so a lost
link is regenerated, never recovered. Regenerating revokes the old link and makes a new one
for the same calendar, so subscribers of the old link stop getting updates at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.access import Access, access_organisation
from tandem.accounts.actors import Actor, user_of
from tandem.accounts.models import FEED_KINDS, CalendarFeed, User
from tandem.accounts.tokens import digest, new_secret
from tandem.collab.services import record_activity
from tandem.core.permissions import Permission
from tandem.errors import Invalid, NotFound
from tandem.products.access import access_row
from tandem.products.models import Product
from tandem.projects.access import access_project

FEED_PREFIX = "tcf_"  # a public prefix that says "tandem calendar feed", not a secret
KINDS = [kind for kind, _ in FEED_KINDS]


@dataclass(frozen=True)
class FeedView:
    """A feed as its list shows it: what it follows, by name."""

    feed: CalendarFeed
    title: str


def feed_url(secret: str) -> str:
    """The subscription address calendar apps fetch."""
    return f"{settings.BASE_URL}/feeds/{secret}.ics"


def feed_title(actor: Actor, feed: CalendarFeed) -> str:
    """What the feed follows, by name ("" when its target is gone or out of reach)."""
    try:
        if feed.kind == "project":
            project = access_project(actor, int(feed.target_id or 0))[1]
            return f"{project.name}: milestones and deadlines"
        if feed.kind == "product":
            return f"{access_row(actor, Product, int(feed.target_id or 0))[1].name}: releases"
    except NotFound:
        return ""
    return "My work"


def _member(actor: Actor, organisation_id: int) -> tuple[Access, User]:
    access = access_organisation(actor, organisation_id, Permission.VIEW)
    user = user_of(actor)
    if user is None:
        raise Invalid(
            "Calendar feeds belong to members, not to the operator.", code="user_required"
        )
    return access, user


@transaction.atomic
def create_feed(
    actor: Actor, organisation_id: int, *, kind: str, target_id: int | None = None
) -> tuple[CalendarFeed, str]:
    """A new feed of a project, a product or the member's own work; returns it and its secret
    (shown once)."""
    access, user = _member(actor, organisation_id)
    if kind not in KINDS:
        raise Invalid(f"Unknown feed '{kind}'; use one of {', '.join(KINDS)}.", field="kind")
    if kind == "my_work":
        target_id = None
    elif target_id is None:
        raise Invalid(f"Name the {kind} to follow.", field="target_id")
    elif kind == "project":
        _, project = access_project(actor, target_id)
        if project.organisation_id != access.organisation.pk:
            raise NotFound("No such project.", code="project.not_found")
    else:
        _, product = access_row(actor, Product, target_id)
        if product.organisation_id != access.organisation.pk:
            raise NotFound("No such product.", code="product.not_found")
    secret = new_secret(FEED_PREFIX)
    feed = CalendarFeed.objects.create(
        organisation=access.organisation,
        user=user,
        kind=kind,
        target_id=target_id,
        prefix=secret[: len(FEED_PREFIX) + 6],
        token_hash=digest(secret),
    )
    record_activity(
        actor,
        access.organisation,
        action="interop.calendar_feed.created",
        target=feed,
        summary=f"made a calendar feed of {feed_title(actor, feed).lower() or kind}",
    )
    return feed, secret


def list_feeds(actor: Actor, organisation_id: int) -> list[FeedView]:
    """The actor's active feeds in the organisation, newest first."""
    access, user = _member(actor, organisation_id)
    feeds: QuerySet[CalendarFeed] = CalendarFeed.objects.filter(
        organisation=access.organisation, user=user, revoked_at=None
    )
    return [FeedView(feed, feed_title(actor, feed)) for feed in feeds]


def _own_feed(actor: Actor, feed_id: int) -> CalendarFeed:
    user = user_of(actor)
    feed = (
        CalendarFeed.objects.select_for_update()
        .filter(pk=feed_id, user=user, revoked_at=None)
        .first()
        if user is not None
        else None
    )
    if feed is None:
        raise NotFound("No such calendar feed.", code="calendar_feed.not_found")
    access_organisation(actor, feed.organisation_id)
    return feed


@transaction.atomic
def revoke_feed(actor: Actor, feed_id: int) -> CalendarFeed:
    """Stop one of the actor's feeds: its link answers 404 from now on."""
    feed = _own_feed(actor, feed_id)
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    record_activity(
        actor,
        feed.organisation,
        action="interop.calendar_feed.revoked",
        target=feed,
        summary="revoked a calendar feed",
    )
    return feed


@transaction.atomic
def regenerate_feed(actor: Actor, feed_id: int) -> tuple[CalendarFeed, str]:
    """Replace a feed's link with a new one (the old stops working); returns the new feed and
    its secret."""
    old = _own_feed(actor, feed_id)
    revoke_feed(actor, old.pk)
    return create_feed(actor, old.organisation_id, kind=old.kind, target_id=old.target_id)


def find_feed(secret: str) -> CalendarFeed | None:
    """The active feed behind a secret link, or None (unknown, revoked, or its member gone)."""
    if not secret.startswith(FEED_PREFIX):
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "organisation")
        .filter(token_hash=digest(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    # Calendar apps poll often: note the use at most once an hour, not on every fetch.
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed
