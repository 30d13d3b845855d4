"""A project's tasks as CSV: export, import through the services, and the file read back to
the same data; every bad row named with its line and column, and nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import Forbidden, Invalid, NotFound
from tandem.interop import csv_tasks
from tandem.projects import services_plan, services_tasks
from tandem.projects.models import Assignment, Link, Project, Resource, Task
from tests.conftest import owner_of
from tests.interop.conftest import Counts

pytestmark = pytest.mark.django_db

HEADER = (
    "id,wbs,name,duration,optimistic,most_likely,pessimistic,constraint_type,constraint_date,"
    "deadline,percent_complete,actual_start,actual_finish,resources,predecessors,notes"
)
PLAN = (
    HEADER + "\n"
    "1,1,Design,,,,,,,,,,,,,\n"
    '2,1.1,Sketch,3d,2d,3d,5d,,,,50,2030-01-07,,Ana[50%],,"Notes, with ""quotes""\n'
    'and a second line"\n'
    "3,1.2,Review,4h,,,,SNET,2030-01-10,2030-01-20,,,,Ana; Bob,2FS+2h,\n"
    "4,2,Build,2w,,,,,,,,,,Bob,3,\n"
    "5,3,Launch,0d,,,,FNLT,2030-02-01T12:00,,,,,,4FS+1ed;2SS+50%,\n"
)


@pytest.fixture
def staff(make_resource: Callable[..., Resource]) -> dict[str, Resource]:
    return {name: make_resource(name) for name in ("Ana", "Bob")}


def test_a_plan_is_imported_with_its_outline_links_estimates_and_assignments(
    org: Organisation, planner: User, make_project: Callable[..., Project], staff: dict
) -> None:
    project = make_project()
    result = csv_tasks.import_tasks(planner, project.pk, PLAN)
    assert (result.tasks, result.links, result.assignments) == (5, 4, 4)
    assert result.summary() == "5 tasks, 4 links and 4 assignments"
    tasks = {t.name: t for t in Task.objects.filter(project=project)}
    design, sketch, review = tasks["Design"], tasks["Sketch"], tasks["Review"]
    assert sketch.parent_id == design.pk and review.parent_id == design.pk
    assert tasks["Build"].parent_id is None and tasks["Build"].duration == 4800
    assert (sketch.duration, sketch.optimistic, sketch.most_likely, sketch.pessimistic) == (
        1440,
        960,
        1440,
        2400,
    )
    assert sketch.notes == 'Notes, with "quotes"\nand a second line'
    assert sketch.percent_complete == 50
    # Dates are the organisation's (UTC here): a start date is the day's first working moment,
    # a deadline the last.
    assert sketch.actual_start == datetime(2030, 1, 7, 8, tzinfo=UTC)
    assert review.constraint_type == "SNET"
    assert review.constraint_date == datetime(2030, 1, 10, 8, tzinfo=UTC)
    assert review.deadline == datetime(2030, 1, 21, 0, tzinfo=UTC)  # the 20th is a Sunday
    assert tasks["Launch"].constraint_date == datetime(2030, 2, 1, 12, tzinfo=UTC)
    links = {
        (link.predecessor.name, link.successor.name): (link.type, link.lag, link.lag_format)
        for link in Link.objects.filter(project=project).select_related("predecessor", "successor")
    }
    assert links == {
        ("Sketch", "Review"): ("FS", 120, "working"),
        ("Review", "Build"): ("FS", 0, "working"),
        ("Build", "Launch"): ("FS", 1440, "elapsed"),
        ("Sketch", "Launch"): ("SS", 50, "percent"),
    }
    assert sorted(
        Assignment.objects.filter(task__project=project).values_list(
            "task__name", "resource__name", "units"
        )
    ) == [
        ("Build", "Bob", 1.0),
        ("Review", "Ana", 1.0),
        ("Review", "Bob", 1.0),
        ("Sketch", "Ana", 0.5),
    ]
    # The import went through the scheduler: Review starts no earlier than its constraint.
    assert review.start is not None and review.start >= review.constraint_date


def test_the_export_reads_back_to_the_same_file(
    org: Organisation, planner: User, make_project: Callable[..., Project], staff: dict
) -> None:
    first = make_project()
    csv_tasks.import_tasks(planner, first.pk, PLAN)
    exported = csv_tasks.export_tasks(planner, first.pk)
    second = make_project()
    csv_tasks.import_tasks(planner, second.pk, exported)
    assert csv_tasks.export_tasks(planner, second.pk) == exported
    lines = exported.splitlines()
    assert lines[0] == HEADER + ",start,finish"
    assert lines[2].startswith("2,1.1,Sketch,3d,2d,3d,5d,ASAP,,,50,2030-01-07,,Ana[50%],,")
    assert "3,1.2,Review,4h,,,,SNET,2030-01-10,2030-01-20,0,,,Ana; Bob,2FS+2h,," in exported
    assert "5,3,Launch,0d,,,,FNLT,2030-02-01T12:00,,0,,,,2SS+50%;4FS+1ed,," in exported


def test_a_plan_made_on_the_pages_exports_and_reimports_identically(
    org: Organisation,
    planner: User,
    make_project: Callable[..., Project],
    staff: dict[str, Resource],
) -> None:
    org.time_zone = "Europe/Berlin"
    org.save()
    project = make_project()
    phase = services_tasks.create_task(planner, project.pk, name="Phase", duration=0)
    one = services_tasks.create_task(
        planner, project.pk, name="One", duration=700, parent_id=phase.pk, deadline="2030-01-09"
    )
    two = services_tasks.create_task(
        planner,
        project.pk,
        name="Two, with a comma",
        duration=480,
        constraint_type="MSO",
        constraint_date="2030-01-14T10:30",
    )
    services_tasks.add_link(
        planner, project.pk, predecessor_id=one.pk, successor_id=two.pk, type="SS", lag=-60
    )
    services_plan.assign(planner, one.pk, resource_id=staff["Ana"].pk, units=0.75)
    services_tasks.update_task(planner, one.pk, version=1, percent_complete=100)
    exported = csv_tasks.export_tasks(planner, project.pk)
    copy = make_project()
    csv_tasks.import_tasks(planner, copy.pk, exported)
    assert csv_tasks.export_tasks(planner, copy.pk) == exported
    original = Task.objects.get(project=project, name="Two, with a comma")
    again = Task.objects.get(project=copy, name="Two, with a comma")
    assert (again.constraint_date, again.start, again.finish) == (
        original.constraint_date,
        original.start,
        original.finish,
    )


def test_tasks_are_added_after_the_ones_the_project_has(
    planner: User,
    make_project: Callable[..., Project],
) -> None:
    project = make_project()
    services_tasks.create_task(planner, project.pk, name="Already here", duration=480)
    csv_tasks.import_tasks(planner, project.pk, "name,duration\nNew one,1d\nNew two,2d\n")
    names = [
        line.split(",")[2] for line in csv_tasks.export_tasks(planner, project.pk).splitlines()
    ]
    assert names[1:] == ["Already here", "New one", "New two"]


def test_ms_project_headings_and_constraint_names_are_understood(
    planner: User, make_project: Callable[..., Project]
) -> None:
    project = make_project()
    text = (
        "Task Name,Outline Number,Duration,% Complete,Constraint,Constraint Date,Deadline\n"
        "Phase,1,,,,,NA\n"
        "Step,1.1,2 days,25%,Start No Earlier Than,2030-01-09,\n"
    )
    csv_tasks.import_tasks(planner, project.pk, text)
    step = Task.objects.get(project=project, name="Step")
    assert (step.parent.name, step.duration, step.percent_complete, step.constraint_type) == (
        "Phase",
        960,
        25,
        "SNET",
    )


def test_every_bad_row_is_named_with_its_line_and_column_and_nothing_is_written(
    planner: User,
    make_project: Callable[..., Project],
    staff: dict,
    row_counts: Counts,
) -> None:
    project = make_project()
    text = (
        "id,wbs,name,duration,optimistic,most_likely,pessimistic,constraint_type,"
        "constraint_date,percent_complete,resources,predecessors\n"
        "1,1,Fine,1d,,,,,,,,\n"  # line 2
        "2,1.1,,1d,,,,,,,,\n"  # line 3: no name
        "3,1.2,Slow,soon,,,,,,,,\n"  # line 4: bad duration
        "4,1.3,Hopeful,1d,3d,2d,1d,,,,,\n"  # line 5: estimates out of order
        "5,2,Fixed,1d,,,,SNET,,,,\n"  # line 6: constraint without a date
        "6,2.1,Dated,1d,,,,ASAP,2030-01-08,,,\n"  # line 7: date without a constraint
        "7,3,Overdone,1d,,,,,,120,,\n"  # line 8: percent above 100
        "8,4,Staffed,1d,,,,,,,Zed,\n"  # line 9: unknown resource
        "9,5,Linked,1d,,,,,,,,42\n"  # line 10: unknown predecessor
        "10,7.1,Orphan,1d,,,,,,,,\n"  # line 11: no parent row
        "10,8,Twin,1d,,,,,,,,\n"  # line 12: repeated ID
        "12,9,Loop A,1d,,,,,,,,13\n"  # line 13
        "13,10,Loop B,1d,,,,,,,,12FS+1d\n"  # line 14: closes a cycle
        "14,1.4,Summary's child,1d,,,,,,,,\n"  # line 15 (makes line 2 a summary…)
    )
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        csv_tasks.import_tasks(planner, project.pk, text)
    assert refusal.value.code == "task.import_invalid"
    assert refusal.value.message.endswith("are invalid; nothing was imported.")
    errors = [(e["row"], e["field"]) for e in refusal.value.details["errors"]]
    assert errors == [
        (3, "name"),
        (4, "duration"),
        (5, "most_likely"),
        (6, "constraint_date"),
        (7, "constraint_date"),
        (8, "percent_complete"),
        (9, "resources"),
        (10, "predecessors"),
        (11, "wbs"),
        (12, "id"),
        (13, "predecessors"),
    ]
    messages = {e["row"]: e["message"] for e in refusal.value.details["errors"]}
    assert messages[4] == "'soon' is not a duration such as 5d, 3h or 90m."
    assert messages[9] == "No resource is called 'Zed'; add it first."
    assert messages[11] == "No row with the WBS 7 comes before this one."
    assert messages[13] == "These predecessors form a cycle: ID 12 → ID 13 → ID 12."
    assert row_counts() == before


def test_a_summary_task_takes_no_resources(
    planner: User, make_project: Callable[..., Project], staff: dict
) -> None:
    project = make_project()
    with pytest.raises(Invalid) as refusal:
        csv_tasks.import_tasks(
            planner, project.pk, "wbs,name,resources\n1,Phase,Ana\n1.1,Step,Bob\n"
        )
    assert refusal.value.details["errors"] == [
        {
            "row": 2,
            "field": "resources",
            "message": "A summary task (it has subtasks) takes no resources; assign its subtasks.",
        }
    ]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "task.import_empty", "The file is empty."),
        ("duration\n1d\n", "task.import_header", "The header lacks the column name"),
        ("name,colour\nA,red\n", "task.import_header", "unknown column colour"),
        ("name,name\nA,B\n", "task.import_header", "names name more than once"),
        ('name,notes\nA,"never closed\n', "task.import_malformed", "is not valid CSV"),
    ],
)
def test_a_malformed_file_is_refused_whole_and_writes_nothing(
    planner: User,
    make_project: Callable[..., Project],
    row_counts: Counts,
    text: str,
    code: str,
    message: str,
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        csv_tasks.import_tasks(planner, project.pk, text)
    assert refusal.value.code == code
    assert message in refusal.value.message
    assert row_counts() == before


def test_a_viewer_may_export_but_not_import(
    org: Organisation,
    viewer: User,
    make_project: Callable[..., Project],
    row_counts: Counts,
) -> None:
    project = make_project()
    services_tasks.create_task(owner_of(org), project.pk, name="Visible", duration=480)
    assert "Visible" in csv_tasks.export_tasks(viewer, project.pk)
    before = row_counts()
    with pytest.raises(Forbidden):
        csv_tasks.import_tasks(viewer, project.pk, "name\nSneaky\n")
    assert row_counts() == before


def test_another_organisations_project_is_not_found_either_way(
    outsider: User, make_project: Callable[..., Project], row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(NotFound):
        csv_tasks.export_tasks(outsider, project.pk)
    with pytest.raises(NotFound):
        csv_tasks.import_tasks(outsider, project.pk, "name\nSneaky\n")
    assert row_counts() == before


def test_resources_of_another_organisation_are_unknown(
    planner: User,
    make_project: Callable[..., Project],
    make_organisation: Callable[..., Organisation],
    make_resource: Callable[..., Resource],
) -> None:
    make_resource("Stranger", organisation=make_organisation())
    with pytest.raises(Invalid) as refusal:
        csv_tasks.import_tasks(planner, make_project().pk, "name,resources\nA,Stranger\n")
    assert refusal.value.details["errors"][0]["message"] == (
        "No resource is called 'Stranger'; add it first."
    )
