"""The prepared schedule kept between edits: an edit that reuses it stores exactly the dates a
fresh schedule from the database gives.

The prepared schedule is installed when a transaction commits, so these tests run the
services inside ``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import Organisation
from tandem.core.cpm import DependencyCycle
from tandem.projects import scheduling, services_tasks
from tandem.projects.models import Link, Project, Task
from tests.conftest import owner_of

MakeProject = Callable[..., Project]
MakeTask = Callable[..., Task]
Committed = Callable[[], AbstractContextManager[Any]]
pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Committed:
    """A block whose on-commit callbacks run, as when a request's transaction commits."""

    @contextmanager
    def block() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


def stored(project: Project) -> dict[int, tuple[Any, ...]]:
    fields = [*scheduling.RESULT_FIELDS, "version"]
    return {
        row["id"]: tuple(row[f] for f in fields)
        for row in Task.objects.filter(project=project).values("id", *fields)
    }


def fresh(project: Project) -> dict[int, tuple[Any, ...]]:
    """The dates a schedule read afresh from the database stores."""
    scheduling.forget(project.pk)
    with transaction.atomic():
        scheduling.reschedule(Project.objects.select_related("organisation").get(pk=project.pk))
    return stored(project)


def version(task: Task) -> int:
    return Task.objects.get(pk=task.pk).version


@pytest.fixture
def chain(make_project: MakeProject, make_task: MakeTask) -> tuple[Project, list[Task]]:
    """Design → Build → Test, and Docs on the side with a deadline."""
    project = make_project(deadline=date(2030, 1, 18))
    tasks = [
        make_task(project, name="Design", duration=960),
        make_task(project, name="Build", duration=1440),
        make_task(project, name="Test", duration=480),
        make_task(project, name="Docs", duration=480, deadline=date(2030, 1, 9)),
    ]
    owner = owner_of(project.organisation)
    for a, b in itertools.pairwise(tasks[:3]):
        services_tasks.add_link(owner, project.pk, predecessor_id=a.pk, successor_id=b.pk)
    return project, tasks


def test_edits_that_reuse_the_prepared_schedule_store_what_a_fresh_schedule_gives(
    org: Organisation, chain: tuple[Project, list[Task]], committed: Committed
) -> None:
    project, (design, build, test, docs) = chain
    owner = owner_of(org)
    with committed():
        services_tasks.update_task(owner, design.pk, version=version(design), duration=1920)
    with committed():
        services_tasks.update_task(owner, build.pk, version=version(build), duration=2400)
    with committed():
        services_tasks.update_task(owner, design.pk, version=version(design), percent_complete=50)
    with committed():
        services_tasks.move_task(owner, docs.pk, start=date(2030, 1, 10), version=version(docs))
    with committed():
        services_tasks.update_task(
            owner, test.pk, version=version(test), deadline=date(2030, 1, 14)
        )
    after_edits = stored(project)
    assert after_edits[docs.pk][scheduling.RESULT_FIELDS.index("deadline_missed")] is True
    assert fresh(project) == after_edits


def test_the_second_edit_reuses_the_prepared_schedule_instead_of_reading_the_plan(
    org: Organisation, chain: tuple[Project, list[Task]], committed: Committed
) -> None:
    project, (design, *_) = chain
    owner = owner_of(org)
    links = Link._meta.db_table
    with committed():
        services_tasks.update_task(owner, design.pk, version=version(design), duration=1440)
    with committed(), CaptureQueriesContext(connection) as reused:
        services_tasks.update_task(owner, design.pk, version=version(design), duration=480)
    assert not [q for q in reused.captured_queries if links in q["sql"]]
    scheduling.forget(project.pk)
    with committed(), CaptureQueriesContext(connection) as rebuilt:
        services_tasks.update_task(owner, design.pk, version=version(design), duration=960)
    assert [q for q in rebuilt.captured_queries if links in q["sql"]]


def test_a_change_of_structure_after_a_reused_edit_is_scheduled_afresh(
    org: Organisation, chain: tuple[Project, list[Task]], make_task: MakeTask, committed: Committed
) -> None:
    project, (design, build, test, docs) = chain
    owner = owner_of(org)
    phase = make_task(project, name="Phase", duration=0)
    with committed():
        services_tasks.update_task(owner, design.pk, version=version(design), duration=1440)
    with committed():
        services_tasks.add_link(owner, project.pk, predecessor_id=docs.pk, successor_id=test.pk)
    with committed():
        services_tasks.update_task(owner, docs.pk, version=version(docs), duration=4800)
    with committed():
        services_tasks.update_task(owner, docs.pk, version=version(docs), parent_id=phase.pk)
    with committed():
        services_tasks.add_link(owner, project.pk, predecessor_id=build.pk, successor_id=phase.pk)
    with committed():
        services_tasks.update_task(owner, docs.pk, version=version(docs), duration=480)
    assert fresh(project) == stored(project)


def test_a_refused_edit_leaves_the_next_edit_correct(
    org: Organisation, chain: tuple[Project, list[Task]], committed: Committed
) -> None:
    project, (design, build, test, _) = chain
    owner = owner_of(org)
    with committed():
        services_tasks.update_task(owner, design.pk, version=version(design), duration=1440)
    with committed(), pytest.raises(DependencyCycle):
        services_tasks.add_link(owner, project.pk, predecessor_id=test.pk, successor_id=design.pk)
    with committed():
        services_tasks.update_task(owner, build.pk, version=version(build), duration=480)
    assert fresh(project) == stored(project)


def test_a_plan_changed_elsewhere_is_read_again_not_served_from_the_prepared_schedule(
    org: Organisation, chain: tuple[Project, list[Task]], committed: Committed
) -> None:
    project, (design, build, test, _) = chain
    owner = owner_of(org)
    with committed():
        services_tasks.update_task(owner, design.pk, version=version(design), duration=1440)
    # Another worker lengthens the build and bumps the plan's version, as its services do.
    Task.objects.filter(pk=build.pk).update(duration=4800, version=F("version") + 1)
    Project.objects.filter(pk=project.pk).update(plan_version=F("plan_version") + 1)
    with committed():
        services_tasks.update_task(owner, test.pk, version=version(test), name="Test all")
    test.refresh_from_db()
    build.refresh_from_db()
    assert test.start is not None and build.finish is not None
    assert test.start > build.finish
    assert fresh(project) == stored(project)
