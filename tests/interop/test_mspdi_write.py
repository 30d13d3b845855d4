"""A project as MS Project XML: the header, calendars with bases and holidays, the outline with
its links, constraints and baselines, resources with rates and assignments — every element in
the schema's order, and a file MPXJ opens with the same tasks and links."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from defusedxml import ElementTree as SafeTree

from tandem.accounts.models import Organisation, User
from tandem.errors import NotFound
from tandem.finance import services as finance_services
from tandem.interop.mspdi_calendars import put
from tandem.interop.mspdi_codes import NS, parse_duration
from tandem.interop.mspdi_write import export_mspdi
from tandem.projects import services_plan, services_tasks
from tandem.projects.models import Project, Resource, Task
from tests.conftest import owner_of
from tests.shared_data import PROJECT_FILES

pytestmark = pytest.mark.django_db

P = {"p": NS}
OFFICE_DAY = [[480, 720], [780, 1020]]  # 08:00-12:00, 13:00-17:00

# The MSPDI schema's sequences (mspdi_pj12.xsd as Project 2010+ writes it, which moved
# IsPublished and the commitment fields before ExtendedAttribute and Baseline): the elements
# tandem writes must appear in this relative order, and the sample files agree with it.
TASK_ORDER = [
    "UID", "GUID", "ID", "Name", "Active", "Manual", "Type", "IsNull", "CreateDate", "Contact",
    "WBS", "WBSLevel", "OutlineNumber", "OutlineLevel", "Priority", "Start", "Finish",
    "Duration", "ManualStart", "ManualFinish", "ManualDuration", "DurationFormat", "Work",
    "Stop", "Resume", "ResumeValid", "EffortDriven", "Recurring", "OverAllocated", "Estimated",
    "Milestone", "Summary", "DisplayAsSummary", "Critical", "IsSubproject",
    "IsSubprojectReadOnly", "SubprojectName", "ExternalTask", "ExternalTaskProject",
    "EarlyStart", "EarlyFinish", "LateStart", "LateFinish", "StartVariance", "FinishVariance",
    "WorkVariance", "FreeSlack", "TotalSlack", "StartSlack", "FinishSlack", "FixedCost",
    "FixedCostAccrual", "PercentComplete", "PercentWorkComplete", "Cost", "OvertimeCost",
    "OvertimeWork", "ActualStart", "ActualFinish", "ActualDuration", "ActualCost",
    "ActualOvertimeCost", "ActualWork", "ActualOvertimeWork", "RegularWork",
    "RemainingDuration", "RemainingCost", "RemainingWork", "RemainingOvertimeCost",
    "RemainingOvertimeWork", "ACWP", "CV", "ConstraintType", "CalendarUID", "ConstraintDate",
    "Deadline", "LevelAssignments", "LevelingCanSplit", "LevelingDelay", "LevelingDelayFormat",
    "PreLeveledStart", "PreLeveledFinish", "Hyperlink", "HyperlinkAddress",
    "HyperlinkSubAddress", "IgnoreResourceCalendar", "Notes", "HideBar", "Rollup", "BCWS",
    "BCWP", "PhysicalPercentComplete", "EarnedValueMethod", "PredecessorLink",
    "ActualWorkProtected", "ActualOvertimeWorkProtected", "IsPublished", "StatusManager",
    "CommitmentStart", "CommitmentFinish", "CommitmentType", "ExtendedAttribute", "Baseline",
    "OutlineCode", "TimephasedData",
]  # fmt: skip
PROJECT_ORDER = [
    "SaveVersion", "UID", "Name", "Title", "Subject", "Category", "Company", "Manager", "Author",
    "CreationDate", "Revision", "LastSaved", "ScheduleFromStart", "StartDate", "FinishDate",
    "FYStartDate", "CriticalSlackLimit", "CurrencyDigits", "CurrencySymbol", "CurrencyCode",
    "CurrencySymbolPosition", "CalendarUID", "DefaultStartTime", "DefaultFinishTime",
    "MinutesPerDay", "MinutesPerWeek", "DaysPerMonth", "DefaultTaskType",
    "DefaultFixedCostAccrual", "DefaultStandardRate", "DefaultOvertimeRate", "DurationFormat",
    "WorkFormat", "EditableActualCosts", "HonorConstraints", "EarnedValueMethod",
    "AutoAddNewResourcesAndTasks", "StatusDate", "CurrentDate", "ExtendedAttributes",
    "Calendars", "Tasks", "Resources", "Assignments",
]  # fmt: skip
CALENDAR_ORDER = [
    "UID", "GUID", "Name", "IsBaseCalendar", "IsBaselineCalendar", "BaseCalendarUID",
    "WeekDays", "Exceptions", "WorkWeeks",
]  # fmt: skip
EXCEPTION_ORDER = [
    "EnteredByOccurrences", "TimePeriod", "Occurrences", "Name", "Type", "Period",
    "DaysOfWeek", "Month", "MonthItem", "MonthPosition", "MonthDay", "DayWorking",
    "WorkingTimes",
]  # fmt: skip
RESOURCE_ORDER = [
    "UID", "GUID", "ID", "Name", "Type", "IsNull", "Initials", "MaterialLabel", "Code",
    "Group", "WorkGroup", "EmailAddress", "MaxUnits", "PeakUnits", "OverAllocated", "CanLevel",
    "AccrueAt", "Work", "StandardRate", "StandardRateFormat", "Cost", "OvertimeRate",
    "OvertimeRateFormat", "CostPerUse", "CalendarUID", "Notes", "IsGeneric", "IsInactive",
    "Baseline", "OutlineCode", "AvailabilityPeriods", "Rates", "TimephasedData",
]  # fmt: skip
ASSIGNMENT_ORDER = [
    "UID", "GUID", "TaskUID", "ResourceUID", "PercentWorkComplete", "ActualCost",
    "ActualFinish", "ActualStart", "ActualWork", "Cost", "Delay", "Finish", "LevelingDelay",
    "Milestone", "RemainingWork", "Start", "Stop", "Resume", "Units", "Work", "WorkContour",
]  # fmt: skip


def _in_order(element: ET.Element, order: list[str]) -> list[str]:
    """The element's child names, checked to follow ``order`` (repeats allowed)."""
    names = [child.tag.removeprefix(f"{{{NS}}}") for child in element]
    unknown = [name for name in names if name not in order]
    assert not unknown, f"elements missing from the expected order: {unknown}"
    positions = [order.index(name) for name in names]
    assert positions == sorted(positions), f"out of schema order: {names}"
    return names


