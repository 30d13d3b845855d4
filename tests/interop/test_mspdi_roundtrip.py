"""Round trip through MS Project XML: a plan imported, exported with export_mspdi and imported
again is the same plan — the outline, durations, constraints, deadlines, progress, links,
calendars (compared by the role they play), resources, assignments, baselines and every
scheduled date — and the export read back holds what tandem kept of the original file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tandem.accounts.models import Organisation, User
from tandem.interop.mspdi_read import read_mspdi
from tandem.interop.mspdi_write import export_mspdi
from tandem.interop.plan_check import compare_dates
from tandem.interop.plan_file import PlanCalendar, PlanFile, PlanTask
from tandem.interop.plan_import import ImportResult, import_file, import_plan, read_plan
from tandem.projects import services_plan, services_tasks
from tandem.projects.models import Assignment, Baseline, Calendar, Link, Project, Task
from tests.conftest import owner_of
from tests.shared_data import PROJECT_FILES

pytestmark = pytest.mark.django_db

CONSTRUCTION = PROJECT_FILES / "mpp" / "projectlibre-Commercial_construction_project_plan.mpp"
TASK_LINKS = PROJECT_FILES / "mspdi" / "mpxj-task-links-project2019.xml"
BASELINES = PROJECT_FILES / "mspdi" / "mpxj-task-baselines-project2019.xml"
RECURRING = PROJECT_FILES / "mspdi" / "mpxj-calendar-recurring-exceptions-project2016.xml"
PLANNER = PROJECT_FILES / "planner" / "mpxj-project1.planner"


# -- a project as comparable values ----------------------------------------------------------


def _effective(calendar: Calendar | None) -> tuple[list[Any], dict[date, tuple[str, Any]]] | None:
    """What a calendar means, whatever its rows look like: each weekday from the nearest level
    that sets it, and every level's exceptions (nearer levels win) day by day."""
    if calendar is None:
        return None
    chain = [calendar]
    while chain[-1].base is not None:
        chain.append(chain[-1].base)
    week = [next((c.week[d] for c in chain if c.week[d] is not None), None) for d in range(7)]
    days: dict[date, tuple[str, Any]] = {}
    for level in reversed(chain):
        for exception in level.exceptions.all():
            day = exception.first_day
            while day <= exception.last_day:
                days[day] = (exception.name, exception.hours)
                day += timedelta(days=1)
    return week, days


def _outline(project: Project) -> list[tuple[str, Task]]:
    """The project's tasks in outline order with their outline numbers."""
    children: dict[int | None, list[Task]] = {}
    for task in Task.objects.filter(project=project).select_related("calendar__base"):
        children.setdefault(task.parent_id, []).append(task)
    ordered: list[tuple[str, Task]] = []

    def walk(parent: int | None, prefix: str) -> None:
        siblings = sorted(children.get(parent, []), key=lambda t: (t.position, t.pk))
        for n, task in enumerate(siblings, start=1):
            ordered.append((f"{prefix}{n}", task))
            walk(task.pk, f"{prefix}{n}.")

    walk(None, "")
    return ordered


def _remaining(task: Task) -> int | None:
    """Working minutes left on started work: as stated, else what the percent leaves."""
    if task.actual_start is None or task.actual_finish is not None:
        return None
    if task.remaining is not None:
        return task.remaining
    return round(task.duration * (100 - task.percent_complete) / 100)


