"""Reads of projects: the outline with flags, the critical path, progress, lists, the
dashboard, the Gantt document and what workload and "my work" leave out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tandem.accounts.models import Organisation, User
from tandem.projects import queries, services, services_plan, services_tasks
from tandem.projects.models import Project, Resource, Task
from tests.conftest import owner_of
from tests.projects.conftest import MONDAY

MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
pytestmark = pytest.mark.django_db


def person(organisation: Organisation, name: str, user: User | None = None) -> Resource:
    return services_plan.create_resource(
        owner_of(organisation), organisation.pk, name=name, user_id=user.pk if user else None
    )


def assign(task: Task, resource: Resource) -> None:
    services_plan.assign(owner_of(task.project.organisation), task.pk, resource_id=resource.pk)


def link(a: Task, b: Task) -> None:
    services_tasks.add_link(
        owner_of(a.project.organisation), a.project_id, predecessor_id=a.pk, successor_id=b.pk
    )


def test_rows_come_in_outline_order_with_numbers_depths_and_kinds(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    make_task(project, name="Gate", duration=0)
    phase = make_task(project, name="Phase", duration=0)
    deep = make_task(project, name="Sub-phase", parent_id=phase.pk, position=5)
    make_task(project, name="Leaf", parent_id=deep.pk)
    make_task(project, name="First", parent_id=phase.pk, position=2)
    rows = queries.task_rows(project)
    assert [(r.task.name, r.outline.number, r.outline.depth) for r in rows] == [
        ("Gate", "1", 0),
        ("Phase", "2", 0),
        ("First", "2.1", 1),
        ("Sub-phase", "2.2", 1),
        ("Leaf", "2.2.1", 2),
    ]
    kinds = {r.task.name: (r.summary, r.milestone) for r in rows}
    assert kinds["Gate"] == (False, True)
    assert kinds["Phase"] == (True, False)
    assert kinds["Leaf"] == (False, False)


def test_rows_name_the_assigned_resources_alphabetically(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project())
    assign(task, person(org, "Zoe"))
    assign(task, person(org, "Adam"))
    [row] = queries.task_rows(task.project)
    assert row.assignees == "Adam, Zoe"


def test_a_task_that_should_have_finished_is_overdue(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project(start=date(2020, 1, 6))
    late, done = make_task(project), make_task(project)
    services_tasks.update_task(owner_of(project.organisation), done.pk, version=1, status="done")
    flags = {r.task.pk: (r.overdue, r.at_risk) for r in queries.task_rows(project)}
    assert flags == {late.pk: (True, False), done.pk: (False, False)}


def test_a_task_with_negative_float_is_at_risk(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project(deadline=MONDAY)
    late = make_task(project, duration=960)
    [row] = queries.task_rows(project)
    assert (row.task, row.overdue, row.at_risk) == (late, False, True)
    listed = queries.list_projects(owner_of(project.organisation), project.organisation_id)
    assert [(p.task_count, p.late_count) for p in listed] == [(1, 1)]


def test_the_critical_path_leaves_out_summaries_and_follows_the_dates(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    phase = make_task(project, name="Phase")
    second = make_task(project, name="Second", parent_id=phase.pk)
    first = make_task(project, name="First", parent_id=phase.pk)
    make_task(project, name="Beside", duration=240)
    link(first, second)
    path = queries.critical_path(queries.task_rows(project))
    assert [r.task.name for r in path] == ["First", "Second"]


def test_progress_is_weighted_by_duration(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    long, short = make_task(project, duration=1440), make_task(project, duration=480)
    services_tasks.update_task(owner_of(org), short.pk, version=1, percent_complete=100)
    services_tasks.update_task(owner_of(org), long.pk, version=1, percent_complete=50)
    assert queries.progress(queries.task_rows(project)) == pytest.approx(62.5)
    assert queries.progress([]) == 0.0


def test_the_dashboard_puts_projects_with_trouble_first_and_says_how_late(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    calm = make_project(name="Alpha calm", deadline=date(2030, 1, 31))
    make_task(calm)
    late = make_project(name="Zulu late", deadline=MONDAY)
    make_task(late, duration=3 * 480)
    closed = make_project(name="Closed", status="completed")
    make_task(closed)
    health = queries.dashboard(owner_of(org), org.pk)
    assert [h.project.name for h in health] == ["Zulu late", "Alpha calm"]
    assert (health[0].at_risk, health[0].late_by_days) == (1, 1.7)
    assert health[1].late_by_days is not None and health[1].late_by_days < 0


def test_the_gantt_document_carries_baseline_bars(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    task = make_task(project, duration=480)
    services_plan.save_baseline(owner_of(org), project.pk, name="Approved")
    services_tasks.update_task(owner_of(org), task.pk, version=1, duration=960)
    project.refresh_from_db()
    document = queries.gantt_document(project, can_edit=False)
    [bar] = document["tasks"]
    assert document["baseline"] == "Approved"
    assert (bar["baseline_start"], bar["baseline_finish"]) == (
        "2030-01-07T08:00:00",
        "2030-01-07T17:00:00",
    )
    assert (bar["finish"], bar["duration_days"]) == ("2030-01-08T17:00:00", 2.0)


def test_workload_leaves_out_finished_tasks_and_closed_projects(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    open_project, closed = make_project(), make_project(status="completed")
    ann = person(org, "Ann")
    finished = make_task(open_project)
    assign(finished, ann)
    assign(make_task(closed), ann)
    counted = make_task(open_project, duration=960)
    assign(counted, ann)
    services_tasks.update_task(owner_of(org), finished.pk, version=1, percent_complete=100)
    load, _ = queries.resource_workload(owner_of(org), org.pk, MONDAY, date(2030, 1, 8))
    assert load.load.tolist() == [[1.0, 1.0]]


def test_my_work_leaves_out_closed_projects_and_comes_soonest_first(
    org: Organisation, member: User, make_project: MakeProject, make_task: MakeTask
) -> None:
    project, closed = make_project(), make_project()
    me = person(org, "Me", member)
    later = make_task(project, name="Later", constraint_type="SNET", constraint_date="2030-01-09")
    sooner = make_task(project, name="Sooner")
    shelved = make_task(closed, name="Shelved")
    for task in (later, sooner, shelved):
        assign(task, me)
    services.update_project(owner_of(org), closed.pk, version=1, status="cancelled")
    assert [r.task.name for r in queries.my_work(member, org.pk)] == ["Sooner", "Later"]