@pytest.mark.parametrize(
    ("path", "order"),
    [
        (".", PROJECT_ORDER),
        ("p:Calendars/p:Calendar", CALENDAR_ORDER),
        ("p:Calendars/p:Calendar/p:Exceptions/p:Exception", EXCEPTION_ORDER),
        ("p:Tasks/p:Task", TASK_ORDER),
        ("p:Resources/p:Resource", RESOURCE_ORDER),
        ("p:Assignments/p:Assignment", ASSIGNMENT_ORDER),
    ],
)
def test_the_expected_orders_agree_with_files_ms_project_and_mpxj_wrote(
    path: str, order: list[str]
) -> None:
    checked = 0
    for sample in sorted((PROJECT_FILES / "mspdi").glob("*.xml")):
        for element in SafeTree.parse(sample).getroot().iterfind(path, P):
            names = [c.tag.removeprefix(f"{{{NS}}}") for c in element]
            positions = [order.index(name) for name in names if name in order]
            assert positions == sorted(positions), f"{sample.name}: {names}"
            checked += 1
    assert checked > 0


def _text(element: ET.Element, path: str) -> str | None:
    return element.findtext("/".join(f"p:{part}" for part in path.split("/")), namespaces=P)


@pytest.fixture
def berlin(org: Organisation) -> Organisation:
    org.time_zone = "Europe/Berlin"
    org.save()
    return org


