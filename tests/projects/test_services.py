"""Rules of the projects services for projects, tasks and links, one test per rule.

Dates are checked as stored on the project calendar (Monday to Friday, 08:00-12:00 and
13:00-17:00; 480 working minutes are one day) in an organisation on UTC. Every refusal also
shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tandem.accounts.models import Organisation
from tandem.collab.models import JournalEntry
from tandem.core.cpm import DependencyCycle
from tandem.errors import Conflict, Invalid, NotFound, StaleVersion, VersionRequired
from tandem.projects import services_tasks
from tandem.projects.models import Link, Project, Task
from tests.conftest import owner_of
from tests.projects.conftest import MONDAY

Counts = Callable[[], dict[str, int]]
MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in January 2030 (the 7th is a Monday), UTC."""
    return datetime(2030, 1, day, hour, minute, tzinfo=UTC)


def span(task: Task) -> tuple[datetime | None, datetime | None]:
    task.refresh_from_db()
    return task.start, task.finish


def snapshot(project: Project) -> dict[int, tuple[Any, ...]]:
    """Every task's stored schedule and version, to show a refusal changed nothing."""
    return {
        t.pk: (t.start, t.finish, t.total_float, t.critical, t.version)
        for t in Task.objects.filter(project=project)
    }


def link(project: Project, a: Task, b: Task, **fields: Any) -> Link:
    return services_tasks.add_link(
        owner_of(project.organisation), project.pk, predecessor_id=a.pk, successor_id=b.pk, **fields
    )


# -- tasks and their stored schedule ---------------------------------------------------------


def test_a_new_task_has_its_schedule_stored_at_once(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=480)
    stored = Task.objects.get(pk=task.pk)
    assert (stored.start, stored.finish) == (at(7, 8), at(7, 17))
    assert (stored.early_start, stored.early_finish) == (at(7, 8), at(7, 17))
    assert (stored.late_start, stored.late_finish) == (at(7, 8), at(7, 17))
    assert (stored.total_float, stored.free_float, stored.critical) == (0, 0, True)
    assert stored.deadline_missed is False


def test_a_task_starts_in_the_first_board_column_after_its_siblings(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project), make_task(project)
    assert (first.position, second.position) == (0, 1)
    assert second.status == "todo"


def test_work_skips_the_weekend(make_project: MakeProject, make_task: MakeTask) -> None:
    project = make_project()
    week, after = make_task(project, duration=5 * 480), make_task(project, duration=480)
    link(project, week, after)
    assert span(week) == (at(7, 8), at(11, 17))
    assert span(after) == (at(14, 8), at(14, 17))


def test_a_finish_to_start_successor_starts_the_next_working_morning(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project), make_task(project)
    link(project, first, second)
    assert span(first) == (at(7, 8), at(7, 17))
    assert span(second) == (at(8, 8), at(8, 17))
    project.refresh_from_db()
    assert project.finish == at(8, 17)


@pytest.mark.parametrize(
    ("kind", "lag", "start", "finish"),
    [
        ("FS", 0, at(9, 8), at(9, 17)),
        ("FS", 240, at(9, 13), at(10, 12)),
        ("FS", -240, at(8, 13), at(9, 12)),
        ("SS", 240, at(7, 13), at(8, 12)),
        ("FF", 0, at(8, 8), at(8, 17)),
        ("FF", 480, at(9, 8), at(9, 17)),
        ("SF", 960, at(8, 8), at(8, 17)),
    ],
)
def test_a_link_places_its_successor_by_type_and_lag(
    make_project: MakeProject,
    make_task: MakeTask,
    kind: str,
    lag: int,
    start: datetime,
    finish: datetime,
) -> None:
    project = make_project()
    two_days, one_day = make_task(project, duration=960), make_task(project, duration=480)
    made = link(project, two_days, one_day, type=kind, lag=lag)
    assert (made.type, made.lag) == (kind, lag)
    assert span(two_days) == (at(7, 8), at(8, 17))
    assert span(one_day) == (start, finish)


def test_changing_a_predecessor_moves_its_successors(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project), make_task(project)
    link(project, first, second)
    services_tasks.update_task(owner_of(org), first.pk, version=first.version, duration=960)
    assert span(second) == (at(9, 8), at(9, 17))


def test_changing_a_links_lag_moves_its_successor(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project), make_task(project)
    made = link(project, first, second)
    changed = services_tasks.update_link(owner_of(org), made.pk, version=1, lag=960, type="FS")
    assert (changed.lag, changed.version) == (960, 2)
    assert span(second) == (at(10, 8), at(10, 17))