def snapshot(project: Project) -> dict[str, Any]:
    """Everything the round trip must keep, keyed by outline numbers and names (the rows'
    ids, the calendars' names and the baselines' names are the import's own)."""
    project = Project.objects.select_related("calendar__base").get(pk=project.pk)
    outline = _outline(project)
    number = {task.pk: n for n, task in outline}
    parents = {task.parent_id for _, task in outline}
    booked: dict[int, list[tuple[str, float]]] = {}
    resources = {}
    for a in Assignment.objects.filter(task__project=project).select_related("resource"):
        booked.setdefault(a.task_id, []).append((a.resource.name, a.units))
        r = a.resource
        resources[r.name] = (r.capacity, r.cost_rate, _effective(r.calendar))
    tasks = [
        {
            "number": n,
            "name": t.name,
            "summary": t.pk in parents,
            "duration": None if t.pk in parents else t.duration,
            "constraint": (t.constraint_type, t.constraint_date),
            "deadline": t.deadline,
            "progress": (t.percent_complete, t.actual_start, t.actual_finish),
            "remaining": _remaining(t),
            "calendar": _effective(t.calendar),
            "fixed_cost": t.fixed_cost,
            "priority": t.priority,
            "notes": t.notes,
            "assignments": sorted(booked.get(t.pk, [])),
            "scheduled": (t.start, t.finish),
        }
        for n, t in outline
    ]
    links = sorted(
        (number[k.predecessor_id], number[k.successor_id], k.type, k.lag, k.lag_format)
        for k in Link.objects.filter(project=project)
    )
    baselines = [
        (
            b.finish,
            b.cost,
            sorted(
                (number[row.task_id], row.start, row.finish, row.duration, row.cost)
                for row in b.tasks.all()
                if row.task_id is not None
            ),
        )
        for b in Baseline.objects.filter(project=project).order_by("created_at", "pk")
    ]
    return {
        "calendar": _effective(project.calendar),
        "dates": (project.start, project.finish, project.status_date),
        "tasks": tasks,
        "links": links,
        "resources": resources,
        "baselines": baselines,
    }


def round_trip(actor: User, organisation: Organisation, first: Project) -> ImportResult:
    """Export a project and import the export into the same organisation."""
    data, filename = export_mspdi(actor, first.pk)
    return import_file(actor, organisation.pk, filename, data, project_name=f"{first.name} again")


def assert_same_plan(first: dict[str, Any], second: dict[str, Any]) -> None:
    """Equal snapshots, compared part by part and task by task for a readable failure."""
    assert [(t["number"], t["name"]) for t in second["tasks"]] == [
        (t["number"], t["name"]) for t in first["tasks"]
    ]
    for before, after in zip(first["tasks"], second["tasks"], strict=True):
        assert after == before, before["number"]
    for part in ("links", "calendar", "resources", "baselines", "dates"):
        assert second[part] == first[part], part