@pytest.fixture
def plan(
    berlin: Organisation,
    planner: User,
    make_project: Callable[..., Project],
    make_resource: Callable[..., Resource],
) -> dict[str, Any]:
    """A small plan: a summary with two children, a milestone, four link types with working,
    elapsed and percent lags, a constraint, a deadline, a holiday, a resource on a derived
    calendar with dated rates, an assignment and two baselines."""
    owner = owner_of(berlin)
    office = services_plan.create_calendar(
        owner,
        berlin.pk,
        name="Office",
        week=[OFFICE_DAY] * 5 + [[], []],
        exceptions=[{"name": "Founders' day", "first_day": "2030-01-09"}],
    )
    fridays_off = services_plan.create_calendar(
        owner,
        berlin.pk,
        name="Fridays off",
        week=[None, None, None, None, [], None, None],
        base_id=office.pk,
        exceptions=[{"name": "Course", "first_day": "2030-01-15", "last_day": "2030-01-16"}],
    )
    project = make_project(name="Apollo Launch", calendar_id=office.pk, status_date="2030-01-10")
    ana = make_resource("Ana")
    services_plan.update_resource(
        owner, ana.pk, version=ana.version, calendar_id=fridays_off.pk, cost_rate=5000
    )
    finance_services.set_cost_rate(owner, ana.pk, effective_from="2030-01-01", rate=6000)
    finance_services.set_cost_rate(owner, ana.pk, effective_from="2030-06-01", rate=7000)
    tasks = services_tasks.create_tasks(
        planner,
        project.pk,
        [
            {"ref": "design", "name": "Design"},
            {
                "ref": "sketch",
                "parent": "design",
                "name": "Sketch",
                "duration": 1440,
                "fixed_cost": 12345,
                "notes": "Rough ideas first.",
                "percent_complete": 50,
                "actual_start": "2030-01-07",
            },
            {
                "ref": "review",
                "parent": "design",
                "name": "Review",
                "duration": 480,
                "constraint_type": "SNET",
                "constraint_date": "2030-01-14",
                "deadline": "2030-01-25",
            },
            {"ref": "build", "name": "Build", "duration": 2400},
            {"ref": "launch", "name": "Launch", "duration": 0},
            {"ref": "test", "name": "Test", "duration": 960},
        ],
        [
            {"from": "sketch", "to": "review", "type": "FS", "lag": 240},
            {"from": "sketch", "to": "build", "type": "SS", "lag": 2880, "lag_format": "elapsed"},
            {"from": "build", "to": "launch", "type": "FF", "lag": 50, "lag_format": "percent"},
            {"from": "review", "to": "test", "type": "SF"},
        ],
    )
    by_name = {t.name: t for t in tasks}
    services_plan.assign(planner, by_name["Build"].pk, resource_id=ana.pk, units=0.5)
    services_plan.save_baseline(planner, project.pk, name="Plan A")
    test = Task.objects.get(pk=by_name["Test"].pk)
    services_tasks.update_task(planner, test.pk, version=test.version, duration=1440)
    services_plan.save_baseline(planner, project.pk, name="Plan B")
    return {"project": project, "office": office, "ana": ana, "tasks": by_name}


def _export(actor: User, plan: dict[str, Any]) -> tuple[ET.Element, str, bytes]:
    data, name = export_mspdi(actor, plan["project"].pk)
    return SafeTree.fromstring(data), name, data


def _tasks(root: ET.Element) -> dict[str, ET.Element]:
    return {_text(t, "Name") or "": t for t in root.iterfind("p:Tasks/p:Task", P)}


def test_the_header_names_the_project_its_calendar_currency_and_dates(
    planner: User, plan: dict[str, Any]
) -> None:
    root, name, data = _export(planner, plan)
    assert name == "apollo-launch.xml"
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert root.tag == f"{{{NS}}}Project"
    names = _in_order(root, PROJECT_ORDER)
    assert names[-4:] == ["Calendars", "Tasks", "Resources", "Assignments"]
    assert _text(root, "SaveVersion") == "14"
    assert _text(root, "Name") == "apollo-launch.xml"
    assert _text(root, "Title") == "Apollo Launch"
    assert _text(root, "ScheduleFromStart") == "1"
    assert _text(root, "StartDate") == "2030-01-07T08:00:00"
    finish = Project.objects.get(pk=plan["project"].pk).finish
    assert finish is not None
    berlin_finish = finish.astimezone(ZoneInfo("Europe/Berlin"))
    assert _text(root, "FinishDate") == berlin_finish.strftime("%Y-%m-%dT%H:%M:%S")
    # The day remaining work resumes, from its first moment: it reads back as the same day.
    assert _text(root, "StatusDate") == "2030-01-10T00:00:00"
    assert _text(root, "CurrencyCode") == "EUR"
    assert _text(root, "CurrencyDigits") == "2"
    assert (_text(root, "MinutesPerDay"), _text(root, "MinutesPerWeek")) == ("480", "2400")
    office_uid = _text(root, "CalendarUID")
    calendars = {_text(c, "UID"): c for c in root.iterfind("p:Calendars/p:Calendar", P)}
    assert _text(calendars[office_uid], "Name") == "Office"


