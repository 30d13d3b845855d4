"""Calendar feeds: secret links (only their hash stored) that calendar apps fetch without
signing in, with stable UIDs, all-day and timed events, escaping, and 404 once revoked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from icalendar import Calendar

from tandem.accounts.models import CalendarFeed, Membership, Organisation, User
from tandem.errors import NotFound
from tandem.interop import feeds
from tandem.products import services_releases
from tandem.products.models import Product
from tandem.projects import services, services_plan, services_tasks
from tandem.projects.models import Project, Resource, Task
from tests.conftest import owner_of

pytestmark = pytest.mark.django_db


def fetch(url: str) -> Any:
    """GET a feed as a calendar app does: no session, no token."""
    return Client().get(url.removeprefix("http://127.0.0.1:8000"))


def events(response: Any) -> dict[str, Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    found = {}
    for event in calendar.walk("VEVENT"):
        assert "DTSTAMP" in event
        found[str(event["UID"])] = event
    return found


@pytest.fixture
def apollo(
    org: Organisation,
    planner: User,
    make_project: Callable[..., Project],
) -> Project:
    project = make_project(name="Apollo", key="APO", deadline=date(2030, 3, 29))
    build = services_tasks.create_task(
        planner, project.pk, name="Build, test; ship\nit", duration=2400, deadline="2030-01-18"
    )
    launch = services_tasks.create_task(
        planner, project.pk, name="Launch", duration=0, deadline="2030-01-21T10:00"
    )
    services_tasks.add_link(planner, project.pk, predecessor_id=build.pk, successor_id=launch.pk)
    services_tasks.create_task(planner, project.pk, name="Unrelated", duration=480)
    return project


def test_a_project_feed_has_milestones_and_deadlines_with_stable_uids(
    org: Organisation, planner: User, apollo: Project
) -> None:
    feed, secret = feeds.create_feed(planner, org.pk, kind="project", target_id=apollo.pk)
    url = feeds.feed_url(secret)
    assert url == f"http://127.0.0.1:8000/feeds/{secret}.ics"
    build = Task.objects.get(project=apollo, name__startswith="Build")
    launch = Task.objects.get(project=apollo, name="Launch")
    found = events(fetch(url))
    assert sorted(found) == sorted(
        [
            f"task-{build.pk}-deadline@127.0.0.1",
            f"task-{launch.pk}-milestone@127.0.0.1",
            f"task-{launch.pk}-deadline@127.0.0.1",
            f"project-{apollo.pk}-deadline@127.0.0.1",
        ]
    )
    # A deadline set as a date is an all-day event; one set with a time is timed.
    deadline = found[f"task-{build.pk}-deadline@127.0.0.1"]
    assert deadline["DTSTART"].dt == date(2030, 1, 18)
    assert deadline["DTEND"].dt == date(2030, 1, 19)
    assert found[f"task-{launch.pk}-deadline@127.0.0.1"]["DTSTART"].dt == datetime(
        2030, 1, 21, 10, tzinfo=UTC
    )
    assert found[f"project-{apollo.pk}-deadline@127.0.0.1"]["DTSTART"].dt == date(2030, 3, 29)
    # The milestone happens when Build ends: a timed event in UTC.
    milestone = found[f"task-{launch.pk}-milestone@127.0.0.1"]
    assert milestone["DTSTART"].dt == launch.start == datetime(2030, 1, 11, 17, tzinfo=UTC)
    assert milestone["SUMMARY"] == "◆ Launch"
    # Commas, semicolons and line breaks are escaped in the file and read back intact.
    raw = fetch(url).content.decode()
    assert "SUMMARY:Deadline: Build\\, test\\; ship\\nit" in raw
    assert str(deadline["SUMMARY"]) == "Deadline: Build, test; ship\nit"
    # The plan moves: the same events (same UIDs) at new times, nothing duplicated.
    services_tasks.update_task(planner, build.pk, version=build.version, duration=4800)
    moved = events(fetch(url))
    assert sorted(moved) == sorted(found)
    assert moved[f"task-{launch.pk}-milestone@127.0.0.1"]["DTSTART"].dt == datetime(
        2030, 1, 18, 17, tzinfo=UTC
    )
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_only_the_secrets_hash_is_stored(org: Organisation, planner: User, apollo: Project) -> None:
    feed, secret = feeds.create_feed(planner, org.pk, kind="project", target_id=apollo.pk)
    stored = CalendarFeed.objects.filter(pk=feed.pk).values().get()
    assert secret.startswith("tcf_") and len(secret) > 40
    assert all(secret not in str(value) for value in stored.values())
    assert stored["prefix"] == secret[:10]


def test_revoked_regenerated_and_unknown_links_answer_404(
    org: Organisation, planner: User, apollo: Project
) -> None:
    feed, secret = feeds.create_feed(planner, org.pk, kind="project", target_id=apollo.pk)
    new, new_secret = feeds.regenerate_feed(planner, feed.pk)
    assert (new.kind, new.target_id) == ("project", apollo.pk)
    assert fetch(feeds.feed_url(secret)).status_code == 404
    events(fetch(feeds.feed_url(new_secret)))
    feeds.revoke_feed(planner, new.pk)
    assert fetch(feeds.feed_url(new_secret)).status_code == 404
    assert fetch("/feeds/tcf_no-such-secret.ics").status_code == 404
    assert fetch("/feeds/anything.ics").status_code == 404
    with pytest.raises(NotFound):
        feeds.revoke_feed(planner, new.pk)  # already revoked


def test_a_feed_stops_when_its_member_leaves(
    org: Organisation, make_member: Callable[..., User], apollo: Project
) -> None:
    watcher = make_member(org, role="viewer")
    _, secret = feeds.create_feed(watcher, org.pk, kind="project", target_id=apollo.pk)
    events(fetch(feeds.feed_url(secret)))
    Membership.objects.filter(user=watcher).delete()
    assert fetch(feeds.feed_url(secret)).status_code == 404


def test_my_work_has_my_assigned_tasks_as_timed_events(
    org: Organisation,
    planner: User,
    make_member: Callable[..., User],
    apollo: Project,
    make_resource: Callable[..., Resource],
    make_organisation: Callable[..., Organisation],
) -> None:
    me = make_member(org, role="member")
    mine = services_plan.create_resource(owner_of(org), org.pk, name="Me", user_id=me.pk)
    build = Task.objects.get(project=apollo, name__startswith="Build")
    services_plan.assign(planner, build.pk, resource_id=mine.pk)
    _, secret = feeds.create_feed(me, org.pk, kind="my_work")
    found = events(fetch(feeds.feed_url(secret)))
    assert list(found) == [f"task-{build.pk}@127.0.0.1"]
    event = found[f"task-{build.pk}@127.0.0.1"]
    build.refresh_from_db()
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (build.start, build.finish)
    assert str(event["SUMMARY"]) == "Build, test; ship\nit (APO)"
    assert "0% complete" in str(event["DESCRIPTION"])
    # Work in another organisation the member belongs to stays out of this one's feed.
    elsewhere = make_organisation(name="Side gig")
    Membership.objects.create(organisation=elsewhere, user=me, role="member")
    side = services.create_project(
        owner_of(elsewhere), elsewhere.pk, name="Side", start=date(2030, 1, 7)
    )
    gig = services_tasks.create_task(owner_of(elsewhere), side.pk, name="Gig", duration=480)
    them = services_plan.create_resource(
        owner_of(elsewhere), elsewhere.pk, name="Me there", user_id=me.pk
    )
    services_plan.assign(owner_of(elsewhere), gig.pk, resource_id=them.pk)
    assert list(events(fetch(feeds.feed_url(secret)))) == [f"task-{build.pk}@127.0.0.1"]
    # Finished work leaves the feed.
    services_tasks.update_task(planner, build.pk, version=build.version, percent_complete=100)
    assert events(fetch(feeds.feed_url(secret))) == {}


def test_a_product_feed_has_its_releases_as_all_day_events(
    org: Organisation, pm: User, make_product: Callable[..., Product]
) -> None:
    product = make_product(name="Beam")
    shipped = services_releases.create_release(
        pm, product.pk, label="1.0", status="released", actual_date=date(2020, 11, 4),
        planned_date=date(2020, 11, 1),
    )  # fmt: skip
    planned = services_releases.create_release(
        pm, product.pk, label="2.0", title="Search", planned_date=date(2030, 2, 3)
    )
    dropped = services_releases.create_release(
        pm, product.pk, label="1.5", status="cancelled", planned_date=date(2029, 12, 1)
    )
    services_releases.create_release(pm, product.pk, label="3.0")  # no date: not in the feed
    _, secret = feeds.create_feed(pm, org.pk, kind="product", target_id=product.pk)
    found = events(fetch(feeds.feed_url(secret)))
    assert sorted(found) == sorted(f"release-{r.pk}@127.0.0.1" for r in (shipped, planned, dropped))
    assert found[f"release-{shipped.pk}@127.0.0.1"]["DTSTART"].dt == date(2020, 11, 4)
    assert str(found[f"release-{planned.pk}@127.0.0.1"]["SUMMARY"]) == "Beam 2.0: Search"
    assert str(found[f"release-{dropped.pk}@127.0.0.1"]["STATUS"]) == "CANCELLED"


def test_feeds_of_other_organisations_rows_are_refused(
    org: Organisation,
    planner: User,
    make_organisation: Callable[..., Organisation],
) -> None:
    other = make_organisation(name="Rival")
    theirs = services.create_project(
        owner_of(other), other.pk, name="Secret", start=date(2030, 1, 7)
    )
    with pytest.raises(NotFound):
        feeds.create_feed(planner, org.pk, kind="project", target_id=theirs.pk)
    with pytest.raises(NotFound):
        feeds.create_feed(planner, other.pk, kind="my_work")


def test_the_feeds_page_shows_a_new_link_once_and_lists_feeds_by_prefix(
    org: Organisation,
    planner: User,
    apollo: Project,
    browser_client: Callable[[User], Client],
    make_member: Callable[..., User],
) -> None:
    client = browser_client(planner)
    page = f"/o/{org.slug}/feeds/"
    html = client.get(page).content.decode()
    assert "Calendar feeds" in html and f'value="project:{apollo.pk}"' in html
    token = client.cookies["csrftoken"].value
    response = client.post(page, {"follow": f"project:{apollo.pk}", "csrfmiddlewaretoken": token})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Copy the link of “Apollo: milestones and deadlines” now." in html
    feed = CalendarFeed.objects.get(user=planner)
    url = html.split('id="feed-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert url.startswith("http://127.0.0.1:8000/feeds/tcf_")
    events(fetch(url))
    again = client.get(page).content.decode()
    assert url not in again and f"<code>{feed.prefix}…</code>" in again
    # Someone else cannot revoke it, even knowing its id.
    other = browser_client(make_member(org, role="admin"))
    other.get(page)
    refused = other.post(
        f"{page}{feed.pk}/revoke/", {"csrfmiddlewaretoken": other.cookies["csrftoken"].value}
    )
    assert refused.status_code == 404
    response = client.post(f"{page}{feed.pk}/regenerate/", {"csrfmiddlewaretoken": token})
    assert "Copy the link of" in response.content.decode()
    assert fetch(url).status_code == 404
    newest = CalendarFeed.objects.get(user=planner, revoked_at=None)
    response = client.post(f"{page}{newest.pk}/revoke/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(user=planner, revoked_at=None).exists()


def test_the_api_makes_lists_regenerates_and_revokes_feeds(
    org: Organisation, planner: User, apollo: Project, api_client: Callable[[User], Client]
) -> None:
    client = api_client(planner)
    base = f"/api/v1/organisations/{org.pk}/calendar-feeds"
    made = client.post(
        base, {"kind": "project", "target_id": apollo.pk}, content_type="application/json"
    )
    assert made.status_code == 201
    body = made.json()
    assert body["title"] == "Apollo: milestones and deadlines"
    events(fetch(body["url"]))
    listed = client.get(base).json()
    assert [f["id"] for f in listed] == [body["id"]] and "url" not in listed[0]
    fresh = client.post(f"/api/v1/calendar-feeds/{body['id']}/regenerate")
    assert fresh.status_code == 201 and fresh.json()["url"] != body["url"]
    assert fetch(body["url"]).status_code == 404
    assert client.delete(f"/api/v1/calendar-feeds/{fresh.json()['id']}").status_code == 204
    assert fetch(fresh.json()["url"]).status_code == 404
    assert client.get(base).json() == []
    refused = client.post(base, {"kind": "weather"}, content_type="application/json")
    assert refused.status_code == 422


def _routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def test_the_feed_is_the_only_page_besides_sign_in_health_and_invitations_without_sign_in() -> None:
    open_pages = sorted(
        route
        for route, view in _routes(get_resolver().url_patterns)
        if not route.startswith(("api/", "^api/"))
        and getattr(view, "login_required", True) is False
    )
    assert open_pages == ["feeds/<str:secret>.ics", "health", "invite/<str:secret>/", "login/"]
