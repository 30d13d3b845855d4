"""Rules of the projects services for projects themselves: board columns, keys, dates,
rights and versions, one test per rule.

Every refusal also shows that nothing was written: a service runs in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from tandem.accounts.models import Organisation, User
from tandem.collab.models import JournalEntry
from tandem.errors import Conflict, Forbidden, Invalid, StaleVersion, VersionRequired
from tandem.projects import services
from tandem.projects.models import Project, Task
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


# -- projects ------------------------------------------------------------------------------------


def test_a_new_project_gets_the_default_board_columns_and_a_journal_entry(
    org: Organisation,
) -> None:
    owner = owner_of(org)
    project = services.create_project(owner, org.pk, name="Mobile app", start=MONDAY)
    columns = [(c.key, c.category, c.position) for c in project.columns.all()]
    assert columns == [
        ("todo", "todo", 0),
        ("in_progress", "in_progress", 1),
        ("review", "in_progress", 2),
        ("done", "done", 3),
    ]
    entry = JournalEntry.objects.get(organisation=org, action="projects.project.created")
    assert (entry.actor, entry.target_id) == (owner, project.pk)


def test_the_creator_manages_a_new_project(org: Organisation, planner: User) -> None:
    project = services.create_project(planner, org.pk, name="Mobile app", start=MONDAY)
    assert project.manager == planner


def test_the_key_is_made_of_the_initials_of_the_name(make_project: MakeProject) -> None:
    assert make_project(name="Mobile App Relaunch").key == "MAR"


def test_a_derived_key_that_is_taken_gets_a_number(make_project: MakeProject) -> None:
    keys = [make_project(name="Mobile App Relaunch").key for _ in range(3)]
    assert keys == ["MAR", "MAR2", "MAR3"]


def test_a_chosen_key_is_kept_in_capitals(make_project: MakeProject) -> None:
    assert make_project(key="mob2").key == "MOB2"


def test_a_chosen_key_that_is_taken_is_a_conflict(
    make_project: MakeProject, row_counts: Counts
) -> None:
    make_project(key="APP")
    before = row_counts()
    with pytest.raises(Conflict) as refusal:
        make_project(key="app")
    assert (refusal.value.code, refusal.value.field) == ("project.key_taken", "key")
    assert row_counts() == before


@pytest.mark.parametrize("key", ["AP-P", "a b", "ÄPP"])
def test_a_key_of_other_than_letters_and_digits_is_refused(
    make_project: MakeProject, row_counts: Counts, key: str
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        make_project(key=key)
    assert refusal.value.field == "key"
    assert row_counts() == before


def test_a_deadline_before_the_start_is_refused(
    make_project: MakeProject, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        make_project(start=MONDAY, deadline=date(2030, 1, 4))
    assert refusal.value.field == "deadline"
    assert row_counts() == before


def test_moving_the_start_past_the_deadline_is_refused(
    org: Organisation, make_project: MakeProject, row_counts: Counts
) -> None:
    project = make_project(deadline=date(2030, 1, 11))
    before = row_counts()
    with pytest.raises(Invalid) as refusal:
        services.update_project(
            owner_of(org), project.pk, version=project.version, start=date(2030, 1, 14)
        )
    assert refusal.value.field == "deadline"
    assert row_counts() == before
    project.refresh_from_db()
    assert (project.start, project.version) == (MONDAY, 1)


def test_a_member_may_not_create_a_project(
    org: Organisation, member: User, row_counts: Counts
) -> None:
    before = row_counts()
    with pytest.raises(Forbidden):
        services.create_project(member, org.pk, name="Mine", start=MONDAY)
    assert row_counts() == before


def test_a_project_update_based_on_an_old_version_is_refused(
    org: Organisation, make_project: MakeProject
) -> None:
    project = make_project(name="Before")
    services.update_project(owner_of(org), project.pk, version=1, objectives="Ship it")
    with pytest.raises(StaleVersion):
        services.update_project(owner_of(org), project.pk, version=1, name="After")
    with pytest.raises(VersionRequired):
        services.update_project(owner_of(org), project.pk, version=None, name="After")
    project.refresh_from_db()
    assert (project.name, project.version) == ("Before", 2)


def test_moving_the_project_start_reschedules_its_tasks(
    org: Organisation, make_project: MakeProject, make_task: MakeTask
) -> None:
    project = make_project()
    task = make_task(project)
    services.update_project(owner_of(org), project.pk, version=1, start=date(2030, 1, 14))
    assert span(task) == (at(14, 8), at(14, 17))
    project.refresh_from_db()
    assert project.finish == at(14, 17)


def test_moving_the_start_of_a_project_without_tasks_is_allowed(
    org: Organisation, make_project: MakeProject
) -> None:
    # BUG: src/tandem/core/network.py ProjectScheduler._build (estimate.early_finish.max() of
    # an empty network) raises ValueError for a project without tasks; see the report.
    project = make_project()
    services.update_project(owner_of(org), project.pk, version=1, start=date(2030, 1, 14))
    project.refresh_from_db()
    assert (project.start, project.finish) == (date(2030, 1, 14), None)