def test_calendars_carry_week_days_bases_and_exceptions(
    planner: User, plan: dict[str, Any]
) -> None:
    root, _, _ = _export(planner, plan)
    calendars = {_text(c, "Name"): c for c in root.iterfind("p:Calendars/p:Calendar", P)}
    assert set(calendars) == {"Office", "Fridays off"}
    for calendar in calendars.values():
        _in_order(calendar, CALENDAR_ORDER)
        for exception in calendar.iterfind("p:Exceptions/p:Exception", P):
            _in_order(exception, EXCEPTION_ORDER)
    office, fridays = calendars["Office"], calendars["Fridays off"]
    assert _text(office, "IsBaseCalendar") == "1"
    assert _text(office, "BaseCalendarUID") == "-1"
    days = {_text(d, "DayType"): d for d in office.iterfind("p:WeekDays/p:WeekDay", P)}
    assert list(days) == ["1", "2", "3", "4", "5", "6", "7"]  # Sunday first
    assert _text(days["1"], "DayWorking") == "0" and _text(days["7"], "DayWorking") == "0"
    monday = days["2"]
    assert _text(monday, "DayWorking") == "1"
    assert [
        (_text(t, "FromTime"), _text(t, "ToTime"))
        for t in monday.iterfind("p:WorkingTimes/p:WorkingTime", P)
    ] == [("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")]
    (holiday,) = office.iterfind("p:Exceptions/p:Exception", P)
    assert _text(holiday, "Name") == "Founders' day"
    assert _text(holiday, "TimePeriod/FromDate") == "2030-01-09T00:00:00"
    assert _text(holiday, "TimePeriod/ToDate") == "2030-01-09T23:59:00"
    assert (_text(holiday, "DayWorking"), _text(holiday, "Type")) == ("0", "1")
    # A calendar only a resource uses stays derived: only its own Friday, only its own course.
    assert _text(fridays, "IsBaseCalendar") == "0"
    assert _text(fridays, "BaseCalendarUID") == _text(office, "UID")
    (friday,) = fridays.iterfind("p:WeekDays/p:WeekDay", P)
    assert (_text(friday, "DayType"), _text(friday, "DayWorking")) == ("6", "0")
    (course,) = fridays.iterfind("p:Exceptions/p:Exception", P)
    assert _text(course, "TimePeriod/ToDate") == "2030-01-16T23:59:00"


def test_tasks_follow_the_outline_with_dates_durations_costs_and_flags(
    planner: User, plan: dict[str, Any]
) -> None:
    root, _, _ = _export(planner, plan)
    elements = list(root.iterfind("p:Tasks/p:Task", P))
    for element in elements:
        _in_order(element, TASK_ORDER)
    assert [_text(t, "Name") for t in elements] == [
        "Apollo Launch",
        "Design",
        "Sketch",
        "Review",
        "Build",
        "Launch",
        "Test",
    ]
    assert [_text(t, "UID") for t in elements] == [str(n) for n in range(7)]
    assert [_text(t, "OutlineNumber") for t in elements] == ["0", "1", "1.1", "1.2", "2", "3", "4"]
    assert [_text(t, "OutlineLevel") for t in elements] == ["0", "1", "2", "2", "1", "1", "1"]
    assert [_text(t, "Summary") for t in elements] == ["1", "1", "0", "0", "0", "0", "0"]
    assert [_text(t, "Milestone") for t in elements] == ["0", "0", "0", "0", "0", "1", "0"]
    tasks = _tasks(root)
    sketch, review, build = tasks["Sketch"], tasks["Review"], tasks["Build"]
    assert _text(sketch, "Start") == "2030-01-07T08:00:00"  # Berlin wall time, not UTC
    # Half done by Tuesday noon; the other half from the status date (Thursday, after
    # Wednesday's holiday) to Friday noon.
    assert _text(sketch, "Finish") == "2030-01-11T12:00:00"
    assert _text(sketch, "Duration") == "PT24H0M0S"
    assert _text(sketch, "DurationFormat") == "7"
    assert (_text(sketch, "ActualDuration"), _text(sketch, "RemainingDuration")) == (
        "PT12H0M0S",
        "PT12H0M0S",
    )
    assert _text(sketch, "PercentComplete") == "50"
    assert _text(sketch, "ActualStart") == "2030-01-07T08:00:00"
    assert _text(sketch, "ActualFinish") is None
    assert _text(sketch, "FixedCost") == "12345"  # hundredths of a euro, as MS Project writes
    assert _text(sketch, "Notes") == "Rough ideas first."
    assert _text(sketch, "CalendarUID") == "-1"
    assert _text(review, "ConstraintType") == "4"  # start no earlier than
    assert _text(review, "ConstraintDate") == "2030-01-14T08:00:00"
    assert _text(review, "Deadline") == "2030-01-25T17:00:00"
    assert _text(tasks["Test"], "ConstraintType") == "0"
    assert _text(tasks["Test"], "ConstraintDate") is None
    # Build: 5 days at half time for Ana at 60 €/h, the rate in force at the project start.
    assert _text(build, "Work") == "PT20H0M0S"
    assert _text(build, "Cost") == "120000"
    stored = Task.objects.get(pk=plan["tasks"]["Build"].pk)
    assert _text(build, "Critical") == ("1" if stored.critical else "0")
    assert stored.total_float is not None
    assert _text(build, "TotalSlack") == str(stored.total_float * 10)
    # Summaries add up their children.
    assert _text(tasks["Design"], "Cost") == "12345"
    assert _text(tasks["Apollo Launch"], "Cost") == "132345"
    assert parse_duration(_text(tasks["Apollo Launch"], "Work") or "") == 1200