def test_a_link_update_based_on_an_old_version_is_refused(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    made = link(project, make_task(project), make_task(project))
    services_tasks.update_link(owner_of(org), made.pk, version=1, lag=240)
    before = row_counts()
    with pytest.raises(StaleVersion):
        services_tasks.update_link(owner_of(org), made.pk, version=1, lag=960)
    assert row_counts() == before
    assert Link.objects.get(pk=made.pk).lag == 240


def test_removing_a_link_frees_its_successor(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project), make_task(project)
    made = link(project, first, second)
    services_tasks.remove_link(owner_of(org), made.pk)
    assert span(second) == (at(7, 8), at(7, 17))
    assert not Link.objects.filter(project=project).exists()


def test_a_link_that_would_close_a_cycle_is_refused_naming_the_tasks(
    make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    design, build, test = (make_task(project, name=n) for n in ("Design", "Build", "Test"))
    link(project, design, build)
    link(project, build, test)
    before, schedule = row_counts(), snapshot(project)
    with pytest.raises(DependencyCycle) as refusal:
        link(project, test, design)
    assert refusal.value.code == "task.dependency_cycle"
    assert set(refusal.value.cycle) == {"Design", "Build", "Test"}
    for name in ("Design", "Build", "Test"):
        assert name in refusal.value.message
    assert str(design.pk) not in refusal.value.cycle
    assert row_counts() == before
    assert not Link.objects.filter(predecessor=test, successor=design).exists()
    assert snapshot(project) == schedule


def test_a_task_cannot_be_linked_to_itself(
    make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    task = make_task(project)
    before = row_counts()
    with pytest.raises(Invalid):
        link(project, task, task)
    assert row_counts() == before


def test_the_same_link_twice_is_a_conflict(
    make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    a, b = make_task(project), make_task(project)
    link(project, a, b)
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        link(project, a, b, type="FS", lag=480)
    assert refusal.value.code == "link.exists"
    assert row_counts() == before
    assert Link.objects.get(predecessor=a, successor=b).lag == 0


def test_one_pair_may_be_linked_start_to_start_and_finish_to_finish(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    # P6 plans often tie two activities at both ends; both links hold.
    project = make_project()
    a, b = make_task(project, duration=960), make_task(project, duration=480)
    link(project, a, b, type="SS")
    link(project, a, b, type="FF")
    assert set(Link.objects.filter(predecessor=a, successor=b).values_list("type", flat=True)) == {
        "SS",
        "FF",
    }
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.finish == a.finish  # FF holds: b (one day) finishes with a (two days)
    ss = Link.objects.get(predecessor=a, successor=b, type="SS")
    with pytest.raises(Conflict):
        services_tasks.update_link(
            owner_of(project.organisation), ss.pk, version=ss.version, type="FF"
        )


def test_a_link_to_a_task_of_another_project_is_not_found(
    make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project, other = make_project(), make_project()
    mine, theirs = make_task(project), make_task(other)
    before = row_counts()
    with pytest.raises(NotFound):
        link(project, mine, theirs)
    assert row_counts() == before


def test_a_task_update_based_on_an_old_version_changes_nothing(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    task = make_task(make_project(), name="Design", duration=480)
    services_tasks.update_task(owner_of(org), task.pk, version=1, name="Design v2")
    before = row_counts()
    with pytest.raises(StaleVersion) as refusal:
        services_tasks.update_task(owner_of(org), task.pk, version=1, duration=960)
    assert refusal.value.details == {"current_version": 2}
    assert row_counts() == before
    task.refresh_from_db()
    assert (task.name, task.duration, task.finish, task.version) == ("Design v2", 480, at(7, 17), 2)


def test_a_task_update_without_a_version_is_refused(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    task = make_task(make_project(), duration=480)
    before = row_counts()
    with pytest.raises(VersionRequired):
        services_tasks.update_task(owner_of(org), task.pk, version=None, duration=960)
    assert row_counts() == before
    assert Task.objects.get(pk=task.pk).duration == 480


def test_a_missed_task_deadline_is_flagged_with_negative_float(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=960, deadline=MONDAY)
    task.refresh_from_db()
    assert task.deadline == at(7, 17)
    assert (task.finish, task.deadline_missed, task.total_float) == (at(8, 17), True, -480)


def test_a_task_deadline_the_schedule_meets_limits_its_float(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    make_task(project, duration=5 * 480)
    task = make_task(project, duration=480, deadline=date(2030, 1, 9))
    task.refresh_from_db()
    # The project runs to Friday, but the deadline on Wednesday leaves two days, not four.
    assert (task.deadline_missed, task.total_float) == (False, 960)


def test_a_project_deadline_gives_negative_float_along_the_critical_path(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project(deadline=date(2030, 1, 8))
    first, second = make_task(project, duration=960), make_task(project, duration=480)
    aside = make_task(project, duration=480)
    link(project, first, second)
    floats = {t.pk: (t.total_float, t.critical) for t in Task.objects.filter(project=project)}
    assert floats == {first.pk: (-480, True), second.pk: (-480, True), aside.pk: (480, False)}


def test_start_no_earlier_than_holds_a_task_back(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(
        make_project(), constraint_type="SNET", constraint_date=date(2030, 1, 9), duration=480
    )
    task.refresh_from_db()
    assert task.constraint_date == at(9, 8)
    assert (task.start, task.finish) == (at(9, 8), at(9, 17))


def test_must_start_on_fixes_the_start_even_against_an_earlier_predecessor(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first = make_task(project, duration=480)
    fixed = make_task(project, constraint_type="MSO", constraint_date="2030-01-10T13:00")
    link(project, first, fixed)
    assert span(fixed) == (at(10, 13), at(11, 12))


def test_a_date_constraint_without_a_date_is_refused(
    make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        make_task(project, constraint_type="SNET")
    assert refusal.value.field == "constraint_date"
    assert row_counts() == before


def test_a_summary_task_spans_its_children(make_project: MakeProject, make_task: MakeTask) -> None:
    project = make_project()
    phase = make_task(project, name="Phase", duration=0)
    make_task(project, parent_id=phase.pk, duration=480)
    make_task(project, parent_id=phase.pk, duration=3 * 480)
    assert span(phase) == (at(7, 8), at(9, 17))


def test_a_link_into_a_summary_delays_its_children(
    make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    before = make_task(project, duration=960)
    phase = make_task(project, name="Phase", duration=0)
    kids = [make_task(project, parent_id=phase.pk, duration=d) for d in (480, 1440)]
    link(project, before, phase)
    assert [span(kid) for kid in kids] == [(at(9, 8), at(9, 17)), (at(9, 8), at(11, 17))]
    assert span(phase) == (at(9, 8), at(11, 17))


def test_a_task_cannot_be_placed_under_its_own_subtask(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    phase = make_task(project)
    child = make_task(project, parent_id=phase.pk)
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services_tasks.update_task(
            owner_of(org), phase.pk, version=phase.version, parent_id=child.pk
        )
    assert refusal.value.field == "parent_id"
    assert row_counts() == before
    assert Task.objects.get(pk=phase.pk).parent_id is None


# -- moving and deleting -----------------------------------------------------------------------


def test_moving_a_task_starts_it_no_earlier_than_the_first_working_moment_of_that_day(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    task = make_task(make_project(), duration=480)
    moved = services_tasks.move_task(
        owner_of(org), task.pk, start=date(2030, 1, 9), version=task.version
    )
    assert (moved.constraint_type, moved.constraint_date) == ("SNET", at(9, 8))
    assert (moved.start, moved.finish, moved.version) == (at(9, 8), at(9, 17), task.version + 1)


def test_a_moved_task_is_still_held_back_by_its_predecessor(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    first, second = make_task(project, duration=3 * 480), make_task(project)
    link(project, first, second)
    second.refresh_from_db()
    moved = services_tasks.move_task(owner_of(org), second.pk, start=MONDAY, version=second.version)
    assert moved.start == at(10, 8)


def test_a_summary_task_cannot_be_moved(
    org: Organisation, make_project: MakeProject, make_task: MakeTask, row_counts: Counts
) -> None:
    project = make_project()
    phase = make_task(project)
    make_task(project, parent_id=phase.pk)
    phase.refresh_from_db()
    before, schedule = row_counts(), snapshot(project)
    with pytest.raises(Invalid):
        services_tasks.move_task(
            owner_of(org), phase.pk, start=date(2030, 1, 9), version=phase.version
        )
    assert (row_counts(), snapshot(project)) == (before, schedule)


def test_deleting_a_task_removes_its_subtasks_and_links_and_reschedules(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    phase = make_task(project, name="Phase")
    kids = [make_task(project, parent_id=phase.pk, duration=960) for _ in range(2)]
    after = make_task(project, name="After")
    link(project, kids[1], after)
    assert span(after) == (at(9, 8), at(9, 17))
    services_tasks.delete_task(owner_of(org), phase.pk)
    assert list(Task.objects.filter(project=project)) == [after]
    assert not Link.objects.filter(project=project).exists()
    assert span(after) == (at(7, 8), at(7, 17))
    assert JournalEntry.objects.filter(action="projects.task.deleted", target_id=phase.pk).exists()


def test_deleting_the_last_task_leaves_a_project_without_a_finish(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    # BUG: rescheduling a project without tasks raises ValueError in
    # src/tandem/core/network.py ProjectScheduler._build; see the report.
    project = make_project()
    task = make_task(project)
    services_tasks.delete_task(owner_of(org), task.pk)
    project.refresh_from_db()
    assert (project.tasks.count(), project.finish) == (0, None)
