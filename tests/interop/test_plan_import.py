"""Importing plans from other tools: real MS Project, P6 and MS Project XML files become
calendars, a project, tasks, links, resources, assignments and baselines in one transaction,
and tandem's own scheduler reproduces the dates those tools stored for every unstarted leaf
task — the figures the MPXJ schedulers reach (see the data README). Refusals write nothing.

The .mpp and .xer files go through MPXJ in a child process (Java), a few seconds each."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import Forbidden, Invalid, NotFound
from tandem.interop.plan_check import compare_dates
from tandem.interop.plan_file import (
    Hours,
    PlanAssignment,
    PlanCalendar,
    PlanFile,
    PlanLink,
    PlanResource,
    PlanTask,
)
from tandem.interop.plan_import import import_file, import_plan, preview_plan, read_plan
from tandem.projects.models import Baseline, BaselineTask, Calendar, Link, Resource, Task
from tests.conftest import owner_of
from tests.shared_data import PROJECT_FILES

pytestmark = pytest.mark.django_db

Counts = Callable[[], dict[str, int]]
OFFICE_DAY: Hours = [(480, 720), (780, 1020)]
OFFICE_WEEK: list[Hours | None] = [OFFICE_DAY if day < 5 else [] for day in range(7)]
CONSTRUCTION = PROJECT_FILES / "mpp" / "projectlibre-Commercial_construction_project_plan.mpp"
DEPLOYMENT = PROJECT_FILES / "mpp" / "projectlibre-Microsoft_Office_Project_2003_deployment.mpp"
TASK_LINKS = PROJECT_FILES / "mspdi" / "mpxj-task-links-project2019.xml"
BASELINES = PROJECT_FILES / "mspdi" / "mpxj-task-baselines-project2019.xml"


def make_plan(**overrides: object) -> PlanFile:
    """A small valid plan: a calendar, a resource, two linked tasks and an assignment."""
    fields: dict[str, object] = {
        "name": "Half way",
        "source": "a test",
        "calendar_uid": "cal",
        "calendars": [PlanCalendar(uid="cal", name="Shop", week=OFFICE_WEEK)],
        "resources": [PlanResource(uid="ana", name="Ana", standard_rate=4000)],
        "tasks": [
            PlanTask(uid="dig", name="Dig", duration=480),
            PlanTask(uid="pour", name="Pour", duration=960),
        ],
        "links": [PlanLink(pred_uid="dig", succ_uid="pour")],
        "assignments": [PlanAssignment(task_uid="dig", resource_uid="ana")],
    }
    fields.update(overrides)
    return PlanFile(**fields)  # type: ignore[arg-type]


# -- the yardstick: tandem's dates equal the dates the tool stored -------------------------


@pytest.mark.parametrize(
    ("path", "tasks", "compared"),
    [
        (CONSTRUCTION, 145, 126),
        (DEPLOYMENT, 322, 250),
        (TASK_LINKS, 16, 16),
        (PROJECT_FILES / "xer" / "xernative-sample.xer", 31, 25),
        (PROJECT_FILES / "xer" / "schedule-analytics-BL-54069-B2-20250902.xer", 70, 24),
        # A progressed update: remaining work is scheduled from P6's data date.
        (PROJECT_FILES / "xer" / "schedule-analytics-UP-54069-20260122.xer", 83, 18),
        # The large cost-loaded, progressed P6 programme (MPXJ's own scheduler: 3,300).
        (PROJECT_FILES / "xer" / "pyp6xer-SP10_COST_LOADED.xer", 6260, 3301),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_tandem_schedules_every_unstarted_leaf_task_where_the_tool_did(
    org: Organisation, path: Path, tasks: int, compared: int
) -> None:
    plan = read_plan(path.name, path.read_bytes())
    result = import_plan(owner_of(org), org.pk, plan)
    assert result.counts["tasks"] == len(result.task_ids) == tasks
    check = compare_dates(plan, result.project, result.task_ids)
    assert (check.matched, check.compared) == (compared, compared)
    assert check.mismatches == []


def test_the_construction_plan_arrives_with_its_tasks_links_calendars_and_resources(
    org: Organisation,
) -> None:
    result = import_file(owner_of(org), org.pk, CONSTRUCTION.name, CONSTRUCTION.read_bytes())
    project = result.project
    assert project.name == "Commercial Construction"
    assert result.counts == {
        "tasks": 145,
        "links": 176,
        "calendars": 34,
        "resources": 32,
        "assignments": 158,
        "baselines": 0,
    }
    assert Task.objects.filter(project=project).count() == 145
    assert Task.objects.filter(project=project, parent=None).count() == 1
    assert Link.objects.filter(project=project).count() == 176
    calendars = Calendar.objects.filter(
        organisation=org, name__startswith="Commercial Construction: "
    )
    assert calendars.count() == 34
    assert project.calendar is not None
    assert project.calendar.name == "Commercial Construction: Standard"
    assert project.calendar.week == [[list(h) for h in OFFICE_DAY]] * 5 + [[], []]
    assert Resource.objects.filter(organisation=org).count() == 32
    carpenters = Resource.objects.get(organisation=org, name="G.C. Rough Carpenter Crew")
    assert carpenters.calendar is not None
    assert carpenters.calendar.base_id == project.calendar.pk  # a resource calendar, derived
    assert project.start.isoformat() == "2000-01-03"
    assert project.scope_in == "Imported from MS Project (.mpp)."
    # The ids come back in the order of the file's tasks, parents first.
    names = list(Task.objects.filter(pk__in=result.task_ids).values_list("pk", "name"))
    by_pk = dict(names)
    assert by_pk[result.task_ids[0]] == "Three-story Office Building (76,000 square feet)"
    assert by_pk[result.task_ids[-1]] == "Issue final request for payment"
    assert result.warnings == []
    assert result.seconds > 0


def test_import_file_reads_an_mpp_through_mpxj_and_imports_it(org: Organisation) -> None:
    path = PROJECT_FILES / "mpp" / "mpxj-task-links-project2019-mpp14.mpp"
    result = import_file(owner_of(org), org.pk, path.name, path.read_bytes(), project_name="Links")
    assert result.project.name == "Links"
    assert (result.counts["tasks"], result.counts["links"]) == (16, 8)
    types = sorted(Link.objects.filter(project=result.project).values_list("type", flat=True))
    assert types == ["FF", "FS", "FS", "FS", "FS", "FS", "SF", "SS"]
    assert sorted(Link.objects.filter(project=result.project).values_list("lag", flat=True)) == [
        0,
        480,
        960,
        960,
        960,
        960,
        2400,
        4800,
    ]


def test_a_preview_says_what_an_import_would_create_and_writes_nothing(
    org: Organisation, row_counts: Counts
) -> None:
    path = PROJECT_FILES / "mspdi" / "mpxj-mspdiresource.xml"
    plan = read_plan(path.name, path.read_bytes())
    before = row_counts()
    preview = preview_plan(owner_of(org), org.pk, plan)
    assert row_counts() == before
    assert preview["source"] == "MS Project XML"
    assert preview["counts"] == {
        "tasks": 3,
        "links": 1,
        "calendars": 6,
        "resources": 4,
        "assignments": 5,
    }
    assert preview["warnings"] == ["1 contoured assignments are spread evenly over their tasks."]
    first = preview["tasks"][0]
    assert (first["name"], first["outline_number"], first["duration_days"]) == ("Task A", "1", 6.0)
    assert first["start"] == datetime(2006, 8, 25, 8)
    # The import says the same after the fact.
    result = import_plan(owner_of(org), org.pk, plan)
    assert result.warnings == preview["warnings"]


# -- one transaction -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ({"links": [PlanLink(pred_uid="dig", succ_uid="ghost")]}, "Link 1: "),
        (
            {
                "tasks": [
                    PlanTask(uid="dig", name="Dig", duration=480),
                    PlanTask(uid="dig", name="Dig again", duration=480),
                ],
                "links": [],
            },
            "Row 2: the ref 'dig' is used twice.",
        ),
    ],
    ids=["link to an unknown task", "two tasks with one uid"],
)
def test_a_plan_refused_half_way_leaves_nothing_behind(
    org: Organisation, row_counts: Counts, broken: dict[str, object], reason: str
) -> None:
    before = row_counts()
    # Calendars, the project and resources come before the tasks, so they were written.
    with pytest.raises(Invalid) as refused:
        import_plan(owner_of(org), org.pk, make_plan(**broken))
    assert refused.value.message.startswith(f"The plan could not be imported: {reason}")
    assert row_counts() == before
    # The same plan without the fault imports.
    result = import_plan(owner_of(org), org.pk, make_plan())
    assert result.counts == {
        "tasks": 2,
        "links": 1,
        "calendars": 1,
        "resources": 1,
        "assignments": 1,
        "baselines": 0,
    }
    assert row_counts() != before


# -- who may import ------------------------------------------------------------------------


def test_a_viewer_may_not_import_or_preview_and_nothing_is_written(
    org: Organisation, viewer: User, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        import_file(viewer, org.pk, TASK_LINKS.name, TASK_LINKS.read_bytes())
    plan = read_plan(TASK_LINKS.name, TASK_LINKS.read_bytes())
    with pytest.raises(Forbidden):
        import_plan(viewer, org.pk, plan)
    with pytest.raises(Forbidden):
        preview_plan(viewer, org.pk, plan)
    assert row_counts() == before


def test_another_organisations_id_answers_not_found(
    org: Organisation, make_organisation: Callable[..., Organisation], row_counts: Counts
) -> None:
    elsewhere = make_organisation(name="Elsewhere")
    before = row_counts()
    for organisation_id in (elsewhere.pk, elsewhere.pk + 1000):
        with pytest.raises(NotFound):
            import_file(owner_of(org), organisation_id, TASK_LINKS.name, TASK_LINKS.read_bytes())
    assert row_counts() == before


# -- files tandem cannot read ----------------------------------------------------------------


@pytest.mark.parametrize("filename", ["plan.docx", "plan.MPT", "plan"])
def test_an_unsupported_suffix_is_refused_with_the_suffixes_tandem_reads(
    org: Organisation, row_counts: Counts, filename: str
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        import_file(owner_of(org), org.pk, filename, b"<Project/>")
    assert (refused.value.code, refused.value.field) == ("import.unsupported", "file")
    assert f"tandem cannot read '{Path(filename).suffix.lower() or filename}' files" in (
        refused.value.message
    )
    assert ".mpp" in refused.value.message and ".xer" in refused.value.message
    assert row_counts() == before


@pytest.mark.parametrize("data", [b"", b"  \r\n\t "])
def test_an_empty_file_is_unreadable(org: Organisation, row_counts: Counts, data: bytes) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refused:
        import_file(owner_of(org), org.pk, "plan.mpp", data)
    assert (refused.value.code, refused.value.field) == ("import.unreadable", "file")
    assert "empty" in refused.value.message
    assert row_counts() == before


def test_a_corrupt_mpp_is_unreadable_and_the_message_names_the_file(
    org: Organisation, row_counts: Counts
) -> None:
    before = row_counts()
    noise = random.Random(8).randbytes(4096)
    with pytest.raises(Invalid) as refused:
        import_file(owner_of(org), org.pk, "x.mpp", noise)
    assert refused.value.code == "import.unreadable"
    assert refused.value.message.startswith("x.mpp: MPXJ could not read the file")
    assert row_counts() == before


def test_ms_project_xml_with_a_bad_value_is_unreadable_and_the_message_names_the_file(
    org: Organisation, row_counts: Counts
) -> None:
    before = row_counts()
    data = (
        b'<Project xmlns="http://schemas.microsoft.com/project">'
        b"<StartDate>soon</StartDate></Project>"
    )
    with pytest.raises(Invalid) as refused:
        import_file(owner_of(org), org.pk, "broken.xml", data)
    assert refused.value.code == "import.unreadable"
    assert refused.value.message == "broken.xml: StartDate 'soon' is not a date and time."
    assert row_counts() == before


# -- baselines -----------------------------------------------------------------------------


def test_baselines_of_the_file_become_baselines_with_their_dates_in_local_time(
    org: Organisation,
) -> None:
    org.time_zone = "Europe/Berlin"
    org.save()
    berlin = ZoneInfo("Europe/Berlin")
    result = import_file(owner_of(org), org.pk, BASELINES.name, BASELINES.read_bytes())
    assert result.counts["baselines"] == 11
    baselines = list(Baseline.objects.filter(project=result.project).order_by("pk"))
    assert [b.name for b in baselines] == ["Baseline"] + [f"Baseline {n}" for n in range(1, 11)]
    start = BaselineTask.objects.get(baseline=baselines[0], name="Baseline Start - Task")
    assert (start.start, start.finish) == (datetime(2014, 4, 1, 9, tzinfo=berlin), None)
    finish = BaselineTask.objects.get(baseline=baselines[1], name="Baseline1 Finish - Task")
    assert (finish.start, finish.finish) == (None, datetime(2014, 3, 2, 10, tzinfo=berlin))
    assert finish.task_id in result.task_ids
    # The baseline finishes with its latest task.
    assert baselines[0].finish == datetime(2014, 3, 1, 9, tzinfo=berlin)
    # Each baseline holds the seven tasks the file gave a date, a duration or a cost in it.
    assert {b.tasks.count() for b in baselines} == {7}
    cost = BaselineTask.objects.get(baseline=baselines[0], name="Baseline Cost - Task")
    assert (cost.start, cost.finish, cost.cost) == (None, None, 100)
    duration = BaselineTask.objects.get(baseline=baselines[0], name="Baseline Duration - Task")
    assert duration.duration == 5280


# -- progress ------------------------------------------------------------------------------


def test_import_plan_reports_each_step_up_to_done(org: Organisation) -> None:
    calls: list[tuple[str, int, int]] = []
    import_plan(owner_of(org), org.pk, make_plan(), progress=lambda *call: calls.append(call))
    assert [(done, total) for _, done, total in calls] == [(n, 6) for n in range(7)]
    assert calls[0][0] == "Calendars"
    assert calls[-1][0] == "Done"


def test_import_file_progress_rises_within_each_stage_and_ends_done(org: Organisation) -> None:
    path = PROJECT_FILES / "mpp" / "mpxj-task-links-project2019-mpp14.mpp"
    calls: list[tuple[str, int, int]] = []
    import_file(
        owner_of(org), org.pk, path.name, path.read_bytes(), progress=lambda *c: calls.append(c)
    )
    reading = [c for c in calls if c[2] == 3]
    assert [(step, done) for step, done, _ in reading] == [
        ("Reading the file", 0),
        ("Converting MS Project (.mpp) with MPXJ", 1),
        ("Read", 3),
    ]
    building = calls[len(reading) :]
    dones = [done for _, done, _ in building]
    assert dones == sorted(set(dones))
    assert {total for _, _, total in building} == {6}
    assert calls[-1][1] == calls[-1][2]


def test_without_java_a_file_for_mpxj_is_refused_naming_what_to_install(
    org: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    row_counts: Callable[[], dict[str, int]],
) -> None:
    # A server with no Java: none on the PATH and no JAVA_HOME.
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        import_file(owner_of(org), org.pk, CONSTRUCTION.name, CONSTRUCTION.read_bytes())
    assert refusal.value.code == "import.java_missing"
    assert "Java 17" in refusal.value.message
    assert row_counts() == before