def test_links_carry_type_lag_and_lag_format(planner: User, plan: dict[str, Any]) -> None:
    root, _, _ = _export(planner, plan)
    tasks = _tasks(root)
    uid = {name: _text(t, "UID") for name, t in tasks.items()}

    def links(name: str) -> list[tuple[str | None, ...]]:
        return [
            tuple(_text(k, f) for f in ("PredecessorUID", "Type", "LinkLag", "LagFormat"))
            for k in tasks[name].iterfind("p:PredecessorLink", P)
        ]

    assert links("Review") == [(uid["Sketch"], "1", "2400", "7")]  # FS +4h working
    assert links("Build") == [(uid["Sketch"], "3", "28800", "8")]  # SS +2 elapsed days
    assert links("Launch") == [(uid["Build"], "0", "50", "19")]  # FF +50 %
    assert links("Test") == [(uid["Review"], "2", "0", "7")]  # SF
    assert links("Sketch") == []


def test_baselines_are_numbered_from_the_oldest(planner: User, plan: dict[str, Any]) -> None:
    root, _, _ = _export(planner, plan)
    tasks = _tasks(root)

    def baselines(name: str) -> list[tuple[str | None, ...]]:
        return [
            tuple(_text(b, f) for f in ("Number", "Duration", "Cost"))
            for b in tasks[name].iterfind("p:Baseline", P)
        ]

    assert baselines("Test") == [("0", "PT16H0M0S", "0"), ("1", "PT24H0M0S", "0")]
    assert baselines("Sketch") == [("0", "PT24H0M0S", "12345"), ("1", "PT24H0M0S", "12345")]
    # A summary spans its dates in working time (the Wednesday holiday left out) and adds up
    # its children's costs.
    assert baselines("Design")[0] == ("0", "PT40H0M0S", "12345")
    (plan_a,) = [b for b in tasks["Sketch"].iterfind("p:Baseline", P) if _text(b, "Number") == "0"]
    assert _text(plan_a, "Start") == "2030-01-07T08:00:00"
    assert [_text(b, "Number") for b in tasks["Apollo Launch"].iterfind("p:Baseline", P)] == [
        "0",
        "1",
    ]


