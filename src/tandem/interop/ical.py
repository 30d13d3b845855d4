"""iCalendar (RFC 5545) documents of the calendar feeds: a project's milestones and deadlines,
a product's releases, a member's assigned work.

Each event's UID names the row it comes from (``task-12-deadline@host``), so calendar apps
update an event when the plan moves instead of adding a second one. Things that fall on a day
(a release, the project's deadline, a deadline set as a date) are all-day events; things that
happen at a moment (a milestone, a task's scheduled work) are timed events in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from tandem.accounts.actors import Actor
from tandem.accounts.models import CalendarFeed, Organisation
from tandem.products.access import access_row
from tandem.products.models import Product, Release
from tandem.projects import queries
from tandem.projects.access import access_project
from tandem.projects.scheduling import LocalTime, work_calendar

PRODID = "-//tandem//calendar feeds//EN"


def _host() -> str:
    return urlsplit(settings.BASE_URL).hostname or "tandem.invalid"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    # Ask subscribing apps to look again every hour.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _event(
    uid: str, summary: str, start: date | datetime, end: date | datetime | None, stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{_host()}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    if isinstance(start, datetime):
        stop = end if isinstance(end, datetime) and end > start else start
        event.add("dtstart", start.astimezone(UTC))
        event.add("dtend", stop.astimezone(UTC))
    else:
        event.add("dtstart", start)
        event.add("dtend", end or start + timedelta(days=1))
    return event


def _deadline(clock: LocalTime, moment: datetime) -> date | datetime:
    """A deadline set as a date (the last working moment of its day) is that day; else the
    moment itself."""
    local = clock.local(moment)
    assert local is not None
    for day in (local.date(), local.date() - timedelta(days=1)):
        if clock.day_end(day) == local:
            return day
    return moment


def project_calendar(actor: Actor, project_id: int, stamp: datetime) -> Calendar:
    """The project's milestones (timed), task deadlines and the project's deadline."""
    _, project = access_project(actor, project_id)
    calendar = _calendar(f"{project.name}: milestones and deadlines")
    clock = LocalTime(ZoneInfo(project.organisation.time_zone), work_calendar(project.calendar))
    for row in queries.task_rows(project):
        task = row.task
        done = " (done)" if task.percent_complete >= 100 else ""
        if row.milestone and task.start is not None:
            event = _event(
                f"task-{task.pk}-milestone", f"◆ {task.name}{done}", task.start, None, stamp
            )
            event.add("description", f"Milestone {row.outline.number} of {project.name}")
            event.add("categories", ["Milestone"])
            calendar.add_component(event)
        if task.deadline is not None:
            when = _deadline(clock, task.deadline)
            event = _event(
                f"task-{task.pk}-deadline", f"Deadline: {task.name}{done}", when, None, stamp
            )
            finish = timezone.localtime(task.finish, clock.zone) if task.finish else None
            scheduled = f"; scheduled to finish {finish:%Y-%m-%d %H:%M}" if finish else ""
            event.add("description", f"{row.outline.number} of {project.name}{scheduled}")
            event.add("categories", ["Deadline"])
            calendar.add_component(event)
    if project.deadline is not None:
        event = _event(
            f"project-{project.pk}-deadline",
            f"Deadline: {project.name}",
            project.deadline,
            None,
            stamp,
        )
        event.add("categories", ["Deadline"])
        calendar.add_component(event)
    return calendar


def product_calendar(actor: Actor, product_id: int, stamp: datetime) -> Calendar:
    """The product's releases on the day they shipped, or the day they are planned for."""
    _, product = access_row(actor, Product, product_id)
    calendar = _calendar(f"{product.name}: releases")
    for release in Release.objects.filter(product=product).order_by("id"):
        day = release.actual_date or release.planned_date
        if day is None:
            continue
        title = f"{product.name} {release.label}" + (f": {release.title}" if release.title else "")
        event = _event(f"release-{release.pk}", title, day, None, stamp)
        if release.notes:
            event.add("description", release.notes)
        # A cancelled release stays in the feed, marked, so calendars update rather than guess.
        event.add("status", "CANCELLED" if release.status == "cancelled" else "CONFIRMED")
        event.add("categories", ["Release"])
        calendar.add_component(event)
    return calendar


def work_calendar_of(actor: Actor, organisation: Organisation, stamp: datetime) -> Calendar:
    """The member's unfinished assigned tasks, each from its scheduled start to its finish."""
    rows = queries.my_work(actor, organisation.pk)
    calendar = _calendar(f"{getattr(actor, 'display_name', 'My')}: work in {organisation.name}")
    zone = ZoneInfo(organisation.time_zone)
    for row in rows:
        task = row.task
        if task.start is None:
            continue
        event = _event(
            f"task-{task.pk}", f"{task.name} ({task.project.key})", task.start, task.finish, stamp
        )
        details = [task.project.name, f"{task.percent_complete}% complete"]
        if task.deadline:
            details.append(f"deadline {timezone.localtime(task.deadline, zone):%Y-%m-%d}")
        event.add("description", "; ".join(details))
        calendar.add_component(event)
    return calendar


def feed_document(feed: CalendarFeed, stamp: datetime | None = None) -> bytes:
    """The feed's calendar as its member sees it now (NotFound when they no longer may)."""
    stamp = stamp or timezone.now()
    if feed.kind == "project":
        calendar = project_calendar(feed.user, int(feed.target_id or 0), stamp)
    elif feed.kind == "product":
        calendar = product_calendar(feed.user, int(feed.target_id or 0), stamp)
    else:
        calendar = work_calendar_of(feed.user, feed.organisation, stamp)
    return bytes(calendar.to_ical())
