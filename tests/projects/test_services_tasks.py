"""Rules of the task services around progress, rights and bulk changes, one test per rule.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tandem.accounts.models import Organisation, User
from tandem.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from tandem.projects import queries, services_plan, services_tasks
from tandem.projects.models import Link, Project, Task
from tests.conftest import owner_of

Counts = Callable[[], dict[str, int]]
MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2030 (the 7th is a Monday), UTC."""
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def stored(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def assign_to(user: User, task: Task) -> None:
    """Put a resource that stands for ``user`` on ``task``."""
    owner = owner_of(task.project.organisation)
    resource = services_plan.create_resource(
        owner, task.project.organisation_id, name=user.display_name, user_id=user.pk
    )
    services_plan.assign(owner, task.pk, resource_id=resource.pk)


# -- progress ----------------------------------------------------------------------------------


def test_starting_work_records_the_actual_start_and_moves_the_task_in_progress(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=960)
    updated = services_tasks.update_task(owner_of(org), task.pk, version=1, percent_complete=50)
    assert (updated.actual_start, updated.actual_finish) == (at(7, 8), None)
    assert (updated.status, updated.percent_complete) == ("in_progress", 50)


def test_finishing_work_records_the_actual_finish_and_moves_the_task_to_done(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=960)
    updated = services_tasks.update_task(owner_of(org), task.pk, version=1, percent_complete=100)
    assert (updated.actual_start, updated.actual_finish) == (at(7, 8), at(8, 17))
    assert updated.status == "done"


def test_moving_a_task_to_the_done_column_completes_it(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=480)
    updated = services_tasks.update_task(owner_of(org), task.pk, version=1, status="done")
    assert (updated.percent_complete, updated.actual_finish) == (100, at(7, 17))


def test_reopening_a_finished_task_clears_its_actual_finish(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=480)
    services_tasks.update_task(owner_of(org), task.pk, version=1, percent_complete=100)
    reopened = services_tasks.update_task(owner_of(org), task.pk, version=2, percent_complete=40)
    assert (reopened.actual_finish, reopened.status) == (None, "in_progress")


def test_a_column_the_board_lacks_is_refused(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    task = make_task(make_project())
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_tasks.update_task(owner_of(org), task.pk, version=1, status="shipped")
    assert refusal.value.field == "status"
    assert row_counts() == before
    assert stored(task).status == "todo"


def test_a_member_may_update_the_progress_of_a_task_assigned_to_them(
    member: User, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project())
    assign_to(member, task)
    updated = services_tasks.update_task(member, task.pk, version=1, percent_complete=30)
    assert (updated.percent_complete, updated.version) == (30, 2)


def test_a_member_may_not_change_the_duration_of_a_task_assigned_to_them(
    member: User, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    task = make_task(make_project(), duration=480)
    assign_to(member, task)
    before = row_counts()
    with pytest.raises(Forbidden):
        services_tasks.update_task(member, task.pk, version=1, duration=960, percent_complete=10)
    assert row_counts() == before
    assert (stored(task).duration, stored(task).percent_complete) == (480, 0)


def test_a_member_may_not_update_the_progress_of_a_task_of_someone_else(
    member: User,
    make_member: Callable[..., User],
    org: Organisation,
    make_project: MakeProject,
    make_task: MakeTask,
    row_counts: Counts,
) -> None:
    task = make_task(make_project())
    assign_to(make_member(org), task)
    before = row_counts()
    with pytest.raises(Forbidden) as refusal:
        services_tasks.update_task(member, task.pk, version=1, percent_complete=30)
    assert refusal.value.code == "task.progress_forbidden"
    assert row_counts() == before
    assert stored(task).percent_complete == 0


WRITES: dict[str, Callable[[User, Project, Task, Task], Any]] = {
    "create": lambda u, p, a, b: services_tasks.create_task(u, p.pk, name="New"),
    "progress": lambda u, p, a, b: services_tasks.update_task(
        u, a.pk, version=a.version, percent_complete=50
    ),
    "rename": lambda u, p, a, b: services_tasks.update_task(u, a.pk, version=a.version, name="X"),
    "move": lambda u, p, a, b: services_tasks.move_task(
        u, a.pk, start=date(2030, 1, 9), version=a.version
    ),
    "delete": lambda u, p, a, b: services_tasks.delete_task(u, a.pk),
    "link": lambda u, p, a, b: services_tasks.add_link(
        u, p.pk, predecessor_id=a.pk, successor_id=b.pk
    ),
    "bulk create": lambda u, p, a, b: services_tasks.create_tasks(u, p.pk, [{"name": "New"}]),
    "bulk update": lambda u, p, a, b: services_tasks.update_tasks(
        u, p.pk, [{"id": a.pk, "version": a.version, "percent_complete": 50}]
    ),
    "baseline": lambda u, p, a, b: services_plan.save_baseline(u, p.pk, name="Plan"),
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_viewer_may_change_nothing(
    viewer: User, make_project: MakeProject, make_task: MakeTask, row_counts: Counts, write: str
) -> None:
    project = make_project()
    a, b = make_task(project), make_task(project)
    before = row_counts()
    with pytest.raises(Forbidden):
        WRITES[write](viewer, project, a, b)
    assert row_counts() == before
    assert (stored(a).name, stored(a).version, stored(a).percent_complete) == (a.name, 1, 0)


def test_a_viewer_may_not_even_send_an_empty_bulk_update(
    viewer: User, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    # BUG: src/tandem/projects/services_tasks.py update_tasks checks rights per update only, so
    # a viewer's empty list reschedules the project and journals "changed 0 tasks".
    project = make_project()
    make_task(project)
    before = row_counts()
    with pytest.raises(Forbidden):
        services_tasks.update_tasks(viewer, project.pk, [])
    assert row_counts() == before


@pytest.mark.parametrize("write", list(WRITES))
def test_another_organisations_ids_are_not_found_never_forbidden(
    make_organisation: Callable[..., Organisation],
    make_project: MakeProject,
    make_task: MakeTask,
    row_counts: Counts,
    write: str,
) -> None:
    project = make_project()
    a, b = make_task(project), make_task(project)
    stranger = owner_of(make_organisation())
    before = row_counts()
    with pytest.raises(NotFound):
        WRITES[write](stranger, project, a, b)
    assert row_counts() == before


def test_another_organisations_project_cannot_be_read(
    make_organisation: Callable[..., Organisation], make_project: MakeProject
) -> None:
    project = make_project()
    with pytest.raises(NotFound) as refusal:
        queries.get_project(owner_of(make_organisation()), project.pk)
    assert refusal.value.code == "project.not_found"


# -- many tasks at once ------------------------------------------------------------------------


def test_a_batch_creates_tasks_under_parents_with_links_and_one_schedule(
    org: Organisation, make_project: MakeProject
) -> None:
    project = make_project()
    made = services_tasks.create_tasks(
        owner_of(org),
        project.pk,
        [
            {"ref": "p", "name": "Phase"},
            {"ref": "a", "name": "Design", "parent": "p", "duration": 480},
            {"ref": "b", "name": "Build", "parent": "p", "duration": 960},
            {"ref": "m", "name": "Done", "duration": 0},
        ],
        [{"from": "a", "to": "b"}, {"from": "p", "to": "m", "type": "FS", "lag": 480}],
    )
    phase, design, build, done = made
    assert (design.parent_id, build.parent_id, done.parent_id) == (phase.pk, phase.pk, None)
    assert (design.position, build.position) == (0, 1)
    numbers = {r.task.name: r.outline.number for r in queries.task_rows(project)}
    assert numbers == {"Phase": "1", "Design": "1.1", "Build": "1.2", "Done": "2"}
    assert (build.start, build.finish) == (at(8, 8), at(9, 17))
    assert (phase.start, phase.finish) == (at(7, 8), at(9, 17))
    assert (done.start, done.finish) == (at(10, 17), at(10, 17))
    assert Link.objects.filter(project=project).count() == 2


def test_a_batch_may_link_to_tasks_that_already_exist(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    existing = make_task(project, duration=480)
    [new] = services_tasks.create_tasks(
        owner_of(org),
        project.pk,
        [{"ref": "n", "name": "Next", "duration": 480}],
        [{"from": existing.pk, "to": "n"}],
    )
    assert (new.start, new.finish) == (at(8, 8), at(8, 17))


def test_an_invalid_row_refuses_the_whole_batch_naming_the_row(
    org: Organisation, make_project: MakeProject, row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_tasks.create_tasks(
            owner_of(org),
            project.pk,
            [{"name": "Fine"}, {"name": "Also fine"}, {"name": "Bad", "duration": -5}],
        )
    assert refusal.value.message.startswith("Row 3")
    assert refusal.value.field == "duration"
    assert row_counts() == before


def test_an_unknown_parent_refuses_the_whole_batch_naming_the_row(
    org: Organisation, make_project: MakeProject, row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(NotFound) as refusal:
        services_tasks.create_tasks(
            owner_of(org), project.pk, [{"ref": "a", "name": "A"}, {"name": "B", "parent": "x"}]
        )
    assert "Row 2" in refusal.value.message
    assert row_counts() == before


def test_a_priority_that_is_not_a_number_refuses_the_batch_naming_the_row(
    org: Organisation, make_project: MakeProject, row_counts: Counts
) -> None:
    # BUG: src/tandem/projects/services_tasks.py _clean_task_fields calls int() on "priority"
    # (and "position") unguarded, so the batch fails with a ValueError (a 500), not Invalid.
    project = make_project()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_tasks.create_tasks(
            owner_of(org), project.pk, [{"name": "A"}, {"name": "B", "priority": "high"}]
        )
    assert "Row 2" in refusal.value.message
    assert row_counts() == before


@pytest.mark.parametrize(
    ("links", "error"),
    [
        ([{"from": "a", "to": "nope"}], Invalid),
        ([{"from": "a", "to": "a"}], Invalid),
        ([{"from": "a", "to": "b"}, {"from": "a", "to": "b"}], Conflict),
        ([{"from": "a", "to": "b", "type": "XX"}], Invalid),
    ],
)
def test_a_bad_link_refuses_the_whole_batch_naming_the_link(
    org: Organisation,
    make_project: MakeProject,
    row_counts: Counts,
    links: list[dict[str, Any]],
    error: type[Exception],
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(error) as refusal:
        services_tasks.create_tasks(
            owner_of(org), project.pk, [{"ref": "a", "name": "A"}, {"ref": "b", "name": "B"}], links
        )
    assert str(refusal.value).startswith("Link ")
    assert row_counts() == before


def test_a_batch_whose_links_form_a_cycle_writes_nothing(
    org: Organisation, make_project: MakeProject, row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        services_tasks.create_tasks(
            owner_of(org),
            project.pk,
            [{"ref": "a", "name": "Alpha"}, {"ref": "b", "name": "Beta"}],
            [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}],
        )
    assert refusal.value.code == "task.dependency_cycle"
    assert "Alpha" in refusal.value.message and "Beta" in refusal.value.message
    assert row_counts() == before


def test_a_bulk_update_changes_many_tasks_with_one_schedule(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    a, b = make_task(project, duration=480), make_task(project, duration=480)
    services_tasks.add_link(owner_of(org), project.pk, predecessor_id=a.pk, successor_id=b.pk)
    updated = services_tasks.update_tasks(
        owner_of(org),
        project.pk,
        [{"id": a.pk, "version": 1, "duration": 960}, {"id": b.pk, "version": 1, "name": "B2"}],
    )
    assert [(t.duration, t.name, t.version) for t in updated] == [(960, a.name, 2), (480, "B2", 2)]
    assert (updated[1].start, updated[1].finish) == (at(9, 8), at(9, 17))


@pytest.mark.parametrize(
    ("second", "error", "text"),
    [
        ({"version": 7, "duration": 960}, StaleVersion, None),
        ({"version": 1, "duration": -1}, Invalid, "Update 2"),
        ({"version": 1, "nonsense": 1}, Invalid, "Update 2"),
    ],
)
def test_one_refused_update_refuses_the_whole_bulk_update(
    org: Organisation,
    make_project: MakeProject,
    make_task: MakeTask,
    row_counts: Counts,
    second: dict[str, Any],
    error: type[Exception],
    text: str | None,
) -> None:
    project = make_project()
    a, b = make_task(project, duration=480), make_task(project, duration=480)
    before = row_counts()
    with pytest.raises(error) as refusal:
        services_tasks.update_tasks(
            owner_of(org),
            project.pk,
            [{"id": a.pk, "version": 1, "duration": 1440}, {"id": b.pk, **second}],
        )
    if text:
        assert text in str(refusal.value)
    assert row_counts() == before
    assert [(stored(t).duration, stored(t).version) for t in (a, b)] == [(480, 1), (480, 1)]
    assert stored(a).finish == at(7, 17)


def test_a_bulk_update_of_a_task_of_another_project_is_not_found(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project, other = make_project(), make_project()
    theirs = make_task(other)
    before = row_counts()
    with pytest.raises(NotFound):
        services_tasks.update_tasks(
            owner_of(org), project.pk, [{"id": theirs.pk, "version": 1, "name": "Mine now"}]
        )
    assert row_counts() == before
    assert stored(theirs).name == theirs.name


def test_a_task_inserted_at_a_position_comes_before_the_siblings_there(  # type: ignore[no-untyped-def]
    make_project, make_task
) -> None:
    from tandem.projects.queries import task_rows

    project = make_project()
    make_task(project, name="first")
    make_task(project, name="second")
    make_task(project, name="inserted", position=1)
    assert [r.task.name for r in task_rows(project)] == ["first", "inserted", "second"]