def test_resources_and_assignments(planner: User, plan: dict[str, Any]) -> None:
    root, _, _ = _export(planner, plan)
    (resource,) = root.iterfind("p:Resources/p:Resource", P)
    _in_order(resource, RESOURCE_ORDER)
    assert (_text(resource, "UID"), _text(resource, "Name"), _text(resource, "Type")) == (
        "1",
        "Ana",
        "1",
    )
    assert _text(resource, "MaxUnits") == "1.00"
    assert (_text(resource, "StandardRate"), _text(resource, "StandardRateFormat")) == (
        "60.00",
        "2",
    )
    calendars = {_text(c, "UID"): _text(c, "Name") for c in root.iterfind(".//p:Calendar", P)}
    assert calendars[_text(resource, "CalendarUID")] == "Fridays off"
    rates = [
        tuple(_text(r, f) for f in ("RatesFrom", "RatesTo", "StandardRate"))
        for r in resource.iterfind("p:Rates/p:Rate", P)
    ]
    assert rates == [
        ("1984-01-01T00:00:00", "2029-12-31T23:59:00", "50.00"),
        ("2030-01-01T00:00:00", "2030-05-31T23:59:00", "60.00"),
        ("2030-06-01T00:00:00", "2049-12-31T23:59:00", "70.00"),
    ]
    (assignment,) = root.iterfind("p:Assignments/p:Assignment", P)
    _in_order(assignment, ASSIGNMENT_ORDER)
    build = _tasks(root)["Build"]
    assert _text(assignment, "TaskUID") == _text(build, "UID")
    assert _text(assignment, "ResourceUID") == "1"
    assert _text(assignment, "Units") == "0.50"
    assert _text(assignment, "Work") == "PT20H0M0S"
    assert _text(assignment, "Start") == _text(build, "Start")
    assert _text(assignment, "Finish") == _text(build, "Finish")


def test_a_project_without_a_calendar_writes_the_standard_week(
    planner: User, make_project: Callable[..., Project]
) -> None:
    project = make_project(name="Plain")
    services_tasks.create_task(planner, project.pk, name="Only", duration=480)
    root = SafeTree.fromstring(export_mspdi(planner, project.pk)[0])
    (calendar,) = root.iterfind("p:Calendars/p:Calendar", P)
    assert _text(root, "CalendarUID") == _text(calendar, "UID")
    assert _text(calendar, "IsBaseCalendar") == "1"
    assert len(list(calendar.iterfind("p:WeekDays/p:WeekDay", P))) == 7
    assert _text(_tasks(root)["Only"], "CalendarUID") == "-1"


def test_a_viewer_may_export_and_another_organisation_may_not_see_it(
    viewer: User, outsider: User, plan: dict[str, Any]
) -> None:
    root, _, _ = _export(viewer, plan)
    assert len(list(root.iterfind("p:Tasks/p:Task", P))) == 7
    with pytest.raises(NotFound):
        export_mspdi(outsider, plan["project"].pk)


MPXJ_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import jpype, mpxj
    jpype.startJVM()
    from org.mpxj.reader import UniversalProjectReader
    project = UniversalProjectReader().read(sys.argv[1])
    tasks = [t for t in project.getTasks() if t.getUniqueID().intValue() != 0]
    links = [r for t in tasks for r in t.getPredecessors()]
    calendar = project.getCalendarByName("Office")
    print(json.dumps({
        "tasks": len(tasks),
        "links": len(links),
        "lags": sorted(str(r.getLag()) for r in links),
        "types": sorted(str(r.getType()) for r in links),
        "resources": [str(r.getName()) for r in project.getResources() if r.getName()],
        "assignments": len(project.getResourceAssignments()),
        "holiday": str(calendar.getException(jpype.JClass("java.time.LocalDate").of(2030, 1, 9))
                       .getName()),
        "title": str(project.getProjectProperties().getProjectTitle()),
    }))
    """
)


def test_mpxj_opens_the_file_with_its_tasks_and_links(
    planner: User, plan: dict[str, Any], tmp_path: Path
) -> None:
    data, name = export_mspdi(planner, plan["project"].pk)
    path = tmp_path / name
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-c", MPXJ_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["tasks"] == 6
    assert result["links"] == 4
    assert result["types"] == ["FF", "FS", "SF", "SS"]
    assert result["lags"] == ["0.0d", "0.5d", "2.0ed", "50.0%"]
    assert result["resources"] == ["Ana"]
    assert result["assignments"] == 1
    assert result["holiday"] == "Founders' day"
    assert result["title"] == "Apollo Launch"


def test_text_drops_characters_xml_cannot_carry() -> None:
    parent = ET.Element("Task")
    put(parent, "Notes", "tab\tline\nbell\x07 form\x0c end")
    put(parent, "Deadline", None)
    put(parent, "Summary", True)
    assert SafeTree.fromstring(ET.tostring(parent)).findtext("Notes") == "tab\tline\nbell form end"
    assert [child.tag for child in parent] == ["Notes", "Summary"]
    assert parent.findtext("Summary") == "1"
