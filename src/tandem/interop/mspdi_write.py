"""A tandem project as MS Project XML (MSPDI): calendars, the task outline with links and
baselines, resources with their rates, and assignments.

Elements follow the order of the MSPDI schema's sequences (MS Project refuses a file whose
elements are out of order). Dates are the organisation's local wall time; durations are
working minutes written as ISO 8601; codes, lags and money follow ``mspdi_codes``, calendars
``mspdi_calendars``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element, SubElement
from zoneinfo import ZoneInfo

from django.db.models import Min
from django.utils.text import slugify

from tandem.accounts.actors import Actor
from tandem.core.permissions import Permission
from tandem.core.wbs import outline
from tandem.finance.models import CostRate
from tandem.interop.mspdi_calendars import clock_text, plan_calendars, put, write_calendars
from tandem.interop.mspdi_codes import (
    CONSTRAINT_NUMBERS,
    DURATION_FORMAT_DAYS,
    LINK_TYPE_NUMBERS,
    NS,
    currency_digits,
    format_duration,
    lag_to_mspdi,
    money_to_mspdi,
    rate_to_mspdi,
)
from tandem.projects import services_plan
from tandem.projects.access import access_project
from tandem.projects.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Link,
    Project,
    Resource,
    Task,
)
from tandem.projects.scheduling import LocalTime, work_calendar

MAX_BASELINES = 11  # Baseline, Baseline1 … Baseline10
MAX_RATES = 25  # rows of an MSPDI cost rate table
RATES_FROM = "1984-01-01T00:00:00"  # MS Project's first and last dates
RATES_TO = "2049-12-31T23:59:00"
FIXED_DURATION = 1
PRORATED = 2
RATE_PER_HOUR = 2
WORK_RESOURCE = 1


def export_mspdi(actor: Actor, project_id: int) -> tuple[bytes, str]:
    """The project as MS Project XML (MSPDI) and a file name for it."""
    _, project = access_project(actor, project_id, Permission.VIEW)
    name = f"{slugify(project.name) or project.key.lower()}.xml"
    writer = _Writer(project)
    root = Element("Project", xmlns=NS)
    writer.header(root, name)
    write_calendars(SubElement(root, "Calendars"), writer.calendars)
    writer.tasks(SubElement(root, "Tasks"))
    writer.resources(SubElement(root, "Resources"))
    writer.assignments(SubElement(root, "Assignments"))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), name


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S")


class _Writer:
    """The rows of one project and the numbering (UIDs) shared by the document's parts."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.clock = LocalTime(
            ZoneInfo(project.organisation.time_zone), work_calendar(project.calendar)
        )
        self.digits = currency_digits(project.organisation.currency)
        tasks = list(project.tasks.all())
        self.outline = outline((t.pk, t.parent_id, t.position) for t in tasks)
        by_id: dict[Any, Task] = {t.pk: t for t in tasks}
        self.ordered = [by_id[pk] for pk in self.outline]
        self.task_uid = {t.pk: n for n, t in enumerate(self.ordered, start=1)}
        self.links: dict[int, list[Link]] = defaultdict(list)
        for link in Link.objects.filter(project=project):
            self.links[link.successor_id].append(link)
        self.bookings = sorted(
            Assignment.objects.filter(task__project=project).select_related("resource", "task"),
            key=lambda a: (self.task_uid[a.task_id], a.resource.name, a.resource_id),
        )
        resources = {a.resource_id: a.resource for a in self.bookings}
        self.staff = sorted(resources.values(), key=lambda r: (r.name, r.pk))
        self.resource_uid = {r.pk: n for n, r in enumerate(self.staff, start=1)}
        self._rollups(services_plan.planned_costs(project))
        flat = {t.calendar_id for t in tasks if t.calendar_id} - {project.calendar_id}
        self.calendar_uid, self.calendars = plan_calendars(
            project.organisation_id,
            [project.calendar_id, *sorted(flat)],
            {r.calendar_id for r in self.staff if r.calendar_id},
        )

    # -- totals --------------------------------------------------------------------------

    def _rollups(self, costs: dict[int, int]) -> None:
        """Work and cost per task, summaries adding up their children (in minutes, minor)."""
        work: dict[int, float] = defaultdict(float)
        for a in self.bookings:
            work[a.task_id] += a.units * a.task.duration
        for task in self.ordered:
            if task.pk not in work and task.work and not self.outline[task.pk].summary:
                work[task.pk] = float(task.work)
        cost = {t.pk: costs.get(t.pk, 0) for t in self.ordered}
        for task in reversed(self.ordered):  # children come after their parents
            if task.parent_id in cost:
                cost[task.parent_id] += cost[task.pk]
                work[task.parent_id] += work[task.pk]
        self.work, self.cost = work, cost
        top = [t for t in self.ordered if t.parent_id not in cost]
        self.total_work = sum(work[t.pk] for t in top)
        self.total_cost = sum(cost[t.pk] for t in top)

    # -- header --------------------------------------------------------------------------

    def header(self, root: Element, name: str) -> None:
        project, clock = self.project, self.clock
        start = clock.day_start(project.start)
        week = self.calendars[0].week
        working = [hours for hours in week if hours]
        put(root, "SaveVersion", 14)
        put(root, "Name", name)
        put(root, "Title", project.name)
        put(root, "Manager", project.manager.display_name if project.manager else None)
        put(root, "CreationDate", _stamp(clock.local(project.created_at)))
        put(root, "ScheduleFromStart", True)
        put(root, "StartDate", _stamp(start))
        put(root, "FinishDate", _stamp(clock.local(project.finish) or start))
        put(root, "CurrencyDigits", self.digits)
        put(root, "CurrencyCode", project.organisation.currency)
        put(root, "CalendarUID", self.calendar_uid[project.calendar_id])
        if working:
            put(root, "DefaultStartTime", clock_text(working[0][0][0]))
            put(root, "DefaultFinishTime", clock_text(working[0][-1][1]))
        put(root, "MinutesPerDay", clock.calendar.minutes_per_day)
        put(root, "MinutesPerWeek", sum(b - a for hours in working for a, b in hours))
        put(root, "DaysPerMonth", 20)
        put(root, "DurationFormat", DURATION_FORMAT_DAYS)
        put(root, "WorkFormat", 2)  # hours
        if project.status_date is not None:
            # tandem's status date is the day remaining work resumes: midnight at its start,
            # which reads back as the same day (a time later in a day means the next one).
            put(root, "StatusDate", _stamp(datetime.combine(project.status_date, time())))

    # -- tasks ---------------------------------------------------------------------------

    def _span(self, start: datetime | None, finish: datetime | None) -> int:
        """Working minutes of the project calendar between two local moments."""
        if start is None or finish is None:
            return 0
        return round(self.clock.calendar.working_minutes_between(start, finish))

    def tasks(self, parent: Element) -> None:
        clock = self.clock
        starts = [clock.local(t.start) for t in self.ordered]
        finishes = [clock.local(t.finish) for t in self.ordered]
        start = min(filter(None, starts), default=clock.day_start(self.project.start))
        finish = max(filter(None, finishes), default=start)
        summary = SubElement(parent, "Task")
        for tag, value in (
            ("UID", 0),
            ("ID", 0),
            ("Name", self.project.name),
            ("Type", FIXED_DURATION),
            ("IsNull", False),
            ("WBS", 0),
            ("OutlineNumber", 0),
            ("OutlineLevel", 0),
            ("Start", _stamp(start)),
            ("Finish", _stamp(finish)),
            ("Duration", format_duration(self._span(start, finish))),
            ("DurationFormat", DURATION_FORMAT_DAYS),
            ("Work", format_duration(self.total_work)),
            ("Milestone", False),
            ("Summary", True),
            ("Cost", money_to_mspdi(self.total_cost, self.digits)),
            ("CalendarUID", -1),
        ):
            put(summary, tag, value)
        self._project_baselines(summary)
        baselines = self._task_baselines()
        for task in self.ordered:
            self._task(SubElement(parent, "Task"), task, baselines.get(task.pk, {}))

    def _task(self, element: Element, task: Task, baselines: dict[int, list[Any]]) -> None:
        clock, place = self.clock, self.outline[task.pk]
        start, finish = clock.local(task.start), clock.local(task.finish)
        duration = self._span(start, finish) if place.summary else task.duration
        done = task.percent_complete / 100
        # Remaining work as stated (P6 keeps it apart from % complete), else what % leaves.
        left = duration * (1 - done)
        if task.remaining is not None and task.actual_finish is None and not place.summary:
            left = task.remaining
        dated = task.constraint_type not in ("ASAP", "ALAP")
        for tag, value in (
            ("UID", self.task_uid[task.pk]),
            ("ID", self.task_uid[task.pk]),
            ("Name", task.name),
            ("Active", True),
            ("Manual", False),
            ("Type", FIXED_DURATION),
            ("IsNull", False),
            ("WBS", place.number),
            ("OutlineNumber", place.number),
            ("OutlineLevel", place.depth + 1),
            ("Priority", task.priority),
            ("Start", _stamp(start)),
            ("Finish", _stamp(finish)),
            ("Duration", format_duration(duration)),
            ("DurationFormat", DURATION_FORMAT_DAYS),
            ("Work", format_duration(self.work[task.pk])),
            ("EffortDriven", False),
            ("Estimated", False),
            ("Milestone", not place.summary and task.duration == 0),
            ("Summary", place.summary),
            ("Critical", task.critical),
            ("EarlyStart", _stamp(clock.local(task.early_start))),
            ("EarlyFinish", _stamp(clock.local(task.early_finish))),
            ("LateStart", _stamp(clock.local(task.late_start))),
            ("LateFinish", _stamp(clock.local(task.late_finish))),
            ("FreeSlack", None if task.free_float is None else task.free_float * 10),
            ("TotalSlack", None if task.total_float is None else task.total_float * 10),
            ("FixedCost", money_to_mspdi(task.fixed_cost, self.digits)),
            ("FixedCostAccrual", PRORATED),
            ("PercentComplete", task.percent_complete),
            ("Cost", money_to_mspdi(self.cost[task.pk], self.digits)),
            ("ActualStart", _stamp(clock.local(task.actual_start))),
            ("ActualFinish", _stamp(clock.local(task.actual_finish))),
            ("ActualDuration", format_duration(max(0, duration - left))),
            ("RemainingDuration", format_duration(left)),
            ("ConstraintType", CONSTRAINT_NUMBERS[task.constraint_type]),
            ("CalendarUID", self.calendar_uid[task.calendar_id] if task.calendar_id else -1),
            ("ConstraintDate", _stamp(clock.local(task.constraint_date)) if dated else None),
            ("Deadline", _stamp(clock.local(task.deadline))),
            ("Notes", task.notes or None),
        ):
            put(element, tag, value)
        links = sorted(self.links.get(task.pk, []), key=lambda k: self.task_uid[k.predecessor_id])
        for link in links:
            lag, lag_format = lag_to_mspdi(link.lag, link.lag_format)
            child = SubElement(element, "PredecessorLink")
            put(child, "PredecessorUID", self.task_uid[link.predecessor_id])
            put(child, "Type", LINK_TYPE_NUMBERS[link.type])
            put(child, "CrossProject", False)
            put(child, "LinkLag", lag)
            put(child, "LagFormat", lag_format)
        for number, values in sorted(baselines.items()):
            self._baseline(element, number, *values)

    def _baseline(
        self,
        parent: Element,
        number: int,
        start: datetime | None,
        finish: datetime | None,
        duration: int,
        cost: int,
    ) -> None:
        element = SubElement(parent, "Baseline")
        put(element, "Number", number)
        put(element, "Start", _stamp(self.clock.local(start)))
        put(element, "Finish", _stamp(self.clock.local(finish)))
        put(element, "Duration", format_duration(duration))
        put(element, "DurationFormat", DURATION_FORMAT_DAYS)
        put(element, "Cost", money_to_mspdi(cost, self.digits))

    def _saved(self) -> list[Baseline]:
        """The newest baselines MS Project has room for, numbered from the oldest."""
        newest = list(self.project.baselines.order_by("-created_at", "-id")[:MAX_BASELINES])
        return newest[::-1]

    def _project_baselines(self, summary: Element) -> None:
        for number, baseline in enumerate(self._saved()):
            start = baseline.tasks.aggregate(first=Min("start"))["first"]
            local = (self.clock.local(start), self.clock.local(baseline.finish))
            duration = self._span(*local)
            self._baseline(summary, number, start, baseline.finish, duration, baseline.cost)

    def _task_baselines(self) -> dict[int, dict[int, list[Any]]]:
        """Start, finish, duration and cost per task and baseline number; a summary spans its
        dates in working time and adds up its children's costs."""
        numbers = {baseline.pk: n for n, baseline in enumerate(self._saved())}
        result: dict[int, dict[int, list[Any]]] = defaultdict(dict)
        for row in BaselineTask.objects.filter(baseline_id__in=numbers, task__isnull=False):
            values: list[Any] = [row.start, row.finish, row.duration, row.cost]
            result[row.task_id][numbers[row.baseline_id]] = values  # type: ignore[index]
        for task in reversed(self.ordered):  # children before their parents
            for number, values in result.get(task.pk, {}).items():
                if self.outline[task.pk].summary:
                    values[2] = self._span(self.clock.local(values[0]), self.clock.local(values[1]))
                parent = result.get(task.parent_id or 0, {}).get(number)
                if parent is not None:
                    parent[3] += values[3]
        return result

    # -- resources and assignments --------------------------------------------------------

    def resources(self, parent: Element) -> None:
        dated: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for rate in CostRate.objects.filter(resource__in=self.staff).order_by(
            "resource_id", "effective_from"
        ):
            dated[rate.resource_id].append((rate.effective_from, rate.rate))
        for resource in self.staff:
            periods = [(None, resource.cost_rate), *dated.get(resource.pk, [])]
            in_force = [rate for day, rate in periods if day is None or day <= self.project.start]
            element = SubElement(parent, "Resource")
            put(element, "UID", self.resource_uid[resource.pk])
            put(element, "ID", self.resource_uid[resource.pk])
            put(element, "Name", resource.name)
            put(element, "Type", WORK_RESOURCE)  # people, equipment and facilities all work
            put(element, "IsNull", False)
            put(element, "Group", resource.get_kind_display())
            put(element, "MaxUnits", f"{resource.capacity:.2f}")
            put(element, "StandardRate", rate_to_mspdi(in_force[-1], self.digits))
            put(element, "StandardRateFormat", RATE_PER_HOUR)
            if resource.calendar_id:
                put(element, "CalendarUID", self.calendar_uid[resource.calendar_id])
            if len(periods) > 1:
                self._rates(SubElement(element, "Rates"), periods[-MAX_RATES:])

    def _rates(self, parent: Element, periods: list[tuple[date | None, int]]) -> None:
        """The rate table: each rate from its day until the day before the next one."""
        for n, (day, rate) in enumerate(periods):
            following = periods[n + 1][0] if n + 1 < len(periods) else None
            element = SubElement(parent, "Rate")
            put(element, "RatesFrom", f"{day.isoformat()}T00:00:00" if n and day else RATES_FROM)
            last = following - timedelta(days=1) if following else None
            put(element, "RatesTo", f"{last.isoformat()}T23:59:00" if last else RATES_TO)
            put(element, "RateTable", 0)
            put(element, "StandardRate", rate_to_mspdi(rate, self.digits))
            put(element, "StandardRateFormat", RATE_PER_HOUR)

    def assignments(self, parent: Element) -> None:
        for uid, assignment in enumerate(self.bookings, start=1):
            task: Task = assignment.task
            resource: Resource = assignment.resource
            element = SubElement(parent, "Assignment")
            put(element, "UID", uid)
            put(element, "TaskUID", self.task_uid[task.pk])
            put(element, "ResourceUID", self.resource_uid[resource.pk])
            put(element, "PercentWorkComplete", task.percent_complete)
            put(element, "Finish", _stamp(self.clock.local(task.finish)))
            put(element, "Start", _stamp(self.clock.local(task.start)))
            put(element, "Units", f"{assignment.units:.2f}")
            put(element, "Work", format_duration(assignment.units * task.duration))