# -- round trips of imported files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "tasks", "links", "assignments", "baselines"),
    [
        (CONSTRUCTION, 145, 176, 158, 0),  # MS Project: a large outline with resources
        (PLANNER, 30, 5, 9, 0),  # Planner through MPXJ: progress, constraints, elapsed lags
        (BASELINES, 110, 0, 0, 11),  # MS Project's eleven baselines
        (RECURRING, 0, 0, 0, 0),  # a calendar of 27 recurring exceptions
        # Resource calendars derived from a base nothing else uses.
        (PROJECT_FILES / "mspdi" / "mpxj-sample.xml", 19, 6, 2, 0),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_an_imported_plan_exported_and_imported_again_is_the_same_plan(
    org: Organisation, path: Path, tasks: int, links: int, assignments: int, baselines: int
) -> None:
    owner = owner_of(org)
    first = import_file(owner, org.pk, path.name, path.read_bytes()).project
    second = round_trip(owner, org, first).project
    assert second.pk != first.pk
    before, after = snapshot(first), snapshot(second)
    assert_same_plan(before, after)
    # What was compared holds the file's plan.
    assert len(before["tasks"]) == tasks
    assert len(before["links"]) == links
    assert sum(len(t["assignments"]) for t in before["tasks"]) == assignments
    assert len(before["baselines"]) == baselines
    assert all(t["scheduled"][0] is not None for t in before["tasks"])
    assert before["calendar"] is not None


def test_a_plan_edited_in_tandem_keeps_every_field_through_the_round_trip(
    org: Organisation,
) -> None:
    """Deadlines, constraints, a task calendar, progress with remaining work, costs, notes, a
    milestone, elapsed and percent lags, resources on a calendar with a holiday, assignments
    and two baselines on top of an imported file — none of which the sample files hold
    together."""
    owner = owner_of(org)
    imported = import_file(owner, org.pk, TASK_LINKS.name, TASK_LINKS.read_bytes())
    project = imported.project
    t = imported.task_ids
    assert project.calendar_id is not None

    def edit(task_id: int, **changes: Any) -> None:
        task = Task.objects.get(pk=task_id)
        services_tasks.update_task(owner, task_id, version=task.version, **changes)

    short_fridays = services_plan.create_calendar(
        owner,
        org.pk,
        name="Short Fridays",
        week=[None, None, None, None, [[480, 720]], None, None],
        base_id=project.calendar_id,
        exceptions=[{"name": "Away day", "first_day": "2018-10-24"}],
    )
    edit(t[1], deadline="2018-10-26", notes="Check twice.")
    edit(t[3], constraint_type="SNET", constraint_date="2018-10-25")
    edit(t[5], constraint_type="FNLT", constraint_date="2018-11-09", calendar_id=short_fridays.pk)
    edit(t[0], actual_start="2018-10-18", percent_complete=40, remaining=100)
    edit(t[2], actual_start="2018-10-18", percent_complete=100)
    edit(t[12], fixed_cost=12345, priority=800)
    edit(t[14], duration=0)
    services_tasks.add_link(
        owner,
        project.pk,
        predecessor_id=t[0],
        successor_id=t[4],
        type="SS",
        lag=2880,
        lag_format="elapsed",
    )
    services_tasks.add_link(
        owner,
        project.pk,
        predecessor_id=t[6],
        successor_id=t[10],
        type="FF",
        lag=50,
        lag_format="percent",
    )
    crew = services_plan.create_calendar(
        owner,
        org.pk,
        name="Crew",
        week=[None] * 5 + [[[480, 720]], None],
        base_id=project.calendar_id,
        exceptions=[{"name": "Course", "first_day": "2018-10-29", "last_day": "2018-10-30"}],
    )
    ana = services_plan.create_resource(owner, org.pk, name="Ana", cost_rate=5000, capacity=0.5)
    services_plan.update_resource(owner, ana.pk, version=ana.version, calendar_id=crew.pk)
    rig = services_plan.create_resource(owner, org.pk, name="Rig", cost_rate=1234)
    services_plan.assign(owner, t[7], resource_id=ana.pk, units=0.5)
    services_plan.assign(owner, t[7], resource_id=rig.pk, units=1)
    services_plan.assign(owner, t[9], resource_id=rig.pk, units=0.25)
    services_plan.save_baseline(owner, project.pk, name="Plan A")
    edit(t[9], duration=960)
    services_plan.save_baseline(owner, project.pk, name="Plan B")

    before = snapshot(project)
    after = snapshot(round_trip(owner, org, project).project)
    assert_same_plan(before, after)
    # What was compared holds the edits.
    tasks = before["tasks"]
    assert tasks[1]["deadline"] is not None and tasks[1]["notes"] == "Check twice."
    assert tasks[3]["constraint"][0] == "SNET" and tasks[5]["constraint"][0] == "FNLT"
    assert tasks[5]["calendar"][1][date(2018, 10, 24)] == ("Away day", [])
    assert tasks[0]["progress"][0] == 40 and tasks[2]["progress"][0] == 100
    assert tasks[0]["remaining"] == 100  # stated apart from the percent (which leaves 288)
    assert (tasks[12]["fixed_cost"], tasks[12]["priority"], tasks[14]["duration"]) == (
        12345,
        800,
        0,
    )
    assert {k[2:] for k in before["links"]} >= {("SS", 2880, "elapsed"), ("FF", 50, "percent")}
    assert before["resources"]["Ana"][:2] == (0.5, 5000)
    assert before["resources"]["Ana"][2][1][date(2018, 10, 29)] == ("Course", [])
    assert tasks[7]["assignments"] == [("Ana", 0.5), ("Rig", 1.0)]
    assert [len(rows) for _, _, rows in before["baselines"]] == [16, 16]
    assert before["baselines"][0] != before["baselines"][1]


# -- the export read back against the original file ---------------------------------------


def _plan_week(plan: PlanFile, uid: str | None) -> tuple[list[Any], dict[date, Any]] | None:
    """A PlanFile calendar's meaning: weekdays through its bases (a missing one not working,
    as the import reads it) and exceptions day by day, later entries and nearer levels
    winning."""
    calendars = {c.uid: c for c in plan.calendars}
    if uid not in calendars:
        return None
    chain: list[PlanCalendar] = [calendars[uid]]
    while chain[-1].base_uid in calendars and len(chain) < len(calendars):
        chain.append(calendars[chain[-1].base_uid or ""])
    week = [next((c.week[d] for c in chain if c.week[d] is not None), []) for d in range(7)]
    days: dict[date, Any] = {}
    for level in reversed(chain):
        for first, last, hours, name in level.exceptions:
            day = first
            while day <= last:
                days[day] = (name, hours)
                day += timedelta(days=1)
    return week, days


def _plan_view(plan: PlanFile, started: set[str] | None = None) -> dict[str, Any]:
    """The fields tandem keeps of a PlanFile, keyed by outline number."""
    number = {t.uid: t.outline_number for t in plan.tasks}
    names = {r.uid: r.name for r in plan.resources}

    def task(t: PlanTask) -> dict[str, Any]:
        return {
            "name": t.name,
            "parent": number.get(t.parent_uid or ""),
            "summary": t.summary,
            "duration": None if t.summary else t.duration,
            "constraint": (t.constraint, t.constraint_date),
            "deadline": t.deadline,
            "progress": (t.percent_complete, t.actual_start, t.actual_finish),
            "calendar": _plan_week(plan, t.calendar_uid),
            "priority": t.priority,
            "notes": t.notes,
            "fixed_cost": t.fixed_cost,
            "baselines": [
                (b.number, b.start, b.finish, b.duration, b.cost)
                for b in t.baselines
                if b.start is not None or b.finish is not None  # the import keeps dated ones
            ],
        }

    return {
        "name": plan.name,
        "calendar": _plan_week(plan, plan.calendar_uid),
        "tasks": {t.outline_number: task(t) for t in plan.tasks},
        "links": sorted(
            (number[k.pred_uid], number[k.succ_uid], k.type, k.lag, k.lag_format)
            for k in plan.links
        ),
        "resources": sorted(
            (r.name, r.max_units, r.standard_rate, _plan_week(plan, r.calendar_uid))
            for r in plan.resources
        ),
        "assignments": sorted(
            (number[a.task_uid], names[a.resource_uid], a.units) for a in plan.assignments
        ),
    }


@pytest.mark.parametrize("path", [CONSTRUCTION, BASELINES, RECURRING], ids=lambda p: p.name)
def test_the_export_read_back_holds_what_tandem_kept_of_the_original_file(
    org: Organisation, path: Path
) -> None:
    original = read_plan(path.name, path.read_bytes())
    result = import_plan(owner_of(org), org.pk, original)
    data, _ = export_mspdi(owner_of(org), result.project.pk)
    exported = read_mspdi(data)
    before, after = _plan_view(original), _plan_view(exported)
    assert after["name"] == before["name"]
    assert after["calendar"] == before["calendar"]
    assert list(after["tasks"]) == list(before["tasks"])  # the same outline numbers in order
    for number, task in before["tasks"].items():
        assert after["tasks"][number] == task, number
    assert after["links"] == before["links"]
    # Resources without assignments are not exported.
    booked = {name for _, name, _ in before["assignments"]}
    assert after["resources"] == [r for r in before["resources"] if r[0] in booked]
    assert after["assignments"] == before["assignments"]
    # tandem's dates, written to the export, are the ones the file stored wherever tandem
    # reproduces them (all unstarted leaf tasks of these files).
    check = compare_dates(original, result.project, result.task_ids)
    assert check.all_match
    stored = {t.outline_number: (t.start, t.finish) for t in original.tasks}
    leaves = [t for t in original.tasks if not t.summary and t.actual_start is None]
    assert len(leaves) == check.compared
    for t in exported.tasks:
        if t.outline_number in {leaf.outline_number for leaf in leaves}:
            assert (t.start, t.finish) == stored[t.outline_number], t.outline_number


def test_an_exported_plan_names_itself_after_the_project(org: Organisation) -> None:
    owner = owner_of(org)
    result = import_file(
        owner, org.pk, TASK_LINKS.name, TASK_LINKS.read_bytes(), project_name="Links"
    )
    data, filename = export_mspdi(owner, result.project.pk)
    assert filename == "links.xml"
    again = import_file(owner, org.pk, filename, data)
    assert again.project.name == "Links"
    assert again.project.pk != result.project.pk


def test_the_time_zone_is_the_organisations_on_both_sides(
    make_organisation: Callable[..., Organisation],
) -> None:
    """Wall times in the file are the organisation's local time: Berlin's 08:00 comes back as
    Berlin's 08:00, not shifted by the offset."""
    berlin = make_organisation(time_zone="Europe/Berlin")
    owner = owner_of(berlin)
    first = import_file(owner, berlin.pk, TASK_LINKS.name, TASK_LINKS.read_bytes()).project
    data, _ = export_mspdi(owner, first.pk)
    exported = read_mspdi(data)
    assert exported.tasks[0].start == datetime(2018, 10, 18, 8)
    second = round_trip(owner, berlin, first).project
    assert_same_plan(snapshot(first), snapshot(second))
